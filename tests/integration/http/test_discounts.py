"""Standalone discounts over HTTP (SQLite and PostgreSQL): staff CRUD (`promotions.manage`, audited, checked),
and a live discount's price on the storefront's cards and product page (list price as compare-at) and in the
basket."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.integration.http.conftest import Api, User, assert_problem
from tests.integration.http.test_catalog_staff import Catalog, money
from tests.integration.http.test_inventory import Inventory

DISCOUNTS = "/api/v1/admin/promotions/discounts"
PUBLIC = "/api/v1/catalog"


def at(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def body(target: dict[str, Any], target_type: str = "product", **fields: Any) -> dict[str, Any]:
    return {"name": "Yaz indirimi", "target_type": target_type, "target_id": target["id"],
            "discount_type": "percentage", "value": "10", **fields}  # fmt: skip


class Promoter:
    def __init__(self, api: Api, who: User) -> None:
        self.api, self.who = api, who

    async def send(self, method: str, path: str = "", json: Any = None, **params: Any) -> httpx.Response:
        return await self.api.client.request(method, f"{DISCOUNTS}{path}", json=json, params=params or None,
                                             headers=self.who.headers)  # fmt: skip

    async def create(self, sent: dict[str, Any]) -> dict[str, Any]:
        response = await self.send("POST", json=sent)
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def patch(self, discount: dict[str, Any], **fields: Any) -> dict[str, Any]:
        response = await self.send("PATCH", f"/{discount['id']}", fields)
        assert response.status_code == 200, response.text
        return dict(response.json())


async def setup(api: Api) -> tuple[Catalog, Promoter]:
    return Catalog(api, await api.admin()), Promoter(api, await api.staff("promotions.manage"))


async def test_only_promotion_managers_reach_the_discount_routes(api: Api) -> None:
    catalog, promoter = await setup(api)
    product = await catalog.product("Kazak", await catalog.brand("Koton"), await catalog.category("Giyim"))
    for who in (await api.customer(), await api.staff("catalog.manage")):
        assert_problem(await api.client.get(DISCOUNTS, headers=who.headers), 403, "permission_denied")
        assert_problem(await api.client.post(DISCOUNTS, json=body(product), headers=who.headers), 403)
    assert_problem(await api.client.get(DISCOUNTS), 401)
    assert (await promoter.send("GET")).status_code == 200


async def test_a_discount_is_created_read_changed_listed_deleted_and_audited(api: Api) -> None:
    catalog, promoter = await setup(api)
    brand = await catalog.brand("Koton")
    product = await catalog.product("Kazak", brand, await catalog.category("Giyim"))
    start, end = at(hours=-1), at(days=7)
    made = await promoter.create(body(product, value="12.50", start_date=start, end_date=end))
    assert {k: made[k] for k in ("name", "target_type", "target_id", "discount_type", "value", "currency",
                                 "is_active")} == {"name": "Yaz indirimi", "target_type": "product",
                                                   "target_id": product["id"], "discount_type": "percentage",
                                                   "value": "12.5", "currency": "TRY", "is_active": True}  # fmt: skip
    assert datetime.fromisoformat(made["start_date"]) == datetime.fromisoformat(start)
    url = f"/{made['id']}"
    assert (await promoter.send("GET", url)).json() == made

    changed = await promoter.patch(made, discount_type="fixed_amount", value="49.9", end_date=None,
                                   target_type="brand", target_id=brand["id"])  # fmt: skip
    assert (changed["discount_type"], changed["value"], changed["end_date"], changed["target_id"]) == (
        "fixed_amount", "49.90", None, brand["id"])  # fmt: skip
    other = await promoter.create(body(product))
    listed = (await promoter.send("GET", target_type="brand")).json()
    assert [d["id"] for d in listed["items"]] == [made["id"]] and listed["next_cursor"] is None
    everything = (await promoter.send("GET", limit=1)).json()
    assert [d["id"] for d in everything["items"]] == [other["id"]] and everything["next_cursor"]

    assert (await promoter.send("DELETE", url)).status_code == 204
    assert_problem(await promoter.send("GET", url), 404)
    assert_problem(await promoter.send("PATCH", url, {"name": "x"}), 404)
    assert_problem(await promoter.send("DELETE", f"/{uuid.uuid4()}"), 404)
    audit = await api.client.get("/api/v1/admin/audit-log", params={"target_type": "discount"},
                                 headers=(await api.admin()).headers)  # fmt: skip
    assert {"discount.create", "discount.update", "discount.delete"} <= {e["action"] for e in audit.json()["items"]}


async def test_invalid_discounts_are_422_naming_the_field(api: Api) -> None:
    catalog, promoter = await setup(api)
    product = await catalog.product("Kazak", await catalog.brand("Koton"), await catalog.category("Giyim"))
    cases = [
        (body(product, value="0"), "value"), (body(product, value="100.5"), "value"),
        (body(product, discount_type="fixed_amount", value="0"), "value"),
        (body(product, discount_type="fixed_amount", value="1.234"), "value"),
        (body(product, value=10), "value"),  # a number, not a decimal string
        (body(product, start_date=at(days=2), end_date=at(days=1)), "end_date"),
        (body(product, end_date="2030-01-01T00:00:00"), "end_date"),  # no offset
        (body({"id": str(uuid.uuid4())}), "target_id"),
        (body(product, target_type="category"), "target_id"),  # exists, but is no category
        (body(product, target_type="shop"), "target_type"),
        (body(product, currency="XXY"), "currency"),
        ({**body(product), "extra": 1}, "extra"),
    ]  # fmt: skip
    for sent, field in cases:
        problem = assert_problem(await promoter.send("POST", json=sent), 422)
        assert ["body", field] in [e["loc"][:2] for e in problem["errors"]], (sent, problem)
    problem = assert_problem(await promoter.send("POST", json=body({"id": str(uuid.uuid4())})), 422)
    assert problem["code"] == "unknown_reference"
    made = await promoter.create(body(product, start_date=at(hours=-1)))
    for fields, field in [({"value": "150"}, "value"), ({"end_date": at(hours=-2)}, "end_date"),
                          ({"start_date": at(days=30), "end_date": at(days=29)}, "end_date"),
                          ({"target_id": str(uuid.uuid4())}, "target_id"), ({"name": None}, "name"),
                          ({"start_date": None}, "start_date")]:  # fmt: skip
        problem = assert_problem(await promoter.send("PATCH", f"/{made['id']}", fields), 422)
        assert ["body", field] in [e["loc"][:2] for e in problem["errors"]], (fields, problem)
    assert_problem(await promoter.send("GET", target_type="shop"), 422)


async def browse(api: Api) -> dict[str, dict[str, Any]]:
    response = await api.client.get(f"{PUBLIC}/products", params={"limit": 100})
    assert response.status_code == 200, response.text
    return {p["name"]: p for p in response.json()["items"]}


async def search(api: Api, q: str) -> dict[str, dict[str, Any]]:
    """The list through the search index (`q`), whose documents keep the catalog's own prices."""
    response = await api.client.get(f"{PUBLIC}/products", params={"q": q, "limit": 100})
    assert response.status_code == 200, response.text
    return {p["name"]: p for p in response.json()["items"]}


