"""Stock for checkout: what is available, and reservations held per order (reserve, release, consume).

Each function works in the caller's unit of work and never commits. Rows are locked in one global order
(stock id) before anything changes, so concurrent reservations neither deadlock nor oversell; the
conditional statements underneath refuse to spend units that are not there even without the lock.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from core.inventory.changes import InsufficientStock, followed
from core.inventory.model import Reservation, Stock, StockMovement
from core.shared.errors import FieldError, Invalid

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


async def available(uow: UnitOfWork, variant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Units on sale per variant: quantity - reserved over active warehouses; 0 without stock rows."""
    found = await uow.stock.available(list(set(variant_ids)))
    return {variant_id: max(found.get(variant_id, 0), 0) for variant_id in variant_ids}


async def reserve_stock(uow: UnitOfWork, reference_id: uuid.UUID, lines: Sequence[tuple[uuid.UUID, int]]) -> None:
    """Hold every line's units for `reference_id`: per line, warehouses by priority, split when one is short.
    Any short line -> Conflict `insufficient_stock` naming the variants, and nothing reserved (the caller's
    transaction rolls back with the exception)."""
    wanted: dict[uuid.UUID, int] = defaultdict(int)
    for variant_id, n in lines:
        if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
            where = ("body", "items", str(variant_id))
            raise Invalid("quantities must be positive", errors=[FieldError(where, "must be a positive whole number")])
        wanted[variant_id] += n
    if not wanted:
        return
    rows = await uow.stock.lock_for(list(wanted))
    by_variant: dict[uuid.UUID, list[Stock]] = defaultdict(list)
    for row in rows:  # already in priority order
        by_variant[row.variant_id].append(row)
    plan: list[tuple[Stock, int]] = []
    short: dict[uuid.UUID, int] = {}
    for variant_id, n in wanted.items():
        left = n
        for row in by_variant[variant_id]:
            take = min(left, max(row.available_quantity, 0))
            if take:
                plan.append((row, take))
                left -= take
            if not left:
                break
        if left:
            short[variant_id] = sum(max(r.available_quantity, 0) for r in by_variant[variant_id])
    if short:
        raise _insufficient(short)
    held: list[Reservation] = []
    for row, n in sorted(plan, key=lambda p: p[0].id.bytes):
        changed = await uow.stock.change(row.id, reserved=n)
        if changed is None:  # only without row locks (SQLite's readers do not block): someone was faster
            raise _insufficient({row.variant_id: 0})
        followed(uow, changed, before=row.available_quantity)
        held.append(Reservation(uuid.uuid4(), reference_id, row.id, row.warehouse_id, row.variant_id, n))
    await uow.stock.hold(held)


async def release_stock(uow: UnitOfWork, reference_id: uuid.UUID) -> None:
    """Give the reference's reserved units back (a cancelled order); a second call does nothing."""
    for item in sorted(await uow.stock.take(reference_id, "released"), key=lambda r: r.stock_id.bytes):
        await uow.stock.change(item.stock_id, reserved=-item.quantity)


async def consume_stock(uow: UnitOfWork, reference_id: uuid.UUID) -> None:
    """Ship the reference's reserved units: quantity and reserved both decrease, with an `out` movement per
    (warehouse, variant); a second call does nothing."""
    taken: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], int] = defaultdict(int)
    for item in await uow.stock.take(reference_id, "consumed"):
        taken[(item.stock_id, item.warehouse_id, item.variant_id)] += item.quantity
    for (stock_id, warehouse_id, variant_id), n in sorted(taken.items(), key=lambda kv: kv[0][0].bytes):
        changed = await uow.stock.change(stock_id, quantity=-n, reserved=-n)
        if changed is None:  # the CHECK keeps reserved <= quantity, so held units are always there
            raise InsufficientStock("reserved stock is missing", [])
        await uow.stock_movements.add(StockMovement(
            warehouse_id=warehouse_id, variant_id=variant_id, movement_type="out", quantity=n, change=-n,
            reference_number=str(reference_id), reference_type="order", notes="shipped",
        ))  # fmt: skip


def _insufficient(short: dict[uuid.UUID, int]) -> InsufficientStock:
    names = ", ".join(str(v) for v in short)
    errors = [FieldError(("body", "items", str(v)), f"only {n} available") for v, n in short.items()]
    return InsufficientStock(f"not enough stock for {names}", errors)
