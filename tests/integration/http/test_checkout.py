"""`POST /api/v1/checkout` end to end on SQLite and PostgreSQL: guests and customers, what the order shows,
Idempotency-Key (replay, reuse, missing, concurrent retries), prices the client may not send, and the 409s."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.address.use_cases.loading import LoadGeo, LoadGeoData
from ports.address import GeoSource
from tests.integration.http.conftest import Api, User, assert_problem, running_api
from tests.unit.address.geo_fixture import fixture_source
from tests.unit.ordering.conftest import inline_address
from tests.unit.ordering.shop import Shop

CHECKOUT = "/api/v1/checkout"


@pytest.fixture
async def shop_api(db_url: tuple[str, str], tmp_path: Path) -> AsyncIterator[Api]:
    """The app with the small geo tree and the sandbox payment method."""
    kind, url = db_url
    async with running_api(kind, url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await prepare(api)
        yield api


async def prepare(api: Api) -> None:
    await api.resolve(LoadGeo)(LoadGeoData())
    await Shop(api.container).payment_method("sandbox")


async def basket(api: Api, *lines: tuple[str, int], who: User | None = None,
                 client: httpx.AsyncClient | None = None) -> tuple[str, dict[str, str]]:  # fmt: skip
    """(basket id, the headers that reach it: the customer's bearer token or the guest's basket token)."""
    http = client or api.client
    made = await http.post("/api/v1/baskets", json={}, headers=who.headers if who else {})
    assert made.status_code == 201, made.text
    headers = who.headers if who else {"X-Basket-Token": made.json()["token"]}
    for variant_id, quantity in lines:
        added = await http.post(f"/api/v1/baskets/{made.json()['id']}/items",
                                json={"variant_id": variant_id, "quantity": quantity}, headers=headers)  # fmt: skip
        assert added.status_code == 201, added.text
    return made.json()["id"], headers


async def checkout(api: Api, basket_id: str, headers: dict[str, str], *, key: str | None = None,
                   client: httpx.AsyncClient | None = None, **fields: Any) -> httpx.Response:  # fmt: skip
    body: dict[str, Any] = {"basket_id": basket_id, "payment_method": "sandbox", "shipping_address": inline_address()}
    if "Authorization" not in headers:
        body["email"] = "misafir@example.com"
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    return await (client or api.client).post(
        CHECKOUT, json=body, headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex}
    )


async def stocked(api: Api, units: int = 5, price: str = "149.90") -> str:
    shop = Shop(api.container)
    variant = await shop.variant(price)
    await shop.stock(variant.id, units)
    return str(variant.id)


async def available(api: Api, variant_id: str) -> int:
    return await Shop(api.container).available(uuid.UUID(variant_id))


async def test_a_guest_checks_out_and_reads_the_order_with_its_token_only(shop_api: Api) -> None:
    api = shop_api
    variant = await stocked(api, 5, "149.90")
    basket_id, headers = await basket(api, (variant, 2))

    response = await checkout(api, basket_id, headers)

    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "pending" and order["number"].startswith("CRS-") and order["access_token"]
    [item] = order["items"]
    assert item["variant_id"] == variant and item["quantity"] == 2 and item["tax_rate"] == "20"
    assert item["unit_price"] == {"amount": "149.90", "currency": "TRY"}
    assert item["total_price"] == {"amount": "299.80", "currency": "TRY"}
    totals = order["totals"]
    assert set(totals) >= {"subtotal", "discount", "shipping", "tax", "total", "tax_lines"}
    total = float(totals["subtotal"]["amount"]) - float(totals["discount"]["amount"]) + float(
        totals["shipping"]["amount"])  # fmt: skip
    assert f"{total:.2f}" == totals["total"]["amount"]
    assert order["shipping_address"]["township"] == "Kadıköy" and order["billing_address"] == order["shipping_address"]
    assert await available(api, variant) == 3

    url = f"/api/v1/orders/{order['id']}"
    mine = await api.client.get(url, headers={"X-Order-Token": order["access_token"]})
    assert mine.status_code == 200 and mine.json()["number"] == order["number"] and "access_token" not in mine.json()
    assert_problem(await api.client.get(url), 404)
    assert_problem(await api.client.get(url, headers={"X-Order-Token": "wrong"}), 404)
    stranger = await api.customer()
    assert_problem(await api.client.get(url, headers=stranger.headers), 404)
    manager = await api.staff("orders.manage")
    assert (await api.client.get(url, headers=manager.headers)).status_code == 200
    gone = await api.client.get(f"/api/v1/baskets/{basket_id}", headers=headers)
    assert gone.status_code in (200, 404) and (gone.status_code == 404 or gone.json()["status"] == "converted")


async def test_a_customer_checks_out_with_a_saved_address_and_sees_it_in_my_orders(shop_api: Api) -> None:
    api = shop_api
    ayse = await api.customer()
    saved = await api.client.post("/api/v1/me/addresses", headers=ayse.headers,
                                  json={"title": "Ev", **inline_address()})  # fmt: skip
    assert saved.status_code == 201, saved.text
    variant = await stocked(api)
    basket_id, headers = await basket(api, (variant, 1), who=ayse)

    response = await checkout(api, basket_id, headers, shipping_address=None, shipping_address_id=saved.json()["id"])

    assert response.status_code == 201, response.text
    order = response.json()
    assert order["access_token"] is None and order["email"] == ayse.email
    listed = await api.client.get("/api/v1/me/orders", headers=ayse.headers)
    assert [o["id"] for o in listed.json()["items"]] == [order["id"]] and listed.json()["next_cursor"] is None
    other = await api.customer()
    assert (await api.client.get("/api/v1/me/orders", headers=other.headers)).json()["items"] == []
    assert_problem(await api.client.get(f"/api/v1/orders/{order['id']}", headers=other.headers), 404)
    assert_problem(await api.client.get("/api/v1/me/orders"), 401)

    basket2, headers2 = await basket(api, (variant, 1), who=other)
    stolen = await checkout(api, basket2, headers2, shipping_address=None, shipping_address_id=saved.json()["id"])
    assert_problem(stolen, 422)
    assert_problem(await checkout(api, basket_id, headers2), 404)  # someone else's basket


async def test_the_same_idempotency_key_replays_the_first_answer_and_places_one_order(shop_api: Api) -> None:
    api = shop_api
    variant = await stocked(api, 5)
    basket_id, headers = await basket(api, (variant, 1))
    first = await checkout(api, basket_id, headers, key="order-1")
    again = await checkout(api, basket_id, headers, key="order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers.get("idempotent-replayed") == "true"
    assert await available(api, variant) == 4
    reused = await checkout(api, basket_id, headers, key="order-1", payment_method="other")
    assert_problem(reused, 422, "idempotency_key_reused")
    missing = await api.client.post(CHECKOUT, headers=headers, json={"basket_id": basket_id, "payment_method": "x"})
    assert_problem(missing, 400, "idempotency_key_required")


async def test_ten_concurrent_checkouts_with_one_key_make_one_order(shop_api: Api) -> None:
    api = shop_api
    variant = await stocked(api, 20)
    basket_id, headers = await basket(api, (variant, 2))
    answers = await asyncio.gather(*(checkout(api, basket_id, headers, key="same-key") for _ in range(10)))
    created = [a for a in answers if a.status_code == 201]
    assert created and {a.json()["id"] for a in created} == {created[0].json()["id"]}
    for other in answers:
        if other.status_code != 201:
            assert_problem(other, 409, "idempotency_key_in_progress")
    assert await available(api, variant) == 18
    manager = await api.staff("orders.manage")
    listed = await api.client.get("/api/v1/admin/orders", headers=manager.headers)
    assert [o["id"] for o in listed.json()["items"]] == [created[0].json()["id"]]


@pytest.mark.parametrize("extra", [
    {"items": [{"variant_id": str(uuid.uuid4()), "quantity": 1, "unit_price": {"amount": "0.01", "currency": "TRY"}}]},
    {"total": {"amount": "0.01", "currency": "TRY"}},
    {"unit_price": "0.01"},
    {"totals": {"total": "1.00"}},
])  # fmt: skip
async def test_prices_sent_by_the_client_are_refused(shop_api: Api, extra: dict[str, Any]) -> None:
    api = shop_api
    variant = await stocked(api)
    basket_id, headers = await basket(api, (variant, 1))
    body = assert_problem(await checkout(api, basket_id, headers, **extra), 422)
    assert [e["loc"][-1] for e in body["errors"]] == list(extra)
    assert await available(api, variant) == 5


async def test_short_stock_empty_baskets_and_unknown_methods_are_409_and_nothing_is_reserved(shop_api: Api) -> None:
    api = shop_api
    plenty, scarce = await stocked(api, 10), await stocked(api, 1)
    basket_id, headers = await basket(api, (plenty, 2), (scarce, 1))
    # someone else takes the last unit of `scarce` after it went into this basket
    other_id, other_headers = await basket(api, (scarce, 1))
    assert (await checkout(api, other_id, other_headers)).status_code == 201
    body = assert_problem(await checkout(api, basket_id, headers), 409, "insufficient_stock")
    assert scarce in body["detail"] and plenty not in body["detail"]
    assert await available(api, plenty) == 10 and await available(api, scarce) == 0

    empty_id, empty_headers = await basket(api)
    assert_problem(await checkout(api, empty_id, empty_headers), 409, "basket_empty")
    fine_id, fine_headers = await basket(api, (plenty, 1))
    assert_problem(await checkout(api, fine_id, fine_headers, payment_method="nope"), 409,
                   "payment_method_unavailable")  # fmt: skip
    assert await available(api, plenty) == 10


@pytest.mark.parametrize(("fields", "loc"), [
    ({"shipping_address": inline_address(township="Olmayan")}, ["body", "shipping_address", "township"]),
    ({"shipping_address": inline_address(phone="123")}, ["body", "shipping_address", "phone"]),
    ({"shipping_address": {**inline_address(), "price": "1"}}, ["body", "shipping_address", "price"]),
    ({"shipping_address": None}, ["body", "shipping_address"]),
    ({"email": "not-an-email"}, ["body", "email"]),
    ({"billing_address_id": str(uuid.uuid4())}, ["body", "billing_address_id"]),
])  # fmt: skip
async def test_bad_fields_are_422_naming_them(shop_api: Api, fields: dict[str, Any], loc: list[str]) -> None:
    api = shop_api
    variant = await stocked(api)
    basket_id, headers = await basket(api, (variant, 1))
    body = assert_problem(await checkout(api, basket_id, headers, **fields), 422)
    assert body["errors"][0]["loc"] == loc, body
