"""The port contract suites run every test on the memory, SQLite and PostgreSQL adapters alike."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest

from bootstrap import Settings, bootstrap, shutdown
from core.shared.actor import Actor, current_actor
from ports.platform import IdempotencyStore
from ports.services import OutboxRelayTrigger
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH

BACKENDS = ["memory", "sqlite", "postgresql"]


class CountingTrigger:
    """An OutboxRelayTrigger that only counts: the relay must not drain the outbox under the tests' feet."""

    def __init__(self) -> None:
        self.pokes = 0

    def poke(self) -> None:
        self.pokes += 1


@attrs.define
class Backend:
    kind: str
    container: Any
    trigger: CountingTrigger

    def uow(self) -> UnitOfWork:
        """A fresh unit of work, as each request or job gets one."""
        return self.container.resolve(UnitOfWork)  # type: ignore[no-any-return]

    @property
    def idempotency(self) -> IdempotencyStore:
        return self.container.resolve(IdempotencyStore)  # type: ignore[no-any-return]


async def _backend(kind: str, url: str, tmp_path: Path) -> AsyncIterator[Backend]:
    trigger = CountingTrigger()
    settings = Settings(database_url=url, profile="test", var_dir=str(tmp_path), **FAST_HASH)
    container = bootstrap(settings, overrides={OutboxRelayTrigger: trigger})
    try:
        yield Backend(kind, container, trigger)
    finally:
        await shutdown(container)


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """The same storage ports on memory, an SQLite file and PostgreSQL."""
    kind = request.param
    url = "memory://" if kind == "memory" else request.getfixturevalue(f"{'sqlite' if kind == 'sqlite' else 'pg'}_url")
    async for b in _backend(kind, url, tmp_path):
        yield b


@pytest.fixture
async def pg_backend(pg_url: str, tmp_path: Path) -> AsyncIterator[Backend]:
    async for b in _backend("postgresql", pg_url, tmp_path):
        yield b


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[None]:
    token = current_actor.set(actor)
    try:
        yield
    finally:
        current_actor.reset(token)
