"""Staff routes of the inventory (`inventory.manage`): warehouses, stock per warehouse, movements and counts."""

from __future__ import annotations

import uuid
from datetime import datetime

import attrs

from core.catalog.use_cases.common import Revision
from core.inventory.model import Stock, StockMovement, Warehouse
from core.inventory.use_cases.stock import (
    ChangeStock,
    CountResult,
    GetStock,
    ListMovements,
    NewCount,
    NewMovement,
    RecordCount,
    RecordMovement,
    StockChange,
    StockOfVariant,
)
from core.inventory.use_cases.warehouses import (
    ChangeWarehouse,
    CreateWarehouse,
    DeleteWarehouse,
    GetWarehouse,
    ListWarehouses,
    NewWarehouse,
)
from core.shared.errors import FieldError, Invalid
from core.shared.money import Money
from entrypoints.http.api import Ctx, Items, PageOut, PageQuery, Routes, page_out, page_request
from entrypoints.http.routes.catalog import changes

routes = Routes("staff: inventory")
MANAGE = "inventory.manage"
ADMIN = "/api/v1/admin/inventory"


# --- warehouses -------------------------------------------------------------------------------------------


@attrs.frozen
class WarehouseIn:
    """`priority`: checkout takes stock from active warehouses with the lowest priority first."""

    name: str
    code: str
    address: str = ""
    phone: str | None = None
    email: str | None = None
    manager: str = ""
    priority: int = 0
    storage_capacity: int | None = None
    current_capacity: int | None = None
    is_active: bool = True


@attrs.frozen
class WarehousePatch:
    """Send only what changes; `is_active: false` takes the warehouse out of checkout allocation."""

    name: str | None = None
    code: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    manager: str | None = None
    priority: int | None = None
    storage_capacity: int | None = None
    current_capacity: int | None = None
    is_active: bool | None = None


@attrs.frozen
class WarehouseOut:
    id: uuid.UUID
    name: str
    code: str
    address: str
    phone: str | None
    email: str | None
    manager: str
    priority: int
    storage_capacity: int | None
    current_capacity: int | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


def warehouse_out(x: Warehouse) -> WarehouseOut:
    return WarehouseOut(x.id, x.name, x.code, x.address, x.phone, x.email, x.manager, x.priority,
                        x.storage_capacity, x.current_capacity, x.is_active, x.created_at, x.updated_at)  # fmt: skip


@attrs.frozen
class WarehouseQuery(PageQuery):
    """A page, optionally narrowed by `q` (name and code, Turkish letters folded)."""

    q: str | None = None


