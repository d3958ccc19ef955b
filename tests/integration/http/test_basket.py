"""Baskets over HTTP (SQLite and PostgreSQL): guests with their token, users with theirs, server-side prices,
limits and stock, the merge (asked for, and at login), and nobody else's basket ever reachable."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import attrs
import httpx

from tests.integration.http.conftest import Api, User, assert_problem
from tests.integration.http.test_catalog_staff import Catalog, money
from tests.integration.http.test_inventory import Inventory

BASKETS = "/api/v1/baskets"


@attrs.define
class Shelf:
    """Variants for sale with stock, made by an admin over HTTP."""

    api: Api
    catalog: Catalog
    inventory: Inventory
    brand: dict[str, Any]
    category: dict[str, Any]
    warehouse: dict[str, Any]

    async def variant(self, price: str = "100.00", stock: int = 50, tax_rate: str = "20") -> dict[str, Any]:
        product = await self.catalog.product("Tişört", self.brand, self.category, tax_rate=tax_rate)
        variant = await self.catalog.variant(product, price)
        if stock:
            moved = await self.inventory.move(movement_type="in", variant_id=variant["id"],
                                              warehouse_id=self.warehouse["id"], quantity=stock)  # fmt: skip
            assert moved.status_code == 201, moved.text
        return variant


async def shelf(api: Api) -> Shelf:
    admin = await api.admin()
    catalog, inventory = Catalog(api, admin), Inventory(api, admin)
    return Shelf(api, catalog, inventory, await catalog.brand("Marka"), await catalog.category("Giyim"),
                 await inventory.warehouse())  # fmt: skip


@attrs.define
class Cart:
    """One basket as a client holds it: its id, and its token (guests) or the owner's bearer token."""

    api: Api
    id: str
    headers: dict[str, str]

    async def get(self) -> httpx.Response:
        return await self.api.client.get(f"{BASKETS}/{self.id}", headers=self.headers)

    async def add(self, variant: dict[str, Any] | str, quantity: Any = 1, **extra: Any) -> httpx.Response:
        variant_id = variant if isinstance(variant, str) else variant["id"]
        return await self.api.client.post(f"{BASKETS}/{self.id}/items", headers=self.headers,
                                          json={"variant_id": variant_id, "quantity": quantity, **extra})  # fmt: skip

    async def change(self, item_id: str, quantity: Any) -> httpx.Response:
        return await self.api.client.patch(f"{BASKETS}/{self.id}/items/{item_id}", headers=self.headers,
                                           json={"quantity": quantity})  # fmt: skip

    async def remove(self, item_id: str) -> httpx.Response:
        return await self.api.client.delete(f"{BASKETS}/{self.id}/items/{item_id}", headers=self.headers)


async def guest_cart(api: Api) -> tuple[Cart, dict[str, Any]]:
    response = await api.client.post(BASKETS, json={})
    assert response.status_code == 201, response.text
    body = response.json()
    return Cart(api, body["id"], {"X-Basket-Token": body["token"]}), body


async def user_cart(api: Api, user: User) -> tuple[Cart, dict[str, Any]]:
    response = await api.client.post(BASKETS, json={}, headers=user.headers)
    assert response.status_code == 201, response.text
    return Cart(api, response.json()["id"], user.headers), response.json()


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


