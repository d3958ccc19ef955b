"""Refresh rotation and reuse detection, logout, and turning an access token back into an actor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.accounts.use_cases.sessions import Authenticate, Logout, Refresh, RefreshSession, TokenPair
from core.accounts.use_cases.staff import AccountStatus, SetAccountActive
from core.shared.actor import SYSTEM, Actor
from core.shared.errors import Unauthenticated
from ports.services import AccessTokens
from tests.unit.conftest import App


async def _refresh(app: App, pair: TokenPair) -> TokenPair:
    return await app.use(RefreshSession)(Refresh(pair.refresh_token))


async def _refused(app: App, pair: TokenPair) -> str:
    with pytest.raises(Unauthenticated) as e:
        await _refresh(app, pair)
    return e.value.code


async def _denied(app: App, pair: TokenPair) -> str:
    with pytest.raises(Unauthenticated) as e:
        await app.actor(pair)
    return e.value.code


# --- refresh ------------------------------------------------------------------------------------------------


async def test_refresh_gives_a_new_pair_in_the_same_session(app: App) -> None:
    await app.register()
    first = await app.login()
    second = await _refresh(app, first)
    assert second.refresh_token != first.refresh_token
    assert second.token_type == "bearer" and second.expires_in == 15 * 60
    assert (await app.actor(second)).session_id == (await app.actor(first)).session_id
    third = await _refresh(app, second)  # the new refresh token works in its turn
    assert (await app.actor(third)).user_id == (await app.actor(first)).user_id


async def test_a_refresh_token_works_once_and_reuse_revokes_the_session(app: App) -> None:
    await app.register()
    first = await app.login()
    second = await _refresh(app, first)
    assert await _refused(app, first) == "token_reused"
    # the leaked family is dead: the newest pair stops working too
    assert await _denied(app, second) == "session_ended"
    assert await _refused(app, second) == "session_ended"
    assert await _denied(app, first) == "session_ended"


async def test_reuse_does_not_touch_other_sessions(app: App) -> None:
    await app.register()
    stolen, other = await app.login(), await app.login()
    await _refresh(app, stolen)
    await _refused(app, stolen)
    await app.actor(other)
    await _refresh(app, other)


async def test_unknown_refresh_token(app: App) -> None:
    with pytest.raises(Unauthenticated) as e:
        await app.use(RefreshSession)(Refresh("not-a-token"))
    assert e.value.code == "invalid_token"


async def test_an_access_token_is_not_a_refresh_token(app: App) -> None:
    await app.register()
    pair = await app.login()
    with pytest.raises(Unauthenticated):
        await app.use(RefreshSession)(Refresh(pair.access_token))


async def test_refresh_ends_with_the_session_lifetime(app: App) -> None:
    await app.register()
    pair = await app.login()
    app.clock.advance(days=29)
    pair = await _refresh(app, pair)
    app.clock.advance(days=1, seconds=1)
    assert await _refused(app, pair) == "session_ended"


async def test_session_lifetime_follows_the_setting(app: App) -> None:
    await app.register()
    await app.set("auth.refresh_token_days", 1)
    pair = await app.login()
    app.clock.advance(hours=23)
    pair = await _refresh(app, pair)
    app.clock.advance(hours=1)
    assert await _refused(app, pair) == "session_ended"


async def test_a_refused_refresh_does_not_use_up_the_token(app: App) -> None:
    account = await app.register()
    pair = await app.login()
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, False))
    assert await _refused(app, pair) == "session_ended"
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, True))
    await _refresh(app, pair)  # not counted as a reuse


async def test_access_token_never_outlives_its_session(app: App) -> None:
    await app.register()
    await app.set("auth.refresh_token_days", 1)
    pair = await app.login()
    app.clock.advance(hours=23, minutes=55)
    assert (await _refresh(app, pair)).expires_in == 5 * 60


# --- logout -------------------------------------------------------------------------------------------------


async def test_logout_stops_the_access_and_refresh_tokens(app: App) -> None:
    await app.register()
    pair, other = await app.login(), await app.login()
    await app.use(Logout)(await app.actor(pair))
    assert await _denied(app, pair) == "session_ended"
    assert await _refused(app, pair) == "session_ended"
    await app.actor(other)  # only that session ends


async def test_logout_twice_or_without_a_session_is_harmless(app: App) -> None:
    await app.register()
    pair = await app.login()
    actor = await app.actor(pair)
    await app.use(Logout)(actor)
    await app.use(Logout)(actor)
    await app.use(Logout)(Actor(None))


# --- authenticate ------------------------------------------------------------------------------------------


async def test_authenticate_gives_the_accounts_permissions(app: App) -> None:
    account, actor = await app.staff("staff@example.com", ["catalog.manage", "orders.manage"])
    assert actor.user_id == account.id
    assert actor.permissions == {"catalog.manage", "orders.manage"}
    assert not actor.is_superuser
    assert actor.can("catalog.manage") and not actor.can("settings.manage")


async def test_an_expired_access_token_is_refused(app: App) -> None:
    await app.register()
    pair = await app.login()
    app.clock.advance(minutes=14)
    await app.actor(pair)
    app.clock.advance(minutes=1, seconds=1)
    assert await _denied(app, pair) == "token_expired"


async def test_a_token_expired_in_real_time_is_refused(app: App) -> None:
    account = await app.register()
    pair = await app.login()
    session_id = (await app.actor(pair)).session_id
    stale = app.use(AccessTokens).issue(str(account.id), str(session_id), app.clock.now() - timedelta(seconds=5))
    with pytest.raises(Unauthenticated) as e:
        await app.use(Authenticate)(stale)
    assert e.value.code == "token_expired"


def _tamper(token: str) -> list[str]:
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    return [f"{header}.{payload}.{flipped}", f"{header}.{payload[:-2]}xx.{signature}", f"{header}.{payload}.",
            token[:-10], "", "garbage", "a.b.c"]  # fmt: skip


async def test_tampered_tokens_are_refused(app: App) -> None:
    await app.register()
    pair = await app.login()
    for bad in _tamper(pair.access_token):
        with pytest.raises(Unauthenticated):
            await app.use(Authenticate)(bad)
    await app.actor(pair)


async def test_a_token_signed_with_another_key_is_refused(app: App) -> None:
    from adapters.system import JwtAccessTokens

    account = await app.register()
    pair = await app.login()
    session_id = (await app.actor(pair)).session_id
    other_signer = JwtAccessTokens("someone else's key, at least thirty-two bytes long")
    forged = other_signer.issue(str(account.id), str(session_id), app.clock.now() + timedelta(minutes=5))
    with pytest.raises(Unauthenticated) as e:
        await app.use(Authenticate)(forged)
    assert e.value.code == "invalid_token"


async def test_a_token_naming_another_account_for_its_session_is_refused(app: App) -> None:
    await app.register("a@example.com")
    other = await app.register("b@example.com")
    session_id = (await app.actor(await app.login("a@example.com"))).session_id
    forged = app.use(AccessTokens).issue(str(other.id), str(session_id), app.clock.now() + timedelta(minutes=5))
    with pytest.raises(Unauthenticated):
        await app.use(Authenticate)(forged)


async def test_a_token_for_an_unknown_or_malformed_session_is_refused(app: App) -> None:
    import uuid

    account = await app.register()
    tokens = app.use(AccessTokens)
    soon = app.clock.now() + timedelta(minutes=5)
    for session_id in (str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(Unauthenticated):
            await app.use(Authenticate)(tokens.issue(str(account.id), session_id, soon))


async def test_a_disabled_account_is_refused_at_once(app: App) -> None:
    account = await app.register()
    pair = await app.login()
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, False))
    assert await _denied(app, pair) == "account_disabled"
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, True))
    await app.actor(pair)
