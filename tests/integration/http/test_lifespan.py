"""The served app shuts down the container it owns when its lifespan ends, and leaves a lent one alone."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from bootstrap import Settings, bootstrap
from entrypoints.http.app import create_app
from ports.services import OutboxRelayTrigger, TaskQueue
from tests.conftest import FAST_HASH


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[str] = []
        self.drained = False

    async def enqueue(self, job: str, payload: dict[str, Any], *, job_id: str | None = None) -> None:
        self.jobs.append(job)

    def poke(self) -> None:
        pass

    async def drain(self, timeout: float = 30.0) -> None:
        self.drained = True


async def _served(tmp_path: Path, **create: Any) -> RecordingQueue:
    queue = RecordingQueue()
    settings = Settings(database_url="memory://", profile="test", var_dir=str(tmp_path), **FAST_HASH)
    app = create_app(bootstrap(settings, overrides={TaskQueue: queue, OutboxRelayTrigger: queue}), **create)
    async with app.router.lifespan_context(app):  # what uvicorn runs around serving
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get("/health/live")).status_code == 200
        async with asyncio.timeout(10):  # the embedded profile's periodic chores start with the app
            while "relay_outbox" not in queue.jobs:  # noqa: ASYNC110  (the chores task has no event to wait on)
                await asyncio.sleep(0.01)
    return queue


async def test_an_owned_container_is_shut_down_with_the_app(tmp_path: Path) -> None:
    queue = await _served(tmp_path, owns_container=True)
    assert queue.drained


async def test_a_lent_container_is_left_to_its_owner(tmp_path: Path) -> None:
    assert not (await _served(tmp_path)).drained