async def test_a_guest_basket_from_creation_to_lines(api: Api) -> None:
    goods = await shelf(api)
    a, b = await goods.variant("120.00"), await goods.variant("110.00", tax_rate="10")
    cart, created = await guest_cart(api)
    assert created["token"] and created["status"] == "active" and created["items"] == []
    assert created["totals"] == {"subtotal": money("0.00"), "discount": money("0.00"), "shipping": money("0.00"),
                                 "tax": money("0.00"), "tax_lines": [], "total": money("0.00")}  # fmt: skip
    body = ok(await cart.add(a, 2), 201)
    body = ok(await cart.add(a, 1), 201)  # the same variant adds to its line
    body = ok(await cart.add(b), 201)
    assert body["token"] is None  # the token is given once
    assert [(i["variant_id"], i["quantity"]) for i in body["items"]] == [(a["id"], 3), (b["id"], 1)]
    line = body["items"][0]
    assert {k: line[k] for k in ("unit_price", "total_price", "discount_amount", "tax_rate")} == {
        "unit_price": money("120.00"), "total_price": money("360.00"), "discount_amount": money("0.00"),
        "tax_rate": "20"}  # fmt: skip
    totals = body["totals"]
    assert (totals["subtotal"], totals["shipping"], totals["total"]) == (money("470.00"), money("49.90"),
                                                                         money("519.90"))  # fmt: skip
    assert totals["tax_lines"] == [{"rate": "20", "amount": money("68.32")}, {"rate": "10", "amount": money("10.00")}]
    assert totals["tax"] == money("78.32")
    body = ok(await cart.change(line["id"], 5))
    assert body["items"][0]["quantity"] == 5 and body["totals"]["shipping"] == money("0.00")  # 710.00 >= 500.00
    removed = await cart.remove(line["id"])
    assert removed.status_code == 204, removed.text
    assert [i["variant_id"] for i in ok(await cart.get())["items"]] == [b["id"]]


async def test_bola_nobody_else_reaches_a_basket(api: Api) -> None:
    goods = await shelf(api)
    variant = await goods.variant()
    ayse, mehmet = await api.customer(), await api.customer()
    guest, _ = await guest_cart(api)
    hers, _ = await user_cart(api, ayse)
    ok(await hers.add(variant), 201)
    line_id = ok(await hers.get())["items"][0]["id"]
    strangers = [Cart(api, guest.id, {}), Cart(api, guest.id, {"X-Basket-Token": "wrong"}),
                 Cart(api, guest.id, mehmet.headers), Cart(api, hers.id, mehmet.headers), Cart(api, hers.id, {}),
                 Cart(api, hers.id, guest.headers), Cart(api, str(uuid.uuid4()), guest.headers)]  # fmt: skip
    for stranger in strangers:
        assert_problem(await stranger.get(), 404, "not_found")
        assert_problem(await stranger.add(variant), 404, "not_found")
        assert_problem(await stranger.change(line_id, 2), 404, "not_found")
        assert_problem(await stranger.remove(line_id), 404, "not_found")
    assert ok(await hers.get())["items"][0]["quantity"] == 1


async def test_client_sent_prices_are_rejected(api: Api) -> None:
    goods = await shelf(api)
    variant = await goods.variant("100.00")
    cart, _ = await guest_cart(api)
    for extra in ({"unit_price": money("1.00")}, {"price": "1.00"}, {"total_price": money("0.01")}):
        body = assert_problem(await cart.add(variant, 1, **extra), 422)
        assert any(e["loc"][-1] in extra for e in body["errors"]), body
    response = await api.client.patch(f"{BASKETS}/{cart.id}/items/{uuid.uuid4()}", headers=cart.headers,
                                      json={"quantity": 1, "unit_price": money("1.00")})  # fmt: skip
    assert_problem(response, 422)
    assert ok(await cart.get())["items"] == []


async def test_bad_quantities_limits_and_stock(api: Api) -> None:
    goods = await shelf(api)
    scarce, other = await goods.variant(stock=3), await goods.variant()
    cart, _ = await guest_cart(api)
    for quantity in (0, -2, 1.5, "2", None):
        assert_problem(await cart.add(scarce, quantity), 422)
    assert_problem(await cart.add(scarce, 4), 409, "insufficient_stock")
    body = ok(await cart.add(scarce, 3), 201)
    assert_problem(await cart.change(body["items"][0]["id"], 4), 409, "insufficient_stock")
    assert_problem(await cart.add(scarce, 10**40), 409, "quantity_limit")
    assert_problem(await cart.add(other, 100), 409, "quantity_limit")  # basket.max_quantity 99
    body = assert_problem(await cart.add(str(uuid.uuid4())), 422)
    assert body["errors"][0]["loc"] == ["body", "variant_id"]
    euro_only = await goods.catalog.product("Çanta", goods.brand, goods.category)
    unpriced = await goods.catalog.create(f"products/{euro_only['id']}/variants", code=f"V-{uuid.uuid4().hex[:6]}",
                                          option_value_ids=[], price=money("5.00", "EUR"))  # fmt: skip
    body = assert_problem(await cart.add(unpriced), 422, "no_price")
    assert body["errors"][0]["loc"] == ["body", "variant_id"]


