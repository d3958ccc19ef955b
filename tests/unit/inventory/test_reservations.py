"""The reservation functions of checkout, on memory storage."""

from __future__ import annotations

import uuid

import pytest

from core.catalog.use_cases.common import Revision
from core.inventory.changes import InsufficientStock
from core.inventory.reservations import available, consume_stock, release_stock, reserve_stock
from core.inventory.use_cases.stock import ListMovements
from core.inventory.use_cases.warehouses import ChangeWarehouse
from core.shared.errors import FieldError
from core.shared.pagination import PageRequest
from tests.unit.inventory.conftest import KEEPER, Depot


async def _reserve(depot: Depot, ref: uuid.UUID, lines: list[tuple[uuid.UUID, int]]) -> None:
    async with depot.app.uow() as uow:
        await reserve_stock(uow, ref, lines)
        await uow.commit()


async def _available(depot: Depot, *ids: uuid.UUID) -> dict[uuid.UUID, int]:
    async with depot.app.uow() as uow:
        return await available(uow, ids)


async def test_reserve_by_priority_splitting_and_release(depot: Depot) -> None:
    second, first = await depot.warehouse(priority=2), await depot.warehouse(priority=1)
    variant = await depot.variant()
    await depot.put(variant, first, 2)
    await depot.put(variant, second, 5)
    ref = uuid.uuid4()
    await _reserve(depot, ref, [(variant.id, 3)])
    stock = await depot.stock(variant)
    assert (stock[first.id].reserved_quantity, stock[second.id].reserved_quantity) == (2, 1)
    assert await _available(depot, variant.id) == {variant.id: 4}
    for _ in range(2):  # idempotent
        async with depot.app.uow() as uow:
            await release_stock(uow, ref)
            await uow.commit()
    stock = await depot.stock(variant)
    assert (stock[first.id].reserved_quantity, stock[second.id].reserved_quantity) == (0, 0)


async def test_short_line_reserves_nothing(depot: Depot) -> None:
    wh = await depot.warehouse()
    plenty, scarce = await depot.variant(), await depot.variant()
    await depot.put(plenty, wh, 10)
    await depot.put(scarce, wh, 1)
    with pytest.raises(InsufficientStock) as err:
        await _reserve(depot, uuid.uuid4(), [(plenty.id, 2), (scarce.id, 2)])
    assert err.value.code == "insufficient_stock" and str(scarce.id) in err.value.detail
    assert err.value.errors == [FieldError(("body", "items", str(scarce.id)), "only 1 available")]
    assert await _available(depot, plenty.id, scarce.id) == {plenty.id: 10, scarce.id: 1}


async def test_unknown_variant_and_inactive_warehouse_have_nothing(depot: Depot) -> None:
    wh, variant = await depot.warehouse(), await depot.variant()
    await depot.put(variant, wh, 3)
    await depot.app.use(ChangeWarehouse)(Revision(KEEPER, wh.id, {"is_active": False}))
    ghost = uuid.uuid4()
    assert await _available(depot, variant.id, ghost) == {variant.id: 0, ghost: 0}
    with pytest.raises(InsufficientStock):
        await _reserve(depot, uuid.uuid4(), [(variant.id, 1)])


async def test_consume_ships_once_with_out_movements(depot: Depot) -> None:
    a, b = await depot.warehouse(priority=0), await depot.warehouse(priority=1)
    variant = await depot.variant()
    await depot.put(variant, a, 1)
    await depot.put(variant, b, 1)
    ref = uuid.uuid4()
    await _reserve(depot, ref, [(variant.id, 2)])
    for _ in range(2):
        async with depot.app.uow() as uow:
            await consume_stock(uow, ref)
            await release_stock(uow, ref)  # nothing left to release after shipping
            await uow.commit()
    stock = await depot.stock(variant)
    assert [(r.quantity, r.reserved_quantity) for r in stock.values()] == [(0, 0), (0, 0)]
    page = await depot.app.use(ListMovements)(PageRequest(), variant_id=variant.id)
    shipped = [m for m in page.items if m.reference_type == "order"]
    assert sorted((m.warehouse_id, m.change) for m in shipped) == sorted([(a.id, -1), (b.id, -1)])
    assert all(m.movement_type == "out" and m.reference_number == str(ref) for m in shipped)


async def test_reservation_crossing_minimum_emits_low_stock(depot: Depot) -> None:
    from core.inventory.use_cases.stock import ChangeStock, StockChange

    wh, variant = await depot.warehouse(), await depot.variant()
    await depot.put(variant, wh, 3)
    row = (await depot.stock(variant))[wh.id]
    await depot.app.use(ChangeStock)(StockChange(KEEPER, row.id, {"minimum_quantity": 2}))
    await _reserve(depot, uuid.uuid4(), [(variant.id, 2)])
    assert depot.events("inventory.low_stock") == [
        {"variant_id": str(variant.id), "warehouse_id": str(wh.id), "available": 1, "minimum": 2}
    ]
