"""`in_stock` on every search index (memory, SQLite, PostgreSQL, Elasticsearch): it follows the inventory,
through the catalog.changed event a stock row running out or coming back records."""

from __future__ import annotations

from core.inventory.use_cases.stock import NewMovement, RecordMovement
from core.inventory.use_cases.warehouses import CreateWarehouse, NewWarehouse
from tests.integration.search.conftest import Searching
from tests.integration.search.test_search_behaviour import names
from tests.unit.catalog.conftest import STAFF


async def test_in_stock_follows_the_inventory(searching: Searching) -> None:
    shop = searching.shop
    kazak = await shop.product("Yün Kazak", code="KZK-1")
    variant = await shop.variant(kazak, price="450.00")
    await shop.listed("Örgü Hırka Kazak", "300.00", code="HRK-1")
    warehouse = await shop.app.use(CreateWarehouse)(NewWarehouse(actor=STAFF, name="Depo", code="D1"))
    await searching.drain()
    assert await names(searching, q="kazak", in_stock=True) == []

    move = shop.app.use(RecordMovement)
    await move(NewMovement(STAFF, "in", variant.id, 2, warehouse_id=warehouse.id))
    await searching.drain()
    assert await names(searching, q="kazak", in_stock=True) == ["Yün Kazak"]
    assert await names(searching, q="kazak", in_stock=False) == ["Örgü Hırka Kazak"]
    [card] = [c for c in (await shop.browse(q="kazak"))["items"] if c["name"] == "Yün Kazak"]
    assert card["in_stock"] is True

    await move(NewMovement(STAFF, "out", variant.id, 2, warehouse_id=warehouse.id))
    await searching.drain()
    assert await names(searching, q="kazak", in_stock=True) == []