async def test_the_line_limit_is_a_runtime_setting(api: Api) -> None:
    goods = await shelf(api)
    admin = await api.admin()
    response = await api.client.put("/api/v1/admin/settings/basket.max_lines", json={"value": 1}, headers=admin.headers)
    assert response.status_code == 200, response.text
    cart, _ = await guest_cart(api)
    ok(await cart.add(await goods.variant()), 201)
    assert_problem(await cart.add(await goods.variant()), 409, "basket_line_limit")


async def test_a_price_change_shows_the_old_price(api: Api) -> None:
    goods = await shelf(api)
    variant = await goods.variant("100.00")
    cart, _ = await guest_cart(api)
    ok(await cart.add(variant, 2), 201)
    repriced = await goods.catalog.send("PUT", f"variants/{variant['id']}/price", {"price": money("80.00")})
    assert repriced.status_code in (200, 201), repriced.text
    line = ok(await cart.get())["items"][0]
    assert (line["unit_price"], line["price_changed_from"]) == (money("80.00"), money("100.00"))
    line = ok(await cart.change(line["id"], 2))["items"][0]
    assert line["price_changed_from"] is None


async def test_merging_a_guest_basket_into_a_users(api: Api) -> None:
    goods = await shelf(api)
    a, b = await goods.variant(), await goods.variant()
    ayse = await api.customer()
    hers, _ = await user_cart(api, ayse)
    ok(await hers.add(a), 201)
    guest, created = await guest_cart(api)
    ok(await guest.add(a, 2), 201)
    ok(await guest.add(b), 201)
    merge = {"basket_id": guest.id, "token": created["token"]}
    assert_problem(await api.client.post("/api/v1/me/basket/merge", json=merge), 401)
    wrong = await api.client.post("/api/v1/me/basket/merge", json={**merge, "token": "nope"}, headers=ayse.headers)
    assert_problem(wrong, 404)
    body = ok(await api.client.post("/api/v1/me/basket/merge", json=merge, headers=ayse.headers))
    assert body["id"] == hers.id
    assert sorted((i["variant_id"], i["quantity"]) for i in body["items"]) == sorted([(a["id"], 3), (b["id"], 1)])
    assert ok(await guest.get())["status"] == "merged"
    assert_problem(await guest.add(a), 409, "basket_not_active")


async def test_logging_in_with_a_guest_basket_merges_it(api: Api) -> None:
    goods = await shelf(api)
    variant = await goods.variant()
    account = await api.register()
    guest, created = await guest_cart(api)
    ok(await guest.add(variant, 2), 201)
    response = await api.client.post("/api/v1/auth/token", json={
        "email": account["email"], "password": "correct-horse-9", "basket_id": guest.id,
        "basket_token": created["token"]})  # fmt: skip
    pair = ok(response)
    mine = ok(await api.client.post(BASKETS, json={}, headers={"Authorization": f"Bearer {pair['access_token']}"}),
              201)  # fmt: skip
    assert mine["id"] == guest.id and mine["user_id"] == account["id"] and mine["items"][0]["quantity"] == 2
    assert_problem(await guest.get(), 404)  # the token is spent: the basket is the account's now
    # a merge that cannot happen never fails the login
    for basket_id, token in ((guest.id, "wrong"), (str(uuid.uuid4()), "x")):
        again = await api.client.post("/api/v1/auth/token", json={
            "email": account["email"], "password": "correct-horse-9", "basket_id": basket_id,
            "basket_token": token})  # fmt: skip
        assert again.status_code == 200, again.text


async def test_concurrent_adds_lose_no_line(api: Api) -> None:
    goods = await shelf(api)
    variants = [await goods.variant() for _ in range(4)]
    cart, _ = await guest_cart(api)
    responses = await asyncio.gather(*(cart.add(v) for v in [*variants, variants[0]]))
    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    for r in responses:
        if r.status_code == 409:
            assert_problem(r, 409, "stale_write")
    items = ok(await cart.get())["items"]
    assert sum(i["quantity"] for i in items) == sum(r.status_code == 201 for r in responses)
