"""Runs one job by name: the same code under arq and in-process. Decides retry (with backoff) or dead letter."""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from core import jobs as registry
from core.platform.model import DeadLetter
from core.platform.outbox import DISPATCH_JOB
from core.platform.settings import JOB_MAX_TRIES
from core.shared.actor import SYSTEM, current_actor
from core.shared.events import StoredEvent
from ports.services import RuntimeSettings
from ports.uow import UnitOfWork

log = logging.getLogger("carsi.jobs")


@attrs.frozen
class Outcome:
    kind: str  # "done" | "retry" | "dead"
    delay: float = 0.0


DONE = Outcome("done")
DEAD = Outcome("dead")


class UnknownJob(Exception):
    pass


@attrs.define
class JobRunner:
    resolve: Callable[[Any], Any]
    jobs: dict[str, type[Any]] = attrs.field(factory=lambda: dict(registry.JOBS))
    handlers: dict[str, list[type[Any]]] = attrs.field(factory=lambda: dict(registry.EVENT_HANDLERS))
    backoff_base: float = 2.0
    backoff_max: float = 600.0
    timeout: float | None = 240.0
    """A try running longer fails with TimeoutError (so it is retried, then dead-lettered like any failure);
    below the arq worker's job timeout, which would otherwise drop the job with neither."""

    async def run(self, job: str, payload: dict[str, Any], attempt: int) -> Outcome:
        token = current_actor.set(SYSTEM)
        try:
            async with asyncio.timeout(self.timeout):
                await self._execute(job, payload)
            return DONE
        except Exception as exc:  # a job's failure is data: retried, then dead-lettered, never lost
            max_tries = await self.resolve(RuntimeSettings).get(JOB_MAX_TRIES)
            if isinstance(exc, UnknownJob) or attempt >= max_tries:
                log.error("job %s gave up after %d tries: %r", job, attempt, exc,
                          extra={"job": job, "tries": attempt}, exc_info=exc)  # fmt: skip
                await self._bury(job, payload, exc, attempt)
                return DEAD
            delay = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
            log.warning("job %s failed (try %d of %d), retrying in %.1fs: %r", job, attempt, max_tries, delay, exc,
                        extra={"job": job, "tries": attempt})  # fmt: skip
            return Outcome("retry", delay)
        finally:
            current_actor.reset(token)

    async def _execute(self, job: str, payload: dict[str, Any]) -> None:
        if job == DISPATCH_JOB:
            await self._dispatch(payload)
            return
        if job not in self.jobs:
            raise UnknownJob(f"no job named {job!r}")
        await self.resolve(self.jobs[job])(payload)

    async def _dispatch(self, payload: dict[str, Any]) -> None:
        """Run every handler of the event once: each is skipped when its (event id, handler) is marked."""
        event = StoredEvent(uuid.UUID(payload["id"]), payload["name"], payload["payload"],
                            datetime.fromisoformat(payload["occurred_at"]))  # fmt: skip
        for handler in self.handlers.get(event.name, []):
            name = f"{handler.__module__}.{handler.__qualname__}"
            async with self.resolve(UnitOfWork) as uow:
                if await uow.processed_events.seen(event.id, name):
                    continue
            await self.resolve(handler)(event)
            async with self.resolve(UnitOfWork) as uow:
                if not await uow.processed_events.seen(event.id, name):
                    await uow.processed_events.mark(event.id, name)
                    await uow.commit()

    async def _bury(self, job: str, payload: dict[str, Any], exc: BaseException, tries: int) -> None:
        error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
        async with self.resolve(UnitOfWork) as uow:
            await uow.dead_letters.add(DeadLetter(job=job, payload=payload, error=error, tries=tries))
            await uow.commit()
