"""Warehouses, stock rows and the movements that change them.

Quantities change only through the stock repository's conditional updates (one statement per row, so two
transactions never both spend the same units); these classes hold the rules on what a change may be.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

import attrs

from core.shared.entity import Entity
from core.shared.errors import Invalid
from core.shared.money import Money

MovementType = Literal["in", "out", "transfer", "adjustment"]
MOVEMENT_TYPES: tuple[MovementType, ...] = ("in", "out", "transfer", "adjustment")
MAX_QUANTITY = 2**31 - 1


def quantity(name: str, value: Any, *, minimum: int = 0) -> int:
    """A whole number of units, at least `minimum`, within a database integer."""
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_QUANTITY:
        raise Invalid.field(name, f"must be a whole number from {minimum} to {MAX_QUANTITY}")
    return value


def signed_change(name: str, value: Any) -> int:
    """A non-zero signed change of units (an adjustment)."""
    if not isinstance(value, int) or isinstance(value, bool) or value == 0 or abs(value) > MAX_QUANTITY:
        raise Invalid.field(name, "must be a non-zero whole number")
    return value


@attrs.define(slots=False, eq=False, kw_only=True)
class Warehouse(Entity):
    """Where stock lies. Checkout allocates from active warehouses by `priority`, lower first."""

    name: str
    code: str
    address: str = ""
    phone: str | None = None
    email: str | None = None
    manager: str = ""
    priority: int = 0
    storage_capacity: int | None = None
    current_capacity: int | None = None

    def revise(self, **values: Any) -> dict[str, Any]:
        return self.set_fields(values)


@attrs.define(slots=False, eq=False, kw_only=True)
class Stock(Entity):
    """One variant in one warehouse. `available = quantity - reserved_quantity`, never negative (the
    database checks `0 <= reserved_quantity <= quantity` too)."""

    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int = 0
    reserved_quantity: int = 0
    minimum_quantity: int = 0
    maximum_quantity: int | None = None
    unit_cost: Money | None = None
    shelf_location: str = ""
    last_count_date: datetime | None = None

    @property
    def available_quantity(self) -> int:
        return self.quantity - self.reserved_quantity


@attrs.define(slots=False, eq=False, kw_only=True)
class StockMovement(Entity):
    """One change of one stock row's quantity. `quantity` is what staff asked for (positive for in, out and
    transfer; signed for an adjustment); `change` is its signed effect on this warehouse's quantity. A
    transfer is two rows, the `out` side (change < 0) at `from_warehouse_id` and the `in` side at
    `to_warehouse_id`, sharing one `pair_id`."""

    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    movement_type: MovementType
    quantity: int
    change: int
    reference_number: str = ""
    reference_type: str = ""
    from_warehouse_id: uuid.UUID | None = None
    to_warehouse_id: uuid.UUID | None = None
    pair_id: uuid.UUID | None = None
    notes: str = ""


@attrs.frozen
class Reservation:
    """Units of one stock row held for a reference (an order): what release and consume give back or ship."""

    id: uuid.UUID
    reference_id: uuid.UUID
    stock_id: uuid.UUID
    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int
