"""SessionRepository (auth sessions and refresh tokens) and OneTimeTokenRepository on every adapter."""

from __future__ import annotations

import uuid
from datetime import timedelta

from core.shared.time import utcnow
from tests.integration.contract.builders import account, auth_session, one_time_token, refresh_token
from tests.integration.contract.conftest import Backend


async def _account(backend: Backend) -> uuid.UUID:
    person = account()
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    return person.id


async def _session_with_token(backend: Backend) -> tuple[uuid.UUID, uuid.UUID, str]:
    """(session id, refresh token id, token hash), committed."""
    account_id = await _account(backend)
    session = auth_session(account_id)
    token = refresh_token(session.id)
    async with backend.uow() as uow:
        await uow.sessions.add(session)
        await uow.sessions.add_refresh(token)
        await uow.commit()
    return session.id, token.id, token.token_hash


# --- auth sessions ----------------------------------------------------------------------------------------


async def test_a_session_reads_back_and_an_unknown_one_is_none(backend: Backend) -> None:
    account_id = await _account(backend)
    session = auth_session(account_id)
    async with backend.uow() as uow:
        await uow.sessions.add(session)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.sessions.get(session.id)
        assert got is not None
        assert (got.account_id, got.expires_at, got.revoked_at, got.user_agent) == \
            (account_id, session.expires_at, None, "pytest")  # fmt: skip
        assert await uow.sessions.get(uuid.uuid4()) is None


async def test_live_for_lists_only_unrevoked_unexpired_sessions_of_that_account(backend: Backend) -> None:
    mine, theirs = await _account(backend), await _account(backend)
    now = utcnow()
    live, revoked = auth_session(mine), auth_session(mine)
    expired = auth_session(mine, expires_in=timedelta(minutes=-1))
    other = auth_session(theirs)
    async with backend.uow() as uow:
        for s in (live, revoked, expired, other):
            await uow.sessions.add(s)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.sessions.get(revoked.id)
        assert got is not None
        got.revoke(now)
        await uow.commit()

    async with backend.uow() as uow:
        assert [s.id for s in await uow.sessions.live_for(mine, now)] == [live.id]
        assert [s.id for s in await uow.sessions.live_for(theirs, now)] == [other.id]
        assert await uow.sessions.live_for(mine, now + timedelta(days=2)) == []
        got = await uow.sessions.get(revoked.id)
        assert got is not None and got.revoked_at == now


