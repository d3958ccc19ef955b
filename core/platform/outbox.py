"""Relaying committed events to jobs, and running each event's handlers once."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from core.platform.settings import OUTBOX_RETENTION_HOURS

if TYPE_CHECKING:
    from ports.services import Clock, RuntimeSettings, TaskQueue
    from ports.uow import UnitOfWork

DISPATCH_JOB = "dispatch_event"


@attrs.define
class RelayOutbox:
    """Hand pending outbox events to the task queue, one `dispatch_event` job each, keyed by event id.

    Enqueue happens before the rows are marked, so a crash in between enqueues again; the job id and the
    handlers' dedupe by event id make that harmless.
    """

    uow: UnitOfWork
    queue: TaskQueue
    clock: Clock

    async def __call__(self, payload: dict[str, Any] | None = None, batch: int = 100) -> int:
        relayed = 0
        while True:
            async with self.uow:
                messages = await self.uow.outbox.pending(batch)
                for message in messages:
                    await self.queue.enqueue(DISPATCH_JOB, {"id": str(message.id), "name": message.name,
                                                            "payload": message.payload,
                                                            "occurred_at": message.occurred_at.isoformat()},
                                             job_id=f"event:{message.id}")  # fmt: skip
                await self.uow.outbox.mark_dispatched([m.id for m in messages], self.clock.now())
                await self.uow.commit()
            relayed += len(messages)
            if len(messages) < batch:
                return relayed


@attrs.define
class PruneOutbox:
    """Delete relayed events past their retention: their payloads may carry one-time secrets."""

    uow: UnitOfWork
    clock: Clock
    settings: RuntimeSettings

    async def __call__(self, payload: dict[str, Any] | None = None) -> int:
        hours = await self.settings.get(OUTBOX_RETENTION_HOURS)
        async with self.uow:
            pruned = await self.uow.outbox.prune(self.clock.now() - timedelta(hours=hours))
            await self.uow.commit()
        return pruned
