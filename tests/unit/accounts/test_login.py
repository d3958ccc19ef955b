"""Login: credentials, the same 401 for unknown e-mails and wrong passwords, throttling, rehash."""

from __future__ import annotations

import asyncio

import pytest

from adapters.system import Argon2Hasher
from core.accounts.use_cases.sessions import LogIn, Login
from core.accounts.use_cases.staff import AccountStatus, SetAccountActive
from core.shared.actor import SYSTEM
from core.shared.errors import RateLimited, Unauthenticated
from ports.services import PasswordHasher
from tests.unit.conftest import PASSWORD, App


async def test_login_returns_a_bearer_pair_for_the_account(app: App) -> None:
    account = await app.register()
    pair = await app.login(" AYSE@example.com ")
    assert pair.token_type == "bearer"
    assert pair.expires_in == 15 * 60
    assert pair.access_token and pair.refresh_token and pair.access_token != pair.refresh_token
    actor = await app.actor(pair)
    assert actor.user_id == account.id and actor.session_id is not None
    assert (await app.account(account.id)).last_login_at == app.clock.now()


async def test_access_lifetime_follows_the_setting(app: App) -> None:
    await app.register()
    await app.set("auth.access_token_minutes", 5)
    assert (await app.login()).expires_in == 300


async def test_each_login_is_its_own_session(app: App) -> None:
    await app.register()
    first, second = await app.actor(await app.login()), await app.actor(await app.login())
    assert first.session_id != second.session_id


async def _refusal(app: App, email: str, password: str) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as e:
        await app.login(email, password)
    return e.value


async def test_wrong_password_and_unknown_email_answer_the_same(app: App) -> None:
    await app.register()
    wrong = await _refusal(app, "ayse@example.com", "wrong password")
    unknown = await _refusal(app, "nobody@example.com", PASSWORD)
    assert wrong.code == unknown.code == "invalid_credentials"
    assert wrong.detail == unknown.detail


async def test_inactive_account_cannot_log_in(app: App) -> None:
    account = await app.register()
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, False))
    refusal = await _refusal(app, "ayse@example.com", PASSWORD)
    assert refusal.code == "invalid_credentials"
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, True))
    await app.login()


async def test_ten_failures_lock_the_email_even_for_the_right_password(app: App) -> None:
    await app.register()
    for _ in range(9):
        await _refusal(app, "ayse@example.com", "wrong password")
    await app.login()  # nine failures: still open, and a success does not count
    await _refusal(app, "ayse@example.com", "wrong password")  # the tenth failure is still a 401
    with pytest.raises(RateLimited) as e:
        await app.login()
    assert 1 <= e.value.retry_after <= 15 * 60
    with pytest.raises(RateLimited):
        await app.login(" Ayse@EXAMPLE.com")  # the same address, however it is written


async def test_the_lock_is_per_email(app: App) -> None:
    await app.register("ayse@example.com")
    await app.register("mehmet@example.com")
    for _ in range(10):
        await _refusal(app, "ayse@example.com", "wrong password")
    with pytest.raises(RateLimited):
        await app.login("ayse@example.com")
    await app.login("mehmet@example.com")


async def test_unknown_emails_are_throttled_too(app: App) -> None:
    for _ in range(10):
        await _refusal(app, "ghost@example.com", "whatever1")
    with pytest.raises(RateLimited):
        await app.login("ghost@example.com", "whatever1")


async def test_only_failures_count(app: App) -> None:
    await app.register()
    for _ in range(25):
        await app.login()
    for _ in range(9):
        await _refusal(app, "ayse@example.com", "wrong password")
    await app.login()


async def test_the_lock_ends_when_the_window_passes(app: App) -> None:
    await app.register()
    await app.set("auth.login_window_seconds", 1)
    await app.set("auth.login_failures_per_email", 3)
    for _ in range(3):
        await _refusal(app, "ayse@example.com", "wrong password")
    with pytest.raises(RateLimited) as e:
        await app.login()
    assert e.value.retry_after == 1
    await asyncio.sleep(1.05)
    await app.login()


async def test_a_client_address_has_a_much_higher_threshold(app: App) -> None:
    await app.register("victim@example.com")
    client = "198.51.100.9"
    for i in range(99):  # many e-mails, each below its own limit
        await _refusal_from(app, f"user{i % 20}@example.com", client)
    await app.login("victim@example.com", client=client)  # 99 failures: the address is not locked yet
    await _refusal_from(app, "user0@example.com", client)
    with pytest.raises(RateLimited):
        await app.login("victim@example.com", client=client)
    await app.login("victim@example.com", client="192.0.2.1")  # other addresses are not affected


async def _refusal_from(app: App, email: str, client: str) -> None:
    with pytest.raises(Unauthenticated):
        await app.use(Login)(LogIn(email=email, password="wrong password", client=client))


async def test_an_outdated_hash_is_upgraded_on_login(app: App) -> None:
    account = await app.register()
    old = Argon2Hasher(time_cost=2, memory_cost=16)
    hasher = app.use(PasswordHasher)
    async with app.uow() as uow:
        stored = await uow.accounts.get(account.id)
        stored.password_hash = old.hash(PASSWORD)
        await uow.commit()
    assert hasher.needs_rehash((await app.account(account.id)).password_hash)
    await app.login()
    upgraded = (await app.account(account.id)).password_hash
    assert not hasher.needs_rehash(upgraded)
    assert hasher.verify(upgraded, PASSWORD)
    await app.login()


async def test_a_failed_login_does_not_rehash(app: App) -> None:
    account = await app.register()
    old_hash = Argon2Hasher(time_cost=2, memory_cost=16).hash(PASSWORD)
    async with app.uow() as uow:
        (await uow.accounts.get(account.id)).password_hash = old_hash
        await uow.commit()
    await _refusal(app, "ayse@example.com", "wrong password")
    assert (await app.account(account.id)).password_hash == old_hash
