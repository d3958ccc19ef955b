"""Changing a user's points, always inside the caller's transaction (checkout and cancel call the first
functions; the handlers, the expiry job and staff adjustments the rest).

Every change first locks the user's account row (or, for a spend, takes the points by one conditional UPDATE,
which locks it too), then writes its entry under a unique key: racing transactions queue on the row, and a
cause handled twice finds its entry and changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from core.ordering.model import Order
from core.rewards import settings as keys
from core.rewards.model import (
    RewardEntry,
    earn_basis,
    earn_key,
    earned_points,
    expire_key,
    latest_expiry,
    return_key,
    reverse_key,
    reversed_target,
    spend_key,
    take_plan,
)
from core.shared.errors import Conflict, FieldError, Invalid
from core.shared.money import Money

if TYPE_CHECKING:
    from ports.services import RuntimeSettings
    from ports.uow import UnitOfWork


def _insufficient(points: int, balance: int | None = None) -> Conflict:
    held = "" if balance is None else f" ({balance} held)"
    return Conflict(f"not enough points for {points}{held}", code="insufficient_points")


async def _take(uow: UnitOfWork, user_id: uuid.UUID, points: int, *,
                first: uuid.UUID | None = None) -> list[tuple[RewardEntry, int]]:  # fmt: skip
    """Take `points` off the user's lots first-in first-out (lot `first` before the others)."""
    lots = await uow.rewards.lots(user_id)  # first-in first-out already
    if first is not None:
        lots.sort(key=lambda lot: lot.id != first)  # stable: the rest keep their order
    plan = take_plan(lots, points)
    for lot, n in plan:
        await uow.rewards.take(lot.id, n)
    return plan


# --- checkout and cancel ----------------------------------------------------------------------------------


async def spend_points(uow: UnitOfWork, user_id: uuid.UUID, points: int, order_id: uuid.UUID, at: datetime) -> None:
    """Pay with `points` for an order: one conditional UPDATE takes them (409 `insufficient_points` when the
    balance is short, however many checkouts race), a `spend` entry records it (409 `points_already_spent`
    when this order spent points before)."""
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise Invalid("points must be a positive whole number", code="invalid_points",
                      errors=[FieldError(("body", "points"), "must be a positive whole number")])  # fmt: skip
    if not await uow.rewards.change_balance(user_id, -points, at):
        raise _insufficient(points)
    plan = await _take(uow, user_id, points)
    entry = RewardEntry(user_id=user_id, kind="spend", points=-points, order_id=order_id,
                        expires_at=latest_expiry(plan), created_at=at, key=spend_key(order_id))  # fmt: skip
    if not await uow.rewards.record(entry):
        raise Conflict("this order spent points already", code="points_already_spent")


async def return_points(uow: UnitOfWork, order_id: uuid.UUID, at: datetime) -> int:
    """Give back what an order spent (its cancellation), once: the points returned, 0 when none were spent
    or they were returned before. They expire when the latest of the lots they were taken from would have."""
    spent = await uow.rewards.by_key(spend_key(order_id))
    if spent is None:
        return 0
    await uow.rewards.lock(spent.user_id, at)
    points = -spent.points
    back = RewardEntry(user_id=spent.user_id, kind="return", points=points, remaining=points, order_id=order_id,
                       expires_at=spent.expires_at, created_at=at, key=return_key(order_id))  # fmt: skip
    if not await uow.rewards.record(back):
        return 0
    await uow.rewards.change_balance(spent.user_id, points, at)
    return points


async def points_value(settings: RuntimeSettings, points: int, currency: str) -> Money:
    """What `points` pay for, rounded half up to the currency's minor unit."""
    return Money.rounded(Decimal(max(points, 0)) * await settings.get(keys.POINT_VALUE), currency)


async def max_spendable(settings: RuntimeSettings, balance: int, total: Money) -> int:
    """The most points an order of `total` may use: the balance, at most worth `rewards.max_spend_share`
    percent of the total (0 while the programme is off or points are worth nothing)."""
    if balance <= 0 or not await settings.get(keys.ENABLED):
        return 0
    value = await settings.get(keys.POINT_VALUE)
    if value <= 0 or total.amount <= 0:
        return 0
    cap = total.amount * await settings.get(keys.MAX_SPEND_SHARE) / 100
    return min(balance, int((cap / value).to_integral_value(ROUND_FLOOR)))


