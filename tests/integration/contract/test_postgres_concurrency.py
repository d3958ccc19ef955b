"""PostgreSQL only: what the ports promise under real concurrency, with transactions open side by side.

(SQLite runs one write transaction at a time — BEGIN IMMEDIATE — so these races cannot arise there.)
Every racer gets its own unit of work; a barrier makes sure all transactions are open before anyone writes.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from core.shared.errors import Conflict
from core.shared.time import utcnow
from ports.platform import IdempotencyRecord
from tests.integration.contract.builders import account, auth_session, one_time_token, refresh_token
from tests.integration.contract.conftest import Backend

RACERS = 8


async def _token(backend: Backend) -> tuple[uuid.UUID, uuid.UUID]:
    """(refresh token id, one-time token id), committed and unused."""
    person = account()
    session = auth_session(person.id)
    token = refresh_token(session.id)
    code = one_time_token(person.id, "verify_phone")
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.sessions.add(session)
        await uow.sessions.add_refresh(token)
        await uow.one_time_tokens.add(code)
        await uow.commit()
    return token.id, code.id


async def _refresh(backend: Backend, token_id: uuid.UUID, barrier: asyncio.Barrier) -> bool:
    async with backend.uow() as uow:
        await uow.sessions.refresh_by_hash("0" * 64)  # opens the transaction
        await barrier.wait()
        won = await uow.sessions.claim_refresh(token_id, utcnow())
        await uow.commit()
        return won


async def test_of_racing_refresh_claims_exactly_one_wins(pg_backend: Backend) -> None:
    for _ in range(3):
        token_id, _code = await _token(pg_backend)
        barrier = asyncio.Barrier(RACERS)
        results = await asyncio.gather(*(_refresh(pg_backend, token_id, barrier) for _ in range(RACERS)))
        assert sorted(results) == [False] * (RACERS - 1) + [True]


async def test_two_refreshes_racing_exactly_one_wins(pg_backend: Backend) -> None:
    """The case the brief names: two units of work, asyncio.gather, one True."""
    token_id, _code = await _token(pg_backend)
    barrier = asyncio.Barrier(2)
    results = await asyncio.gather(_refresh(pg_backend, token_id, barrier), _refresh(pg_backend, token_id, barrier))
    assert sorted(results) == [False, True]
    async with pg_backend.uow() as uow:
        assert await uow.sessions.claim_refresh(token_id, utcnow()) is False


async def test_a_losing_claim_waits_for_the_winner_and_wins_if_it_rolls_back(pg_backend: Backend) -> None:
    token_id, _code = await _token(pg_backend)
    winner_claimed, loser_started = asyncio.Event(), asyncio.Event()

    async def winner() -> bool:
        async with pg_backend.uow() as uow:
            won = await uow.sessions.claim_refresh(token_id, utcnow())
            winner_claimed.set()
            await loser_started.wait()
            await asyncio.sleep(0.2)  # the loser is now blocked on the row lock
            return won  # left without commit: the claim is undone

    async def loser() -> bool:
        await winner_claimed.wait()
        async with pg_backend.uow() as uow:
            loser_started.set()
            won = await uow.sessions.claim_refresh(token_id, utcnow())
            await uow.commit()
            return won

    assert await asyncio.gather(winner(), loser()) == [True, True]
    async with pg_backend.uow() as uow:
        assert await uow.sessions.claim_refresh(token_id, utcnow()) is False


async def test_of_racing_one_time_token_claims_exactly_one_wins(pg_backend: Backend) -> None:
    _refresh, code_id = await _token(pg_backend)
    barrier = asyncio.Barrier(RACERS)

    async def verify() -> bool:
        async with pg_backend.uow() as uow:
            await uow.sessions.get(uuid.uuid4())
            await barrier.wait()
            won = await uow.one_time_tokens.claim(code_id, utcnow())
            await uow.commit()
            return won

    assert sorted(await asyncio.gather(*(verify() for _ in range(RACERS)))) == [False] * (RACERS - 1) + [True]


async def test_racing_attempt_counts_are_all_kept(pg_backend: Backend) -> None:
    _refresh, code_id = await _token(pg_backend)

    async def wrong_code() -> int:
        async with pg_backend.uow() as uow:
            n = await uow.one_time_tokens.count_attempt(code_id)
            await uow.commit()
            return n

    assert sorted(await asyncio.gather(*(wrong_code() for _ in range(RACERS)))) == list(range(1, RACERS + 1))


# --- idempotency ------------------------------------------------------------------------------------------

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


async def test_of_racing_idempotent_requests_exactly_one_owns_the_key(pg_backend: Backend) -> None:
    store = pg_backend.idempotency
    for round_ in range(3):
        key = f"key-{round_}"
        results = await asyncio.gather(*(store.begin("account:1", key, "hash-a", NOW) for _ in range(RACERS)))
        owners = [r for r in results if r is None]
        assert len(owners) == 1
        assert [r for r in results if r is not None] == [IdempotencyRecord("hash-a", None)] * (RACERS - 1)


async def test_of_racing_takeovers_of_a_stale_claim_exactly_one_wins(pg_backend: Backend) -> None:
    store = pg_backend.idempotency
    assert await store.begin("account:1", "key", "hash-a", NOW) is None  # then the process died
    later = NOW + timedelta(minutes=30)
    # the client's retries of that request, all at once
    results = await asyncio.gather(*(store.begin("account:1", "key", "hash-a", later) for _ in range(RACERS)))
    assert sum(r is None for r in results) == 1
    assert [r for r in results if r is not None] == [IdempotencyRecord("hash-a", None)] * (RACERS - 1)
    # the winner's claim is fresh: not taken over again a minute later
    assert await store.begin("account:1", "key", "hash-a", later + timedelta(minutes=1)) == \
        IdempotencyRecord("hash-a", None)  # fmt: skip


# --- optimistic locking with both transactions open -------------------------------------------------------


async def test_two_open_units_of_work_writing_one_version_the_second_gets_stale_write(pg_backend: Backend) -> None:
    person = account(first_name="Ali")
    async with pg_backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    async with pg_backend.uow() as first, pg_backend.uow() as second:
        mine = await first.accounts.get(person.id)
        theirs = await second.accounts.get(person.id)
        theirs.update_profile({"first_name": "Veli"})
        await second.commit()
        mine.update_profile({"first_name": "Ayşe"})
        with pytest.raises(Conflict) as raised:
            await first.commit()
        assert raised.value.code == "stale_write"
    async with pg_backend.uow() as uow:
        assert (await uow.accounts.get(person.id)).first_name == "Veli"


async def test_of_racing_writers_over_one_version_exactly_one_commits(pg_backend: Backend) -> None:
    person = account(first_name="Ali")
    async with pg_backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    barrier = asyncio.Barrier(RACERS)

    async def edit(n: int) -> str:
        async with pg_backend.uow() as uow:
            got = await uow.accounts.get(person.id)
            await barrier.wait()
            got.update_profile({"first_name": f"Name {n}"})
            try:
                await uow.commit()
            except Conflict as e:
                return e.code
            return "ok"

    results = await asyncio.gather(*(edit(n) for n in range(RACERS)))
    assert sorted(results) == ["ok"] + ["stale_write"] * (RACERS - 1)
    async with pg_backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert got.version == 2 and got.first_name == f"Name {results.index('ok')}"


async def test_a_stale_write_met_by_the_flush_before_a_query_is_a_conflict_too(pg_backend: Backend) -> None:
    person = account(first_name="Ali")
    async with pg_backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    async with pg_backend.uow() as first, pg_backend.uow() as second:
        mine = await first.accounts.get(person.id)
        theirs = await second.accounts.get(person.id)
        theirs.update_profile({"first_name": "Veli"})
        await second.commit()
        mine.update_profile({"first_name": "Ayşe"})
        with pytest.raises(Conflict) as raised:
            await first.accounts.by_email("someone@example.com")  # autoflush writes the stale change first
        assert raised.value.code == "stale_write"


# --- the outbox relay -------------------------------------------------------------------------------------


async def test_pending_outbox_rows_are_locked_against_a_second_relay(pg_backend: Backend) -> None:
    async with pg_backend.uow() as uow:
        for _ in range(3):
            await uow.accounts.add(account())
        await uow.commit()
    async with pg_backend.uow() as relay_a, pg_backend.uow() as relay_b:
        taken = await relay_a.outbox.pending(10)
        assert len(taken) == 3
        assert await relay_b.outbox.pending(10) == []  # skipped, not waited for
        await relay_a.outbox.mark_dispatched([m.id for m in taken], utcnow())
        await relay_a.commit()
    async with pg_backend.uow() as uow:
        assert await uow.outbox.pending(10) == []


async def test_two_relays_split_the_pending_rows_between_them(pg_backend: Backend) -> None:
    async with pg_backend.uow() as uow:
        for _ in range(6):
            await uow.accounts.add(account())
        await uow.commit()
    async with pg_backend.uow() as relay_a, pg_backend.uow() as relay_b:
        first = await relay_a.outbox.pending(4)
        second = await relay_b.outbox.pending(4)
        assert (len(first), len(second)) == (4, 2)
        assert not {m.id for m in first} & {m.id for m in second}