async def test_a_soft_deleted_session_is_hidden(backend: Backend) -> None:
    account_id = await _account(backend)
    session = auth_session(account_id)
    async with backend.uow() as uow:
        await uow.sessions.add(session)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.sessions.get(session.id)
        assert got is not None
        got.delete(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.sessions.get(session.id) is None
        assert await uow.sessions.live_for(account_id, utcnow()) == []


# --- refresh tokens ---------------------------------------------------------------------------------------


async def test_a_refresh_token_is_found_by_its_hash(backend: Backend) -> None:
    session_id, token_id, token_hash = await _session_with_token(backend)
    async with backend.uow() as uow:
        got = await uow.sessions.refresh_by_hash(token_hash)
        assert got is not None
        assert (got.id, got.session_id, got.token_hash, got.used_at) == (token_id, session_id, token_hash, None)
        assert await uow.sessions.refresh_by_hash("0" * 64) is None


async def test_claim_refresh_is_single_use(backend: Backend) -> None:
    _, token_id, token_hash = await _session_with_token(backend)
    at = utcnow()
    async with backend.uow() as uow:
        assert await uow.sessions.claim_refresh(token_id, at) is True
        assert await uow.sessions.claim_refresh(token_id, at) is False
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.sessions.claim_refresh(token_id, utcnow()) is False
        got = await uow.sessions.refresh_by_hash(token_hash)
        assert got is not None and got.used_at == at


async def test_claim_refresh_of_an_unknown_token_is_false(backend: Backend) -> None:
    async with backend.uow() as uow:
        assert await uow.sessions.claim_refresh(uuid.uuid4(), utcnow()) is False


async def test_a_claim_shows_on_the_token_already_loaded(backend: Backend) -> None:
    _, token_id, token_hash = await _session_with_token(backend)
    at = utcnow()
    async with backend.uow() as uow:
        token = await uow.sessions.refresh_by_hash(token_hash)
        assert token is not None and token.used_at is None
        assert await uow.sessions.claim_refresh(token_id, at)
        assert token.used_at == at
        again = await uow.sessions.refresh_by_hash(token_hash)
        assert again is not None and again.used_at == at


async def test_a_claim_rolled_back_leaves_the_token_usable(backend: Backend) -> None:
    _, token_id, token_hash = await _session_with_token(backend)
    async with backend.uow() as uow:
        assert await uow.sessions.claim_refresh(token_id, utcnow())
        # left without commit
    async with backend.uow() as uow:
        got = await uow.sessions.refresh_by_hash(token_hash)
        assert got is not None and got.used_at is None
        assert await uow.sessions.claim_refresh(token_id, utcnow()) is True
        await uow.commit()


async def test_a_claim_in_a_failed_unit_of_work_is_undone(backend: Backend) -> None:
    _, token_id, _ = await _session_with_token(backend)
    try:
        async with backend.uow() as uow:
            assert await uow.sessions.claim_refresh(token_id, utcnow())
            raise RuntimeError("the rest of the refresh failed")
    except RuntimeError:
        pass
    async with backend.uow() as uow:
        assert await uow.sessions.claim_refresh(token_id, utcnow()) is True


# --- one-time tokens --------------------------------------------------------------------------------------


async def test_one_time_tokens_are_found_by_purpose_and_hash(backend: Backend) -> None:
    account_id = await _account(backend)
    email, reset = one_time_token(account_id, "verify_email"), one_time_token(account_id, "reset_password")
    async with backend.uow() as uow:
        await uow.one_time_tokens.add(email)
        await uow.one_time_tokens.add(reset)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.one_time_tokens.find("verify_email", email.token_hash)
        assert got is not None
        assert (got.id, got.account_id, got.target, got.attempts, got.used_at) == \
            (email.id, account_id, "someone@example.com", 0, None)  # fmt: skip
        assert got.expires_at == email.expires_at and got.created_at == email.created_at
        assert await uow.one_time_tokens.find("reset_password", email.token_hash) is None
        assert await uow.one_time_tokens.find("verify_email", "e" * 64) is None
        found = await uow.one_time_tokens.find("reset_password", reset.token_hash)
        assert found is not None and found.id == reset.id


async def test_latest_is_the_newest_token_of_that_account_and_purpose(backend: Backend) -> None:
    mine, theirs = await _account(backend), await _account(backend)
    now = utcnow()
    old = one_time_token(mine, "verify_phone", created_at=now - timedelta(minutes=10))
    new = one_time_token(mine, "verify_phone", created_at=now - timedelta(minutes=1))
    other_purpose = one_time_token(mine, "verify_email", created_at=now)
    other_account = one_time_token(theirs, "verify_phone", created_at=now)
    async with backend.uow() as uow:
        for token in (new, old, other_purpose, other_account):  # insertion order is not the answer
            await uow.one_time_tokens.add(token)
        await uow.commit()
    async with backend.uow() as uow:
        latest = await uow.one_time_tokens.latest(mine, "verify_phone")
        assert latest is not None and latest.id == new.id
        assert await uow.one_time_tokens.latest(mine, "reset_password") is None


async def test_one_time_token_claim_is_single_use_and_undone_by_rollback(backend: Backend) -> None:
    account_id = await _account(backend)
    token = one_time_token(account_id)
    async with backend.uow() as uow:
        await uow.one_time_tokens.add(token)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.one_time_tokens.claim(token.id, utcnow()) is True
    async with backend.uow() as uow:  # the first claim was not committed
        at = utcnow()
        assert await uow.one_time_tokens.claim(token.id, at) is True
        assert await uow.one_time_tokens.claim(token.id, at) is False
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.one_time_tokens.claim(token.id, utcnow()) is False
        assert await uow.one_time_tokens.claim(uuid.uuid4(), utcnow()) is False
        got = await uow.one_time_tokens.find("verify_email", token.token_hash)
        assert got is not None and got.used_at == at and not got.usable(at)


async def test_count_attempt_adds_one_each_time_and_is_kept_on_commit(backend: Backend) -> None:
    account_id = await _account(backend)
    token = one_time_token(account_id, "verify_phone")
    async with backend.uow() as uow:
        await uow.one_time_tokens.add(token)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.one_time_tokens.count_attempt(token.id) == 1
        assert await uow.one_time_tokens.count_attempt(token.id) == 2
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.one_time_tokens.count_attempt(token.id) == 3
        # not committed
    async with backend.uow() as uow:
        got = await uow.one_time_tokens.latest(account_id, "verify_phone")
        assert got is not None and got.attempts == 2


async def test_attempts_counted_then_claimed_are_both_kept(backend: Backend) -> None:
    """The phone-code flow: a last wrong try counts, then the code is spent, in one commit."""
    account_id = await _account(backend)
    token = one_time_token(account_id, "verify_phone")
    async with backend.uow() as uow:
        await uow.one_time_tokens.add(token)
        await uow.commit()
    async with backend.uow() as uow:
        loaded = await uow.one_time_tokens.latest(account_id, "verify_phone")
        assert loaded is not None
        assert await uow.one_time_tokens.count_attempt(token.id) == 1
        assert await uow.one_time_tokens.claim(token.id, utcnow())
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.one_time_tokens.latest(account_id, "verify_phone")
        assert got is not None and got.attempts == 1 and got.used_at is not None