# --- earning and reversing ------------------------------------------------------------------------------


async def earn(uow: UnitOfWork, order: Order, rate: Decimal, expire_after_days: int, at: datetime) -> int:
    """Points for a delivered order, once: `rate` per 1.00 of its total minus shipping and refunds so far."""
    if order.user_id is None:
        return 0
    await uow.rewards.lock(order.user_id, at)
    if await uow.rewards.by_key(earn_key(order.id)) is not None:
        return 0
    basis = earn_basis(order.total_amount, order.shipping_amount, order.refunded_amount)
    points = earned_points(rate, basis)
    if points <= 0:
        return 0
    entry = RewardEntry(user_id=order.user_id, kind="earn", points=points, remaining=points, order_id=order.id,
                        expires_at=at + timedelta(days=expire_after_days), created_at=at, key=earn_key(order.id),
                        basis=basis, note=f"order {order.number}")  # fmt: skip
    if not await uow.rewards.record(entry):
        return 0
    await uow.rewards.change_balance(order.user_id, points, at)
    return points


async def reverse(uow: UnitOfWork, order: Order, event_id: uuid.UUID, at: datetime) -> RewardEntry | None:
    """Take back the points a refund's share of the order earned (the order's own lot first, then the others
    FIFO); what the balance no longer holds is recorded as `shortfall` and in the note. The entry written,
    None when nothing was due."""
    if order.user_id is None:
        return None
    balance = await uow.rewards.lock(order.user_id, at)
    earned = await uow.rewards.by_key(earn_key(order.id))
    if earned is None or earned.basis is None or await uow.rewards.by_key(reverse_key(event_id)) is not None:
        return None
    now = earn_basis(order.total_amount, order.shipping_amount, order.refunded_amount)
    before = sum(-e.points + e.shortfall for e in await uow.rewards.of_order(order.id, "reverse"))
    due = reversed_target(earned.points, earned.basis, now) - before
    if due <= 0:
        return None
    taken = min(due, balance)
    note = f"refund on order {order.number}"
    if taken < due:
        note += f"; {due - taken} points were spent already"
    entry = RewardEntry(user_id=order.user_id, kind="reverse", points=-taken, order_id=order.id, created_at=at,
                        key=reverse_key(event_id), shortfall=due - taken, note=note)  # fmt: skip
    if not await uow.rewards.record(entry):
        return None
    if taken:
        await _take(uow, order.user_id, taken, first=earned.id)
        await uow.rewards.change_balance(order.user_id, -taken, at)
    return entry


# --- expiry and staff adjustments -----------------------------------------------------------------------


async def expire(uow: UnitOfWork, user_id: uuid.UUID, at: datetime) -> int:
    """Expire what remains of the user's lots past their `expires_at`; the points expired."""
    balance = await uow.rewards.lock(user_id, at)
    total = 0
    for lot in await uow.rewards.lots(user_id, expired_by=at):
        n, note = lot.remaining, f"{lot.kind} of {lot.created_at:%Y-%m-%d}"
        gone = RewardEntry(user_id=user_id, kind="expire", points=-n, order_id=lot.order_id, created_at=at,
                           key=expire_key(lot.id), note=note)  # fmt: skip
        if await uow.rewards.record(gone):
            await uow.rewards.take(lot.id, n)
            total += n
    if total:
        await uow.rewards.change_balance(user_id, -min(total, balance), at)
    return total


async def adjust(uow: UnitOfWork, user_id: uuid.UUID, points: int, note: str, at: datetime,
                 by: uuid.UUID | None, expire_after_days: int) -> RewardEntry:  # fmt: skip
    """A staff correction: points given are a lot expiring like earned points; points taken come off the lots
    FIFO (409 `insufficient_points` below zero)."""
    balance = await uow.rewards.lock(user_id, at)
    entry = RewardEntry(user_id=user_id, kind="adjust", points=points, created_at=at, created_by=by, note=note)
    if points > 0:
        entry.remaining, entry.expires_at = points, at + timedelta(days=expire_after_days)
        await uow.rewards.change_balance(user_id, points, at)
    else:
        if not await uow.rewards.change_balance(user_id, points, at):
            raise _insufficient(-points, balance)
        await _take(uow, user_id, -points)
    await uow.rewards.record(entry)
    return entry
