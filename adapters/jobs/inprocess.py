"""The embedded profile's task queue: jobs run as asyncio tasks in this process, after the commit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from adapters.jobs.runner import JobRunner

log = logging.getLogger("carsi.jobs")


class InProcessTaskQueue:
    """At-least-once within the life of the process; retries sleep `delay * delay_scale` between tries.

    Also the outbox relay trigger: `poke()` runs the relay soon, coalescing bursts into one run.
    """

    def __init__(self, runner: Callable[[], JobRunner], delay_scale: float = 1.0) -> None:
        self._runner = runner
        self._delay_scale = delay_scale
        self._tasks: set[asyncio.Task[None]] = set()
        self._active_ids: set[str] = set()
        self._relay_again = False
        self._relay_task: asyncio.Task[None] | None = None

    async def enqueue(self, job: str, payload: dict[str, Any], *, job_id: str | None = None) -> None:
        if job_id is not None:
            if job_id in self._active_ids:
                return
            self._active_ids.add(job_id)
        self._spawn(self._run(job, payload, job_id))

    def _spawn(self, coro: Any) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, job: str, payload: dict[str, Any], job_id: str | None) -> None:
        attempt = 1
        try:
            while True:
                outcome = await self._runner().run(job, payload, attempt)
                if outcome.kind != "retry":
                    return
                await asyncio.sleep(outcome.delay * self._delay_scale)
                attempt += 1
        finally:
            if job_id is not None:
                self._active_ids.discard(job_id)

    def poke(self) -> None:
        if self._relay_task is not None and not self._relay_task.done():
            self._relay_again = True
            return
        try:
            self._relay_task = self._spawn(self._relay())
        except RuntimeError:  # no running loop (a synchronous caller): the next poke or drain relays
            log.debug("outbox relay deferred: no event loop")

    async def _relay(self) -> None:
        while True:
            self._relay_again = False
            await self._runner().run("relay_outbox", {}, 1)
            if not self._relay_again:
                return

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait until no job is running or waiting to retry (tests and CLI commands call this)."""
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
