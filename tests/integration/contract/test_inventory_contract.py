"""The inventory's storage contract on memory, SQLite and PostgreSQL: conditional stock changes, the database
CHECK, reservations taken once, movement pages, and the storefront's availability coming from stock."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from core.catalog.model import Brand, Category, Product, Variant
from core.catalog.views import ProductQuery
from core.inventory.changes import InsufficientStock
from core.inventory.model import Stock, StockMovement, Warehouse
from core.inventory.reservations import available, consume_stock, release_stock, reserve_stock
from core.shared.money import Money
from core.shared.pagination import PageRequest
from ports.catalog import CatalogViews, ProductSearch
from tests.integration.contract.builders import unique, walk
from tests.integration.contract.conftest import Backend


async def variant(backend: Backend) -> Variant:
    async with backend.uow() as uow:
        brand = Brand(name="Marka", code=unique("BR-"), slug=unique("marka-"))
        category = Category(name="Kategori", code=unique("CAT-"), slug=unique("kategori-"))
        await uow.brands.add(brand)
        await uow.categories.add(category)
        product = Product(name="Ürün", code=unique("PR-"), slug=unique("urun-"), brand_id=brand.id,
                          category_id=category.id)  # fmt: skip
        await uow.products.add(product)
        made = Variant(product_id=product.id, name="Ürün", code=unique("V-"), slug=unique("varyant-"))
        made.set_price(Money.of("10.00", "TRY"))
        await uow.variants.add(made)
        await uow.products.refresh_listing(product.id)
        await uow.commit()
    return made


async def warehouse(backend: Backend, priority: int = 0, **fields: object) -> Warehouse:
    made = Warehouse(name="Depo", code=unique("WH-"), priority=priority, **fields)  # type: ignore[arg-type]
    async with backend.uow() as uow:
        await uow.warehouses.add(made)
        await uow.commit()
    return made


async def stocked(backend: Backend, wh: Warehouse, v: Variant, n: int) -> Stock:
    async with backend.uow() as uow:
        row = await uow.stock.create(Stock(warehouse_id=wh.id, variant_id=v.id))
        changed = await uow.stock.change(row.id, quantity=n)
        await uow.commit()
    assert changed is not None
    return changed


async def test_conditional_changes_keep_available_not_negative(backend: Backend) -> None:
    wh, v = await warehouse(backend), await variant(backend)
    row = await stocked(backend, wh, v, 3)
    async with backend.uow() as uow:
        assert await uow.stock.change(row.id, reserved=2) is not None
        assert await uow.stock.change(row.id, reserved=2) is None  # only 1 available
        assert await uow.stock.change(row.id, quantity=-2) is None  # would leave reserved > quantity
        assert await uow.stock.change(row.id, reserved=-3) is None
        after = await uow.stock.change(row.id, quantity=-1)
        assert after is not None and (after.quantity, after.reserved_quantity, after.available_quantity) == (2, 2, 0)
        await uow.commit()
    async with backend.uow() as uow:
        again = await uow.stock.get(row.id)
        assert (again.quantity, again.reserved_quantity) == (2, 2)
        assert await uow.stock.find(wh.id, v.id) is not None
        assert (await uow.stock.create(Stock(warehouse_id=wh.id, variant_id=v.id))).id == row.id  # one per pair


async def test_rollback_undoes_changes(backend: Backend) -> None:
    wh, v = await warehouse(backend), await variant(backend)
    row = await stocked(backend, wh, v, 3)
    async with backend.uow() as uow:
        await uow.stock.change(row.id, quantity=-3)
    async with backend.uow() as uow:
        assert (await uow.stock.get(row.id)).quantity == 3


async def test_reservations_by_priority_release_and_consume_once(backend: Backend) -> None:
    late, early = await warehouse(backend, priority=5), await warehouse(backend, priority=1)
    v = await variant(backend)
    await stocked(backend, late, v, 5)
    await stocked(backend, early, v, 2)
    order, other = uuid.uuid4(), uuid.uuid4()
    async with backend.uow() as uow:
        await reserve_stock(uow, order, [(v.id, 3)])
        await reserve_stock(uow, other, [(v.id, 1)])
        await uow.commit()
    async with backend.uow() as uow:
        assert await available(uow, [v.id]) == {v.id: 3}
        rows = {r.warehouse_id: r for r in await uow.stock.of_variant(v.id)}
        assert (rows[early.id].reserved_quantity, rows[late.id].reserved_quantity) == (2, 2)
        assert [r.warehouse_id for r in await uow.stock.of_variant(v.id)] == [early.id, late.id]
    for _ in range(2):
        async with backend.uow() as uow:
            await release_stock(uow, other)
            await consume_stock(uow, order)
            await uow.commit()
    async with backend.uow() as uow:
        rows = {r.warehouse_id: r for r in await uow.stock.of_variant(v.id)}
        assert [(rows[x.id].quantity, rows[x.id].reserved_quantity) for x in (early, late)] == [(0, 0), (4, 0)]
        moves = await walk(lambda cursor: uow.stock_movements.list(PageRequest(limit=1, cursor=cursor),
                                                                    variant_id=v.id))  # fmt: skip
        assert sorted((m.warehouse_id, m.change, m.reference_type) for m in moves) == sorted(
            [(early.id, -2, "order"), (late.id, -1, "order")])  # fmt: skip


async def test_a_short_line_reserves_nothing(backend: Backend) -> None:
    wh = await warehouse(backend)
    plenty, scarce = await variant(backend), await variant(backend)
    await stocked(backend, wh, plenty, 5)
    await stocked(backend, wh, scarce, 1)
    async with backend.uow() as uow:
        with pytest.raises(InsufficientStock) as err:
            await reserve_stock(uow, uuid.uuid4(), [(plenty.id, 1), (scarce.id, 2)])
    assert [e.loc for e in err.value.errors] == [("body", "items", str(scarce.id))]
    async with backend.uow() as uow:
        assert await available(uow, [plenty.id, scarce.id]) == {plenty.id: 5, scarce.id: 1}


async def test_inactive_and_deleted_warehouses_do_not_sell(backend: Backend) -> None:
    off, v = await warehouse(backend, is_active=False), await variant(backend)
    await stocked(backend, off, v, 4)
    async with backend.uow() as uow:
        assert await available(uow, [v.id]) == {v.id: 0}
        assert await uow.stock.holds_units(off.id)


async def test_movements_page_and_filter(backend: Backend) -> None:
    a, b, v = await warehouse(backend), await warehouse(backend), await variant(backend)
    async with backend.uow() as uow:
        for wh in (a, b, a):
            await uow.stock_movements.add(StockMovement(warehouse_id=wh.id, variant_id=v.id, movement_type="in",
                                                        quantity=1, change=1))  # fmt: skip
        await uow.commit()
    async with backend.uow() as uow:
        everything = await walk(lambda c: uow.stock_movements.list(PageRequest(limit=2, cursor=c), variant_id=v.id))
        only_a = await walk(lambda c: uow.stock_movements.list(PageRequest(limit=2, cursor=c), warehouse_id=a.id))
    assert len(everything) == 3 and len(only_a) == 2


async def test_unit_cost_and_levels(backend: Backend) -> None:
    wh, v = await warehouse(backend), await variant(backend)
    row = await stocked(backend, wh, v, 1)
    async with backend.uow() as uow:
        await uow.stock.revise(row.id, {"unit_cost": Money.of("12.34", "TRY"), "minimum_quantity": 2,
                                        "shelf_location": "A-3"}, None)  # fmt: skip
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.stock.get(row.id)
    assert (got.unit_cost, got.minimum_quantity, got.shelf_location) == (Money.of("12.34", "TRY"), 2, "A-3")
    assert got.unit_cost is not None and got.unit_cost.amount == Decimal("12.34")


async def test_storefront_availability_comes_from_stock(backend: Backend) -> None:
    wh, v = await warehouse(backend), await variant(backend)
    views, search = backend.container.resolve(CatalogViews), backend.container.resolve(ProductSearch)

    async def listed(in_stock: bool) -> set[uuid.UUID]:
        page = await search.search(ProductQuery(PageRequest(limit=100), "TRY", in_stock=in_stock))
        return {c.id for c in page.items}

    detail = await views.product(str(v.product_id))
    assert detail is not None and [x.available for x in detail.variants] == [False]
    assert v.product_id in await listed(False) and v.product_id not in await listed(True)
    row = await stocked(backend, wh, v, 1)
    detail = await views.product(str(v.product_id))
    assert detail is not None and [x.available for x in detail.variants] == [True]
    assert v.product_id in await listed(True) and v.product_id not in await listed(False)
    async with backend.uow() as uow:
        await reserve_stock(uow, uuid.uuid4(), [(v.id, 1)])  # all of it reserved: not available any more
        await uow.commit()
    detail = await views.product(str(v.product_id))
    assert detail is not None and [x.available for x in detail.variants] == [False]
    assert v.product_id in await listed(False)
    assert row.quantity == 1
