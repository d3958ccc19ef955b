"""Applying one quantity change to one stock row, with what follows from it: the movement row, the
low-stock event on crossing the minimum, and a catalog event when the row runs out or comes back."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from core.catalog.events import CatalogChanged
from core.inventory.events import LowStock
from core.inventory.model import Stock, StockMovement
from core.shared.errors import Conflict, FieldError

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


class InsufficientStock(Conflict):
    """409 `insufficient_stock`, with a field error per short variant: `only N available`."""

    code = "insufficient_stock"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


def followed(uow: UnitOfWork, row: Stock, *, before: int) -> None:
    """Events for a row whose available went from `before` to what it is now."""
    after = row.available_quantity
    if before >= row.minimum_quantity > after:
        uow.emit(LowStock(variant_id=row.variant_id, warehouse_id=row.warehouse_id, available=after,
                          minimum=row.minimum_quantity))  # fmt: skip
    if (before > 0) != (after > 0):  # the storefront's availability may have flipped
        uow.emit(CatalogChanged(entity="variant", entity_id=row.variant_id, action="stock"))


async def move(uow: UnitOfWork, row: Stock, change: int, movement: StockMovement) -> Stock:
    """Change `row`'s quantity by `change` (never below what is reserved) and log `movement`; else 409."""
    changed = await uow.stock.change(row.id, quantity=change)
    if changed is None:
        available = (await uow.stock.get(row.id)).available_quantity
        raise InsufficientStock(f"only {available} available in this warehouse",
                                [FieldError(("body", "quantity"), f"only {available} available")])  # fmt: skip
    followed(uow, changed, before=changed.available_quantity - change)
    await uow.stock_movements.add(movement)
    return changed


async def stock_row(uow: UnitOfWork, warehouse_id: uuid.UUID, variant_id: uuid.UUID) -> Stock:
    """The (warehouse, variant) row, created empty when there is none yet."""
    found = await uow.stock.find(warehouse_id, variant_id)
    return found if found is not None else await uow.stock.create(Stock(warehouse_id=warehouse_id,
                                                                        variant_id=variant_id))  # fmt: skip
