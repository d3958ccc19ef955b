"""An order after checkout: reading it (owner, guest token or staff), moving it through its statuses,
cancelling it (stock released; payments refunds what was captured on `order.cancelled`), and the job that
cancels orders left unpaid."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from core.inventory.reservations import consume_stock, release_stock
from core.ordering.model import STATUSES, Order
from core.ordering.settings import UNPAID_CANCEL_AFTER_MINUTES
from core.platform.audit import audit
from core.promotions.redeem import release as release_promotions
from core.rewards.ledger import return_points
from core.shared.actor import Actor
from core.shared.errors import Conflict, FieldError, Invalid, NotFound
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.services import Clock, RuntimeSettings
    from ports.uow import UnitOfWork

MANAGE = "orders.manage"
log = logging.getLogger("carsi.orders")


async def move(uow: UnitOfWork, order: Order, status: str, *, by: uuid.UUID | None, at: datetime,
               reason: str = "") -> None:  # fmt: skip
    """One status change with what it does to stock: shipping consumes the reservation, cancelling releases it
    and gives back the coupon and campaign uses and the reward points the order took."""
    if status == "cancelled":
        order.cancel(by=by, at=at, reason=reason)
        await release_stock(uow, order.id)
        await release_promotions(uow, order.id, at)
        await return_points(uow, order.id, at)
    else:
        order.move_to(status, by=by, at=at, note=reason)
        if status == "shipped":
            await consume_stock(uow, order.id)


def _readable(order: Order, actor: Actor | None, token: str | None) -> bool:
    user_id = actor.user_id if actor is not None else None
    return order.can_be_read_by(user_id, token) or (actor is not None and actor.can(MANAGE))


@attrs.frozen
class OrderRef:
    """An order as a caller names it: the owner by their login, a guest by the order's token."""

    actor: Actor | None
    order_id: uuid.UUID
    token: str | None = None


@attrs.define
class GetOrder:
    uow: UnitOfWork

    async def __call__(self, ref: OrderRef) -> Order:
        """The owner's, the token holder's, or any for staff with orders.manage; else 404 as for an unknown id."""
        async with self.uow:
            order = await self.uow.orders.get(ref.order_id)
            if not _readable(order, ref.actor, ref.token):
                raise NotFound(f"no order with id {ref.order_id}")
            return order


@attrs.define
class ListMyOrders:
    uow: UnitOfWork

    async def __call__(self, actor: Actor, page: PageRequest) -> Page[Order]:
        assert actor.user_id is not None, "the route requires a logged-in customer"
        async with self.uow:
            return await self.uow.orders.of_user(actor.user_id, page)


@attrs.define
class ListOrders:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, status: str | None = None) -> Page[Order]:
        if status is not None and status not in STATUSES:
            raise Invalid("unknown status", errors=[FieldError(("query", "status"), f"one of {', '.join(STATUSES)}")])
        async with self.uow:
            return await self.uow.orders.list(page, status=status)


@attrs.frozen
class CancelMine:
    ref: OrderRef
    reason: str = "cancelled by the customer"


@attrs.define
class CancelOrder:
    """The customer (or the guest holding the token) cancels a pending, confirmed or processing order."""

    uow: UnitOfWork
    clock: Clock

    async def __call__(self, cmd: CancelMine) -> Order:
        ref = cmd.ref
        async with self.uow:
            order = await self.uow.orders.get(ref.order_id, for_update=True)
            user_id = ref.actor.user_id if ref.actor is not None else None
            if not order.can_be_read_by(user_id, ref.token):
                raise NotFound(f"no order with id {ref.order_id}")
            await move(self.uow, order, "cancelled", by=user_id, at=self.clock.now(), reason=cmd.reason)
            await self.uow.commit()
        return order


@attrs.frozen
class NewStatus:
    actor: Actor
    order_id: uuid.UUID
    status: str
    reason: str = ""


@attrs.define
class ChangeOrderStatus:
    """Staff move an order one step (409 invalid_transition otherwise). The row is locked first, so of two
    concurrent changes (cancel and ship) the second sees the first's result and is refused."""

    uow: UnitOfWork
    clock: Clock

    async def __call__(self, cmd: NewStatus) -> Order:
        if cmd.status not in STATUSES:
            raise Invalid.field("status", f"one of {', '.join(STATUSES)}")
        if len(cmd.reason) > 500:
            raise Invalid.field("reason", "must be at most 500 characters")
        async with self.uow:
            order = await self.uow.orders.get(cmd.order_id, for_update=True)
            before = order.status
            await move(self.uow, order, cmd.status, by=cmd.actor.user_id, at=self.clock.now(),
                       reason=cmd.reason or f"set by staff to {cmd.status}")  # fmt: skip
            await audit(self.uow, cmd.actor, "order.status", "order", order.id, {"status": [before, order.status]})
            await self.uow.commit()
        return order


@attrs.define
class CancelUnpaidOrders:
    """The scheduled job: pending orders older than `orders.unpaid_cancel_after_minutes` are cancelled and
    their stock released, each in its own transaction (one that was paid meanwhile is left alone)."""

    uow: UnitOfWork
    clock: Clock
    settings: RuntimeSettings

    async def __call__(self, payload: dict[str, Any] | None = None, batch: int = 100) -> int:
        minutes = await self.settings.get(UNPAID_CANCEL_AFTER_MINUTES)
        cutoff = self.clock.now() - timedelta(minutes=minutes)
        cancelled, skipped = 0, set[uuid.UUID]()
        while True:
            async with self.uow:
                due = [i for i in await self.uow.orders.unpaid_before(cutoff, batch + len(skipped)) if i not in skipped]
            if not due:
                return cancelled
            for order_id in due[:batch]:
                try:
                    async with self.uow:
                        order = await self.uow.orders.get(order_id, for_update=True)
                        if order.status != "pending":
                            continue
                        await move(self.uow, order, "cancelled", by=None, at=self.clock.now(), reason="unpaid")
                        await self.uow.commit()
                        cancelled += 1
                except Conflict as exc:  # paid or changed meanwhile: leave it
                    log.info("unpaid order %s not cancelled: %s", order_id, exc.detail)
                    skipped.add(order_id)
