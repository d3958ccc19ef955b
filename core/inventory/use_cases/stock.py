"""Staff work on stock: movements (in, out, transfer, adjustment), counts, levels, and reading them."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.model import text
from core.catalog.use_cases.common import CatalogCache, checked, referenced
from core.inventory.changes import move, stock_row
from core.inventory.events import LowStock
from core.inventory.model import MOVEMENT_TYPES, Stock, StockMovement, quantity, signed_change
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Invalid
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest
from core.shared.time import utcnow

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


@attrs.frozen
class NewMovement:
    actor: Actor
    movement_type: str
    variant_id: uuid.UUID
    quantity: int
    warehouse_id: uuid.UUID | None = None
    from_warehouse_id: uuid.UUID | None = None
    to_warehouse_id: uuid.UUID | None = None
    reference_number: str = ""
    notes: str = ""


def _required(name: str, value: uuid.UUID | None) -> uuid.UUID:
    if value is None:
        raise Invalid.field(name, "is required for this movement type")
    return value


@attrs.define
class RecordMovement:
    """One movement, 201 with its rows (two for a transfer: the `out` side first). Taking more than is
    available (quantity - reserved) is 409 `insufficient_stock`, and nothing changes."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewMovement) -> list[StockMovement]:
        kind = cmd.movement_type
        if kind not in MOVEMENT_TYPES:
            raise Invalid.field("movement_type", "must be one of in, out, transfer, adjustment")
        if kind == "adjustment":
            n = signed_change("quantity", cmd.quantity)
        else:
            n = quantity("quantity", cmd.quantity, minimum=1)
        common: dict[str, Any] = {
            "variant_id": cmd.variant_id, "movement_type": kind, "quantity": n, "reference_type": "manual",
            "notes": text("notes", cmd.notes, 1000),
            "reference_number": text("reference_number", cmd.reference_number, 100),
        }  # fmt: skip
        if kind == "transfer":
            source = _required("from_warehouse_id", cmd.from_warehouse_id)
            target = _required("to_warehouse_id", cmd.to_warehouse_id)
            if source == target:
                raise Invalid.field("to_warehouse_id", "must differ from from_warehouse_id")
            places: dict[str, Any] = {"from_warehouse_id": source, "to_warehouse_id": target}
        else:
            places = {"warehouse_id": _required("warehouse_id", cmd.warehouse_id)}
        async with self.uow:
            await referenced(self.uow.variants.get, cmd.variant_id, "variant_id")
            for field, warehouse_id in places.items():
                await referenced(self.uow.warehouses.get, warehouse_id, field)
            if kind == "transfer":
                out_row = await stock_row(self.uow, places["from_warehouse_id"], cmd.variant_id)
                in_row = await stock_row(self.uow, places["to_warehouse_id"], cmd.variant_id)
                pair = uuid.uuid4()
                sides = [(out_row, -n, StockMovement(warehouse_id=out_row.warehouse_id, change=-n, pair_id=pair,
                                                     **places, **common)),
                         (in_row, n, StockMovement(warehouse_id=in_row.warehouse_id, change=n, pair_id=pair,
                                                   **places, **common))]  # fmt: skip
            else:
                row = await stock_row(self.uow, places["warehouse_id"], cmd.variant_id)
                change = -n if kind == "out" else n
                sides = [(row, change, StockMovement(warehouse_id=row.warehouse_id, change=change, **common))]
            for row, change, movement in sorted(sides, key=lambda s: s[0].id.bytes):  # the global lock order
                await move(self.uow, row, change, movement)
            movements = [movement for _, _, movement in sides]
            await audit(self.uow, cmd.actor, f"stock.{kind}", "variant", cmd.variant_id,
                        {"quantity": [None, n], **{k: [None, v] for k, v in places.items()}})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return movements


@attrs.frozen
class NewCount:
    actor: Actor
    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    counted_quantity: int


@attrs.frozen
class CountResult:
    stock: Stock
    previous_quantity: int
    difference: int
    movement: StockMovement | None


