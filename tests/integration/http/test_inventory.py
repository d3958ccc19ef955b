"""Staff work on the inventory over HTTP (SQLite and PostgreSQL): warehouses, movements, counts, stock rows,
and the storefront's availability following stock."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.integration.http.conftest import Api, User, assert_problem
from tests.integration.http.test_catalog_staff import Catalog, money, unique_code

INVENTORY = "/api/v1/admin/inventory"


class Inventory:
    def __init__(self, api: Api, who: User) -> None:
        self.api, self.who = api, who

    async def send(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        return await self.api.client.request(method, f"{INVENTORY}/{path}", json=body, params=params or None,
                                             headers=self.who.headers)  # fmt: skip

    async def ok(self, method: str, path: str, body: Any = None, status: int = 200, **params: Any) -> Any:
        response = await self.send(method, path, body, **params)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    async def warehouse(self, **body: Any) -> dict[str, Any]:
        body.setdefault("name", "Depo")
        body.setdefault("code", unique_code("WH"))
        return await self.ok("POST", "warehouses", body, 201)  # type: ignore[no-any-return]

    async def move(self, **body: Any) -> httpx.Response:
        return await self.send("POST", "movements", body)

    async def stock(self, variant_id: str) -> list[dict[str, Any]]:
        return (await self.ok("GET", "stock", variant_id=variant_id))["items"]  # type: ignore[no-any-return]


async def setup(api: Api) -> tuple[Inventory, dict[str, Any], dict[str, Any]]:
    admin = await api.admin()
    catalog = Catalog(api, admin)
    brand, category = await catalog.brand("Marka"), await catalog.category("Giyim")
    product = await catalog.product("Tişört", brand, category)
    variant = await catalog.variant(product, "100.00")
    return Inventory(api, admin), product, variant


async def test_inventory_needs_inventory_manage(api: Api) -> None:
    assert_problem(await api.client.get(f"{INVENTORY}/warehouses"), 401)
    other = await api.staff("catalog.manage")
    assert_problem(await api.client.get(f"{INVENTORY}/warehouses", headers=other.headers), 403)
    keeper = Inventory(api, await api.staff("inventory.manage"))
    made = await keeper.warehouse(priority=2)
    assert made["priority"] == 2


async def test_warehouse_crud(api: Api) -> None:
    inv, _, _ = await setup(api)
    made = await inv.warehouse(code="IST-1", name="İstanbul", email="depo@example.com", storage_capacity=100)
    assert_problem(await inv.send("POST", "warehouses", {"name": "Başka", "code": "IST-1"}), 409, "duplicate_code")
    assert_problem(await inv.send("POST", "warehouses", {"name": "X", "code": "X", "extra": 1}), 422)
    assert (await inv.ok("GET", f"warehouses/{made['id']}"))["name"] == "İstanbul"
    changed = await inv.ok("PATCH", f"warehouses/{made['id']}", {"priority": 5, "is_active": False})
    assert (changed["priority"], changed["is_active"]) == (5, False)
    listed = await inv.ok("GET", "warehouses", q="istanbul")
    assert [w["id"] for w in listed["items"]] == [made["id"]]
    await inv.ok("DELETE", f"warehouses/{made['id']}", status=204)
    assert_problem(await inv.send("GET", f"warehouses/{made['id']}"), 404)


async def test_movements_counts_and_stock(api: Api) -> None:
    inv, _, variant = await setup(api)
    a, b = await inv.warehouse(priority=1), await inv.warehouse(priority=2)
    response = await inv.move(movement_type="in", variant_id=variant["id"], warehouse_id=a["id"], quantity=10,
                              reference_number="IRS-1")  # fmt: skip
    assert response.status_code == 201, response.text
    assert (response.json()["change"], response.json()["reference_number"]) == (10, "IRS-1")
    for bad in ({"quantity": 0}, {"quantity": -1}, {"quantity": 1.5}, {"quantity": "2"}):
        assert_problem(await inv.move(movement_type="in", variant_id=variant["id"], warehouse_id=a["id"],
                                      **bad), 422)  # fmt: skip
    body = assert_problem(await inv.move(movement_type="in", variant_id=str(uuid.uuid4()), warehouse_id=a["id"],
                                         quantity=1), 422)  # fmt: skip
    assert body["errors"][0]["loc"] == ["body", "variant_id"]
    body = assert_problem(await inv.move(movement_type="out", variant_id=variant["id"], quantity=1,
                                         warehouse_id=str(uuid.uuid4())), 422)  # fmt: skip
    assert body["errors"][0]["loc"] == ["body", "warehouse_id"]
    assert_problem(await inv.move(movement_type="out", variant_id=variant["id"], warehouse_id=a["id"], quantity=11),
                   409, "insufficient_stock")  # fmt: skip
    transfer = await inv.move(movement_type="transfer", variant_id=variant["id"], quantity=4,
                              from_warehouse_id=a["id"], to_warehouse_id=b["id"])  # fmt: skip
    assert transfer.status_code == 201, transfer.text
    assert [(m["warehouse_id"], m["change"]) for m in transfer.json()["movements"]] == [(a["id"], -4), (b["id"], 4)]
    assert_problem(await inv.move(movement_type="adjustment", variant_id=variant["id"], warehouse_id=b["id"],
                                  quantity=-5), 409, "insufficient_stock")  # fmt: skip
    assert (await inv.move(movement_type="adjustment", variant_id=variant["id"], warehouse_id=b["id"],
                           quantity=-1)).status_code == 201  # fmt: skip
    stock = await inv.stock(variant["id"])
    assert [(s["warehouse_id"], s["quantity"], s["reserved_quantity"], s["available_quantity"]) for s in stock] == [
        (a["id"], 6, 0, 6), (b["id"], 3, 0, 3)]  # fmt: skip

    count = await inv.ok("POST", "counts", {"warehouse_id": a["id"], "variant_id": variant["id"],
                                            "counted_quantity": 5}, 201)  # fmt: skip
    assert (count["previous_quantity"], count["difference"], count["movement"]["movement_type"]) == (
        6,
        -1,
        "adjustment",
    )
    assert count["stock"]["last_count_date"] is not None

    row = stock[0]
    changed = await inv.ok("PATCH", f"stock/{row['id']}", {"minimum_quantity": 2, "shelf_location": "A-1-3",
                                                            "unit_cost": money("42.50")})  # fmt: skip
    assert (changed["minimum_quantity"], changed["shelf_location"]) == (2, "A-1-3")
    assert changed["unit_cost"] == money("42.50")
    assert_problem(await inv.send("PATCH", f"stock/{row['id']}", {"quantity": 100}), 422)
    assert_problem(await inv.send("GET", "stock"), 422)
    assert_problem(await inv.send("GET", "stock", variant_id=str(uuid.uuid4())), 404)
    assert_problem(await inv.send("PATCH", f"stock/{row['id']}", {"minimum_quantity": -1}), 422)

    moves = await inv.ok("GET", "movements", variant_id=variant["id"], limit=2)
    assert len(moves["items"]) == 2 and moves["next_cursor"]
    only_b = await inv.ok("GET", "movements", warehouse_id=b["id"])
    assert {m["warehouse_id"] for m in only_b["items"]} == {b["id"]}
    assert_problem(await inv.send("DELETE", f"warehouses/{a['id']}"), 409, "warehouse_not_empty")


async def test_storefront_availability_follows_stock(api: Api) -> None:
    inv, product, variant = await setup(api)
    wh = await inv.warehouse()

    async def shown() -> tuple[bool, list[str]]:
        detail = (await api.client.get(f"/api/v1/catalog/products/{product['id']}")).json()
        listed = (await api.client.get("/api/v1/catalog/products", params={"in_stock": "true"})).json()["items"]
        return detail["variants"][0]["available"], [p["id"] for p in listed]

    assert await shown() == (False, [])
    assert (await inv.move(movement_type="in", variant_id=variant["id"], warehouse_id=wh["id"],
                           quantity=1)).status_code == 201  # fmt: skip
    assert await shown() == (True, [product["id"]])
    assert (await inv.move(movement_type="out", variant_id=variant["id"], warehouse_id=wh["id"],
                           quantity=1)).status_code == 201  # fmt: skip
    assert await shown() == (False, [])
