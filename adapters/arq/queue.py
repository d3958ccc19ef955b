"""Jobs on Redis through arq: `carsi worker` runs them (entrypoints/worker)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from arq.connections import ArqRedis

log = logging.getLogger("carsi.jobs")
RUN_JOB = "run_job"


class ArqTaskQueue:
    def __init__(self, pool: ArqRedis, queue_name: str = "arq:queue") -> None:
        self._pool, self._queue = pool, queue_name
        self._pokes: set[asyncio.Task[Any]] = set()

    async def enqueue(self, job: str, payload: dict[str, Any], *, job_id: str | None = None) -> None:
        await self._pool.enqueue_job(RUN_JOB, job, payload, _job_id=job_id, _queue_name=self._queue)

    def poke(self) -> None:
        """Ask a worker to relay the outbox now (its cron relays anyway, so a lost poke only delays)."""
        try:
            task = asyncio.get_running_loop().create_task(self.enqueue("relay_outbox", {}))
        except RuntimeError:
            return
        self._pokes.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._pokes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not poke the outbox relay: %r", task.exception())

    async def drain(self, timeout: float = 30.0) -> None:
        if self._pokes:
            await asyncio.wait(list(self._pokes), timeout=timeout)