@attrs.define
class RecordCount:
    """Stock-taking: the counted quantity replaces the recorded one through an adjustment of the difference
    (none when equal), and the row's last count date is set. Counting fewer than are reserved is 409."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewCount) -> CountResult:
        counted = quantity("counted_quantity", cmd.counted_quantity)
        async with self.uow:
            await referenced(self.uow.variants.get, cmd.variant_id, "variant_id")
            await referenced(self.uow.warehouses.get, cmd.warehouse_id, "warehouse_id")
            row = await stock_row(self.uow, cmd.warehouse_id, cmd.variant_id)
            row = await self.uow.stock.get(row.id, lock=True)
            difference, movement = counted - row.quantity, None
            if difference:
                movement = StockMovement(warehouse_id=row.warehouse_id, variant_id=row.variant_id,
                                         movement_type="adjustment", quantity=difference, change=difference,
                                         reference_type="count", notes=f"counted {counted}")  # fmt: skip
                await move(self.uow, row, difference, movement)
            counted_row = await self.uow.stock.revise(row.id, {"last_count_date": utcnow()}, cmd.actor.user_id)
            await audit(self.uow, cmd.actor, "stock.count", "stock", row.id, {"quantity": [row.quantity, counted]})
            await self.uow.commit()
        if difference:
            await self.catalog_cache.bump()
        return CountResult(counted_row, row.quantity, difference, movement)


def _level(name: str) -> Any:
    def check(v: Any) -> int | None:
        return None if v is None and name == "maximum_quantity" else quantity(name, v)

    return check


def _unit_cost(v: Any) -> Money | None:
    if v is not None and (not isinstance(v, Money) or v.amount < 0):
        raise Invalid.field("unit_cost", "must be money, not negative")
    return v


@attrs.frozen
class StockChange:
    actor: Actor
    stock_id: uuid.UUID
    changes: dict[str, Any]


@attrs.define
class ChangeStock:
    """A stock row's levels, shelf location and unit cost (its quantities change only by movements)."""

    uow: UnitOfWork

    async def __call__(self, cmd: StockChange) -> Stock:
        values = checked(cmd.changes, {
            "minimum_quantity": _level("minimum_quantity"), "maximum_quantity": _level("maximum_quantity"),
            "shelf_location": lambda v: text("shelf_location", v, 100), "unit_cost": _unit_cost,
        })  # fmt: skip
        async with self.uow:
            row = await self.uow.stock.get(cmd.stock_id, lock=True)
            minimum = values.get("minimum_quantity", row.minimum_quantity)
            maximum = values.get("maximum_quantity", row.maximum_quantity)
            if maximum is not None and maximum < minimum:
                raise Invalid.field("maximum_quantity", "must not be below minimum_quantity")
            changed = await self.uow.stock.revise(row.id, values, cmd.actor.user_id)
            was_low = row.available_quantity < row.minimum_quantity
            if not was_low and changed.available_quantity < changed.minimum_quantity:  # a raised minimum
                left, minimum = changed.available_quantity, changed.minimum_quantity
                self.uow.emit(LowStock(variant_id=row.variant_id, warehouse_id=row.warehouse_id, available=left,
                                       minimum=minimum))  # fmt: skip
            await audit(self.uow, cmd.actor, "stock.update", "stock", row.id,
                        {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v})  # fmt: skip
            await self.uow.commit()
        return changed


@attrs.define
class StockOfVariant:
    """A variant's stock per warehouse (live warehouses, by priority); NotFound for an unknown variant."""

    uow: UnitOfWork

    async def __call__(self, variant_id: uuid.UUID) -> list[Stock]:
        async with self.uow:
            await self.uow.variants.get(variant_id)
            return await self.uow.stock.of_variant(variant_id)


@attrs.define
class GetStock:
    uow: UnitOfWork

    async def __call__(self, stock_id: uuid.UUID) -> Stock:
        async with self.uow:
            return await self.uow.stock.get(stock_id)


@attrs.define
class ListMovements:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, variant_id: uuid.UUID | None = None,
                       warehouse_id: uuid.UUID | None = None) -> Page[StockMovement]:  # fmt: skip
        async with self.uow:
            return await self.uow.stock_movements.list(page, variant_id=variant_id, warehouse_id=warehouse_id)