async def page(api: Api, product: dict[str, Any]) -> list[dict[str, Any]]:
    response = await api.client.get(f"{PUBLIC}/products/{product['slug']}")
    assert response.status_code == 200, response.text
    return list(response.json()["variants"])


def prices(card: dict[str, Any]) -> tuple[str | None, str | None]:
    compare = card["compare_at_price"]
    return card["price"]["amount"], compare["amount"] if compare else None


async def test_live_discounts_lower_the_storefront_and_basket_prices(api: Api) -> None:
    catalog, promoter = await setup(api)
    inventory = Inventory(api, catalog.who)
    warehouse = await inventory.warehouse()
    clothes = await catalog.category("Giyim")
    knitwear = await catalog.category("Triko", parent_id=clothes["id"])
    koton, mavi = await catalog.brand("Koton"), await catalog.brand("Mavi")
    sweater = await catalog.product("Kazak", koton, knitwear)
    plain = await catalog.variant(sweater, "200.00")
    marked = await catalog.variant(sweater, "300.00", discount=money("150.00"))  # the catalog's own: 150.00
    socks = await catalog.product("Çorap", mavi, await catalog.category("Aksesuar"))
    sock = await catalog.variant(socks, "50.00")
    for variant in (plain, marked, sock):
        moved = await inventory.move(movement_type="in", variant_id=variant["id"], warehouse_id=warehouse["id"],
                                     quantity=10)  # fmt: skip
        assert moved.status_code == 201, moved.text
    created = await api.client.post("/api/v1/baskets", json={})
    cart, token = created.json()["id"], {"X-Basket-Token": created.json()["token"]}
    for variant in (plain, marked, sock):
        added = await api.client.post(f"/api/v1/baskets/{cart}/items", headers=token,
                                      json={"variant_id": variant["id"], "quantity": 1})  # fmt: skip
        assert added.status_code in (200, 201), added.text

    async def unit_prices() -> dict[str, str]:
        got = await api.client.get(f"/api/v1/baskets/{cart}", headers=token)
        assert got.status_code == 200, got.text
        return {i["variant_id"]: i["unit_price"]["amount"] for i in got.json()["items"]}

    cards = await browse(api)  # cached: discount changes must replace these
    assert (prices(cards["Kazak"]), prices(cards["Çorap"])) == (("150.00", "300.00"), ("50.00", None))

    # 30 % off the parent category reaches the sweater's; the marked variant keeps its bigger own discount
    category_off = await promoter.create(body(clothes, "category", value="30", start_date=at(minutes=-1)))
    cards = await browse(api)
    assert (prices(cards["Kazak"]), prices(cards["Çorap"])) == (("140.00", "200.00"), ("50.00", None))
    assert prices((await search(api, "kazak"))["Kazak"]) == ("140.00", "200.00")
    shown = {v["id"]: (v["price"]["amount"], (v["compare_at_price"] or {}).get("amount")) for v in
             await page(api, sweater)}  # fmt: skip
    assert shown == {plain["id"]: ("140.00", "200.00"), marked["id"]: ("150.00", "300.00")}
    assert await unit_prices() == {plain["id"]: "140.00", marked["id"]: "150.00", sock["id"]: "50.00"}

    # several match: the best wins (a fixed 100.00 off Koton beats 30 % of 200.00; 5 % more does nothing)
    await promoter.create(body(koton, "brand", discount_type="fixed_amount", value="100.00"))
    await promoter.create(body(marked, "variant", value="5"))
    assert await unit_prices() == {plain["id"]: "100.00", marked["id"]: "150.00", sock["id"]: "50.00"}
    assert prices((await browse(api))["Kazak"]) == ("100.00", "200.00")

    # not started, ended or inactive: nothing
    await promoter.create(body(socks, value="50", start_date=at(days=1)))
    await promoter.create(body(socks, value="50", start_date=at(days=-3), end_date=at(days=-1)))
    await promoter.create(body(sock, "variant", value="50", is_active=False))
    assert prices((await browse(api))["Çorap"]) == ("50.00", None)
    assert (await page(api, socks))[0]["price"]["amount"] == "50.00"
    assert (await unit_prices())[sock["id"]] == "50.00"

    # changing and deleting shows on the next read
    koton_off = (await promoter.send("GET", target_type="brand")).json()["items"][0]
    await promoter.patch(koton_off, is_active=False)
    assert (await unit_prices())[plain["id"]] == "140.00"
    assert (await promoter.send("DELETE", f"/{category_off['id']}")).status_code == 204
    assert prices((await browse(api))["Kazak"]) == ("150.00", "300.00")
    assert (await page(api, sweater))[0]["compare_at_price"] is None
    assert (await unit_prices())[plain["id"]] == "200.00"