@routes.post(f"{ADMIN}/warehouses", body=WarehouseIn, response=WarehouseOut, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def create_warehouse(ctx: Ctx) -> WarehouseOut:
    """Create a warehouse; a code another live warehouse has is 409 `duplicate_code`."""
    b: WarehouseIn = ctx.body
    cmd = NewWarehouse(ctx.me, b.name, b.code, b.address, b.phone, b.email, b.manager, b.priority,
                       b.storage_capacity, b.current_capacity, b.is_active)  # fmt: skip
    return warehouse_out(await ctx.use(CreateWarehouse)(cmd))


@routes.get(f"{ADMIN}/warehouses", query=WarehouseQuery, response=PageOut[WarehouseOut], permission=MANAGE)
async def list_warehouses(ctx: Ctx) -> PageOut[WarehouseOut]:
    """Warehouses, newest first."""
    return page_out(await ctx.use(ListWarehouses)(page_request(ctx.query), q=ctx.query.q), warehouse_out)


@routes.get(f"{ADMIN}/warehouses/{{warehouse_id:uuid}}", response=WarehouseOut, permission=MANAGE)
async def get_warehouse(ctx: Ctx) -> WarehouseOut:
    """One warehouse."""
    return warehouse_out(await ctx.use(GetWarehouse)(ctx.params["warehouse_id"]))


@routes.patch(f"{ADMIN}/warehouses/{{warehouse_id:uuid}}", body=WarehousePatch, response=WarehouseOut,
              permission=MANAGE, errors=(409,))  # fmt: skip
async def change_warehouse(ctx: Ctx) -> WarehouseOut:
    """Change a warehouse (a taken code is 409 `duplicate_code`)."""
    return warehouse_out(await ctx.use(ChangeWarehouse)(Revision(ctx.me, ctx.params["warehouse_id"], changes(ctx))))


@routes.delete(f"{ADMIN}/warehouses/{{warehouse_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_warehouse(ctx: Ctx) -> None:
    """Delete a warehouse (soft); one still holding units is 409 `warehouse_not_empty`."""
    await ctx.use(DeleteWarehouse)(ctx.me, ctx.params["warehouse_id"])


# --- stock ------------------------------------------------------------------------------------------------


@attrs.frozen
class StockOut:
    id: uuid.UUID
    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int
    reserved_quantity: int
    available_quantity: int
    minimum_quantity: int
    maximum_quantity: int | None
    unit_cost: Money | None
    shelf_location: str
    last_count_date: datetime | None
    updated_at: datetime


def stock_out(r: Stock) -> StockOut:
    return StockOut(r.id, r.warehouse_id, r.variant_id, r.quantity, r.reserved_quantity, r.available_quantity,
                    r.minimum_quantity, r.maximum_quantity, r.unit_cost, r.shelf_location, r.last_count_date,
                    r.updated_at)  # fmt: skip


@attrs.frozen
class StockQuery:
    """`variant_id` is required."""

    variant_id: uuid.UUID | None = None


@attrs.frozen
class StockPatch:
    """Levels, shelf and unit cost of a stock row; its quantities change only by movements and counts.
    Falling below `minimum_quantity` notifies staff (`inventory.low_stock`)."""

    minimum_quantity: int | None = None
    maximum_quantity: int | None = None
    shelf_location: str | None = None
    unit_cost: Money | None = None


@routes.get(f"{ADMIN}/stock", query=StockQuery, response=Items[StockOut], permission=MANAGE, errors=(404,))
async def variant_stock(ctx: Ctx) -> Items[StockOut]:
    """A variant's stock per live warehouse, by warehouse priority; `available_quantity = quantity -
    reserved_quantity`. An unknown variant is 404."""
    if ctx.query.variant_id is None:  # a required query field: the query parser wants defaults
        raise Invalid("variant_id is required", errors=[FieldError(("query", "variant_id"), "required")])
    return Items([stock_out(r) for r in await ctx.use(StockOfVariant)(ctx.query.variant_id)])


@routes.get(f"{ADMIN}/stock/{{stock_id:uuid}}", response=StockOut, permission=MANAGE)
async def get_stock(ctx: Ctx) -> StockOut:
    """One stock row."""
    return stock_out(await ctx.use(GetStock)(ctx.params["stock_id"]))


@routes.patch(f"{ADMIN}/stock/{{stock_id:uuid}}", body=StockPatch, response=StockOut, permission=MANAGE)
async def change_stock(ctx: Ctx) -> StockOut:
    """Change a stock row's minimum/maximum levels, shelf location or unit cost."""
    return stock_out(await ctx.use(ChangeStock)(StockChange(ctx.me, ctx.params["stock_id"], changes(ctx))))


# --- movements and counts ---------------------------------------------------------------------------------


@attrs.frozen
class MovementIn:
    """`in`, `out`, `transfer`: a positive `quantity`; `adjustment`: a signed, non-zero change. `in`, `out`
    and `adjustment` name `warehouse_id`; a transfer names `from_warehouse_id` and `to_warehouse_id`."""

    movement_type: str
    variant_id: uuid.UUID
    quantity: int
    warehouse_id: uuid.UUID | None = None
    from_warehouse_id: uuid.UUID | None = None
    to_warehouse_id: uuid.UUID | None = None
    reference_number: str = ""
    notes: str = ""


@attrs.frozen
class MovementOut:
    """`change` is the signed effect on `warehouse_id`'s quantity; the two rows of a transfer share `pair_id`."""

    id: uuid.UUID
    movement_type: str
    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int
    change: int
    from_warehouse_id: uuid.UUID | None
    to_warehouse_id: uuid.UUID | None
    pair_id: uuid.UUID | None
    reference_number: str
    reference_type: str
    notes: str
    created_by: uuid.UUID | None
    created_at: datetime


@attrs.frozen
class MovementResult(MovementOut):
    """The movement; for a transfer the `out` side, with both rows in `movements`."""

    movements: list[MovementOut] = attrs.field(factory=list)


def movement_out(m: StockMovement) -> MovementOut:
    return MovementOut(m.id, m.movement_type, m.warehouse_id, m.variant_id, m.quantity, m.change,
                       m.from_warehouse_id, m.to_warehouse_id, m.pair_id, m.reference_number, m.reference_type,
                       m.notes, m.created_by, m.created_at)  # fmt: skip


@attrs.frozen
class MovementQuery(PageQuery):
    variant_id: uuid.UUID | None = None
    warehouse_id: uuid.UUID | None = None


@routes.post(f"{ADMIN}/movements", body=MovementIn, response=MovementResult, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def record_movement(ctx: Ctx) -> MovementResult:
    """Record a stock movement. Taking more than is available (quantity - reserved) with `out`, `transfer`
    or a negative adjustment is 409 `insufficient_stock`, and the stock is unchanged; an unknown variant or
    warehouse is 422 on that field."""
    b: MovementIn = ctx.body
    rows = await ctx.use(RecordMovement)(NewMovement(ctx.me, b.movement_type, b.variant_id, b.quantity,
                                                     b.warehouse_id, b.from_warehouse_id, b.to_warehouse_id,
                                                     b.reference_number, b.notes))  # fmt: skip
    outs = [movement_out(m) for m in rows]
    return MovementResult(**attrs.asdict(outs[0], recurse=False), movements=outs)


@routes.get(f"{ADMIN}/movements", query=MovementQuery, response=PageOut[MovementOut], permission=MANAGE)
async def list_movements(ctx: Ctx) -> PageOut[MovementOut]:
    """Movements, newest first, optionally of one variant and/or warehouse."""
    q: MovementQuery = ctx.query
    found = await ctx.use(ListMovements)(page_request(q), variant_id=q.variant_id, warehouse_id=q.warehouse_id)
    return page_out(found, movement_out)


@attrs.frozen
class CountIn:
    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    counted_quantity: int


@attrs.frozen
class CountOut:
    """The count: the quantity before, the difference recorded as an adjustment (`movement`, null when the
    count matched) and the stock row after."""

    warehouse_id: uuid.UUID
    variant_id: uuid.UUID
    counted_quantity: int
    previous_quantity: int
    difference: int
    movement: MovementOut | None
    stock: StockOut


def count_out(c: CountResult) -> CountOut:
    return CountOut(c.stock.warehouse_id, c.stock.variant_id, c.stock.quantity, c.previous_quantity, c.difference,
                    movement_out(c.movement) if c.movement else None, stock_out(c.stock))  # fmt: skip


@routes.post(f"{ADMIN}/counts", body=CountIn, response=CountOut, status=201, permission=MANAGE, errors=(409,))
async def record_count(ctx: Ctx) -> CountOut:
    """Record a stock count: the difference to the recorded quantity becomes an adjustment and the row's
    `last_count_date` is set. Counting fewer units than are reserved is 409 `insufficient_stock`."""
    b: CountIn = ctx.body
    return count_out(await ctx.use(RecordCount)(NewCount(ctx.me, b.warehouse_id, b.variant_id, b.counted_quantity)))
