"""Warehouses, movements and counts on memory storage."""

from __future__ import annotations

import uuid

import pytest

from core.catalog.use_cases.common import Revision
from core.inventory.use_cases.stock import ChangeStock, NewCount, RecordCount, StockChange
from core.inventory.use_cases.warehouses import ChangeWarehouse, DeleteWarehouse
from core.shared.errors import Conflict, Invalid
from core.shared.money import Money
from tests.unit.inventory.conftest import KEEPER, Depot


async def test_duplicate_warehouse_code_conflicts(depot: Depot) -> None:
    await depot.warehouse(code="IST")
    with pytest.raises(Conflict) as err:
        await depot.warehouse(code="IST")
    assert err.value.code == "duplicate_code"


async def test_in_out_and_insufficient_out_leaves_stock_unchanged(depot: Depot) -> None:
    wh, variant = await depot.warehouse(), await depot.variant()
    await depot.put(variant, wh, 5)
    await depot.move("out", variant, 2, warehouse_id=wh.id)
    with pytest.raises(Conflict) as err:
        await depot.move("out", variant, 4, warehouse_id=wh.id)
    assert err.value.code == "insufficient_stock"
    row = (await depot.stock(variant))[wh.id]
    assert (row.quantity, row.reserved_quantity, row.available_quantity) == (3, 0, 3)


async def test_quantity_rules_and_references_are_422(depot: Depot) -> None:
    wh, variant = await depot.warehouse(), await depot.variant()
    for kind, n in (("in", 0), ("out", -1), ("transfer", 0), ("adjustment", 0), ("in", True)):
        with pytest.raises(Invalid) as err:
            await depot.move(kind, variant, n, warehouse_id=wh.id, from_warehouse_id=wh.id)
        assert err.value.errors[0].loc == ("body", "quantity")
    with pytest.raises(Invalid) as err:
        await depot.move("in", variant, 1, warehouse_id=uuid.uuid4())
    assert err.value.errors[0].loc == ("body", "warehouse_id")
    with pytest.raises(Invalid) as err:
        await depot.move("in", variant, 1)
    assert err.value.errors[0].loc == ("body", "warehouse_id")
    with pytest.raises(Invalid):
        await depot.move("gift", variant, 1, warehouse_id=wh.id)


async def test_transfer_writes_paired_out_and_in(depot: Depot) -> None:
    a, b, variant = await depot.warehouse(), await depot.warehouse(), await depot.variant()
    await depot.put(variant, a, 4)
    rows = await depot.move("transfer", variant, 3, from_warehouse_id=a.id, to_warehouse_id=b.id)
    assert [(m.warehouse_id, m.change) for m in rows] == [(a.id, -3), (b.id, 3)]
    assert rows[0].pair_id == rows[1].pair_id is not None
    stock = await depot.stock(variant)
    assert (stock[a.id].quantity, stock[b.id].quantity) == (1, 3)
    with pytest.raises(Conflict):
        await depot.move("transfer", variant, 2, from_warehouse_id=a.id, to_warehouse_id=b.id)
    stock = await depot.stock(variant)
    assert (stock[a.id].quantity, stock[b.id].quantity) == (1, 3)


async def test_adjustment_is_signed(depot: Depot) -> None:
    wh, variant = await depot.warehouse(), await depot.variant()
    await depot.move("adjustment", variant, 5, warehouse_id=wh.id)
    await depot.move("adjustment", variant, -2, warehouse_id=wh.id)
    with pytest.raises(Conflict):
        await depot.move("adjustment", variant, -4, warehouse_id=wh.id)
    assert (await depot.stock(variant))[wh.id].quantity == 3


async def test_count_records_the_difference(depot: Depot) -> None:
    wh, variant = await depot.warehouse(), await depot.variant()
    await depot.put(variant, wh, 10)
    result = await depot.app.use(RecordCount)(NewCount(KEEPER, wh.id, variant.id, 7))
    assert (result.previous_quantity, result.difference, result.stock.quantity) == (10, -3, 7)
    assert result.movement is not None and result.movement.movement_type == "adjustment"
    assert result.movement.quantity == -3 and result.stock.last_count_date is not None
    same = await depot.app.use(RecordCount)(NewCount(KEEPER, wh.id, variant.id, 7))
    assert same.difference == 0 and same.movement is None


async def test_low_stock_once_per_crossing(depot: Depot) -> None:
    wh, variant = await depot.warehouse(), await depot.variant()
    await depot.put(variant, wh, 10)
    row = (await depot.stock(variant))[wh.id]
    await depot.app.use(ChangeStock)(StockChange(KEEPER, row.id, {"minimum_quantity": 5,
                                                                  "unit_cost": Money.of("12.50", "TRY")}))  # fmt: skip
    await depot.move("out", variant, 5, warehouse_id=wh.id)  # 5: not below
    assert depot.events("inventory.low_stock") == []
    await depot.move("out", variant, 1, warehouse_id=wh.id)  # 4: crosses
    await depot.move("out", variant, 1, warehouse_id=wh.id)  # 3: still below, no second event
    assert depot.events("inventory.low_stock") == [
        {"variant_id": str(variant.id), "warehouse_id": str(wh.id), "available": 4, "minimum": 5}
    ]
    await depot.put(variant, wh, 10)
    await depot.move("out", variant, 9, warehouse_id=wh.id)  # back above, then below again: a new crossing
    assert len(depot.events("inventory.low_stock")) == 2
    assert (await depot.stock(variant))[wh.id].unit_cost == Money.of("12.50", "TRY")


async def test_warehouse_with_units_cannot_be_deleted(depot: Depot) -> None:
    wh, variant = await depot.warehouse(), await depot.variant()
    await depot.put(variant, wh, 1)
    with pytest.raises(Conflict) as err:
        await depot.app.use(DeleteWarehouse)(KEEPER, wh.id)
    assert err.value.code == "warehouse_not_empty"
    await depot.move("out", variant, 1, warehouse_id=wh.id)
    await depot.app.use(DeleteWarehouse)(KEEPER, wh.id)
    assert await depot.stock(variant) == {}


async def test_patch_warehouse(depot: Depot) -> None:
    wh = await depot.warehouse(code="A")
    await depot.warehouse(code="B")
    changed = await depot.app.use(ChangeWarehouse)(Revision(KEEPER, wh.id, {"priority": 3, "is_active": False}))
    assert (changed.priority, changed.is_active) == (3, False)
    with pytest.raises(Conflict):
        await depot.app.use(ChangeWarehouse)(Revision(KEEPER, wh.id, {"code": "B"}))


async def test_demo_stock_is_loaded_once(depot: Depot) -> None:
    from core.inventory.use_cases.demo import StockDemoCatalog, demo_quantity

    variants = [await depot.variant() for _ in range(3)]
    assert await depot.app.use(StockDemoCatalog)() == 3
    assert await depot.app.use(StockDemoCatalog)() == 0  # nothing new the second time
    for variant in variants:
        [row] = (await depot.stock(variant)).values()
        assert row.quantity == demo_quantity(variant.id)
    late = await depot.variant()
    assert await depot.app.use(StockDemoCatalog)() == 1
    assert len(await depot.stock(late)) == 1
