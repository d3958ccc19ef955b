"""Order events → points: `order.delivered` earns, `order.refunded` takes back the refunded share.

Both read the order as it is when handled (after locking the user's account row), so a refund committed
before the delivery is handled is already out of what is earned, and one committed after is reversed once;
running a handler again for the same event finds its entry and changes nothing. (`order.cancelled` needs
nothing here: the cancel use case returns spent points in its own transaction.)
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.rewards import ledger
from core.rewards import settings as keys
from core.shared.errors import NotFound
from core.shared.events import StoredEvent

if TYPE_CHECKING:
    from core.ordering.model import Order
    from ports.services import Clock, RuntimeSettings
    from ports.uow import UnitOfWork


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


async def _order(uow: UnitOfWork, event: StoredEvent) -> Order | None:
    order_id, user_id = _uuid(event.payload.get("order_id")), _uuid(event.payload.get("user_id"))
    if order_id is None or user_id is None:  # a guest's order earns nothing
        return None
    try:
        await uow.accounts.get(user_id)  # (a deleted account earns nothing either)
        await uow.rewards.lock(user_id, event.occurred_at)  # before reading the order: see the module's docstring
        order = await uow.orders.get(order_id)
    except NotFound:
        return None
    return order if order.user_id == user_id else None


@attrs.define
class EarnRewards:
    """`order.delivered` → `rewards.earn_points_per_unit` points per 1.00 of the order's total minus shipping
    and refunds so far (rounded down), once per order, expiring after `rewards.expire_after_days`."""

    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, event: StoredEvent) -> None:
        if not await self.settings.get(keys.ENABLED):
            return
        rate = await self.settings.get(keys.EARN_POINTS_PER_UNIT)
        days = await self.settings.get(keys.EXPIRE_AFTER_DAYS)
        async with self.uow:
            order = await _order(self.uow, event)
            delivered = order is not None and order.status == "delivered"
            if delivered and await ledger.earn(self.uow, order, rate, days, self.clock.now()):  # type: ignore[arg-type]
                await self.uow.commit()


@attrs.define
class ReverseRewards:
    """`order.refunded` → take back the points the refunded share earned (whatever the programme's switch:
    points already earned follow their order)."""

    uow: UnitOfWork
    clock: Clock

    async def __call__(self, event: StoredEvent) -> None:
        async with self.uow:
            order = await _order(self.uow, event)
            if order is not None and await ledger.reverse(self.uow, order, event.id, self.clock.now()) is not None:
                await self.uow.commit()
