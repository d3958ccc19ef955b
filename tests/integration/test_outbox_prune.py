"""Relayed events are deleted after their retention, on every storage adapter; pending ones never are."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory.services import FixedClock, MemoryMailer
from bootstrap import Settings, bootstrap, shutdown
from core.accounts.events import EmailVerified
from core.accounts.use_cases.registration import Register, RegisterAccount
from core.platform.outbox import PruneOutbox
from ports.services import Clock, Mailer, OutboxRelayTrigger, TaskQueue
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def container(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[object]:
    url = (
        "memory://"
        if request.param == "memory"
        else request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    )
    clock = FixedClock()
    c = bootstrap(
        Settings(database_url=url, profile="test", var_dir=str(tmp_path), **FAST_HASH),
        overrides={Clock: clock, Mailer: MemoryMailer()},
    )
    yield c
    await shutdown(c)


class NoRelay:
    def poke(self) -> None:
        pass


async def _register(c: object, email: str) -> None:
    await c.resolve(RegisterAccount)(Register(email, "long-enough"))  # type: ignore[attr-defined]
    await c.resolve(TaskQueue).drain()  # type: ignore[attr-defined]  # relayed and delivered in-process


async def test_relayed_events_are_pruned_after_their_retention(container: object) -> None:
    c = container
    clock: FixedClock = c.resolve(Clock)  # type: ignore[attr-defined]
    prune = c.resolve(PruneOutbox)  # type: ignore[attr-defined]
    await _register(c, "ali@example.com")  # two events (registered, message requested), relayed at T0
    assert await prune() == 0  # younger than the 24 h retention

    clock.advance(hours=20)
    await _register(c, "veli@example.com")  # two more, relayed at T0+20h
    clock.advance(hours=5)
    assert await prune() == 2  # only the first account's events are past 24 h
    assert await prune() == 0
    clock.advance(hours=20)
    assert await prune() == 2
    assert len(c.resolve(Mailer).sent) == 2  # type: ignore[attr-defined]  # pruning lost no delivery


async def test_pending_events_are_never_pruned(container: object) -> None:
    c = container
    c.register(OutboxRelayTrigger, instance=NoRelay())  # type: ignore[attr-defined]  # keep the event pending
    clock: FixedClock = c.resolve(Clock)  # type: ignore[attr-defined]
    async with c.resolve(UnitOfWork) as uow:  # type: ignore[attr-defined]
        uow.emit(EmailVerified(account_id=uuid.uuid4()))
        await uow.commit()
    async with c.resolve(UnitOfWork) as uow:  # type: ignore[attr-defined]
        waiting = await uow.outbox.pending(10)
    clock.advance(days=30)
    assert len(waiting) == 1
    assert await c.resolve(PruneOutbox)() == 0  # type: ignore[attr-defined]
    async with c.resolve(UnitOfWork) as uow:  # type: ignore[attr-defined]
        still = {e.id for e in await uow.outbox.pending(10)}
    assert {e.id for e in waiting} <= still
