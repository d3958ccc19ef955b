"""The daily sweep that expires points past their `expires_at`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from core.rewards import ledger

if TYPE_CHECKING:
    from ports.services import Clock
    from ports.uow import UnitOfWork


@attrs.define
class ExpireRewards:
    """The scheduled job: each user holding expired lots, in a transaction of their own (their account row
    locked, as every points change does); the points expired in all."""

    uow: UnitOfWork
    clock: Clock

    async def __call__(self, payload: dict[str, Any] | None = None, batch: int = 200) -> int:
        at = self.clock.now()
        total = 0
        while True:
            async with self.uow:
                users = await self.uow.rewards.users_with_expired(at, batch)
            expired = 0
            for user_id in users:
                async with self.uow:
                    expired += await ledger.expire(self.uow, user_id, at)
                    await self.uow.commit()
            total += expired
            if len(users) < batch or not expired:
                return total
