"""Orders after checkout over HTTP on SQLite and PostgreSQL: staff move them through the status machine (409s
for anything else, stock consumed on shipping), customers and guests cancel (stock released), nobody else sees
or touches them (404), and the job cancels the unpaid ones."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from adapters.memory.services import FixedClock
from core.ordering.use_cases.orders import CancelUnpaidOrders
from core.shared.time import utcnow
from ports.services import RuntimeSettings
from ports.uow import UnitOfWork
from tests.integration.http.conftest import Api, User, assert_problem
from tests.integration.http.test_checkout import available, basket, checkout, shop_api, stocked

__all__ = ["shop_api"]  # the fixture, shared with the checkout tests


async def order(api: Api, variant: str, quantity: int = 2, who: User | None = None) -> dict[str, Any]:
    basket_id, headers = await basket(api, (variant, quantity), who=who)
    response = await checkout(api, basket_id, headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def stock_row(api: Api, variant: str, staff: User) -> tuple[int, int]:
    rows = (await api.client.get(f"/api/v1/admin/inventory/stock?variant_id={variant}", headers=staff.headers)).json()
    return sum(r["quantity"] for r in rows["items"]), sum(r["reserved_quantity"] for r in rows["items"])


async def set_status(api: Api, order_id: str, status: str, staff: User) -> Any:
    return await api.client.post(f"/api/v1/admin/orders/{order_id}/status", json={"status": status},
                                 headers=staff.headers)  # fmt: skip


async def test_staff_move_an_order_to_delivered_and_shipping_consumes_the_stock(shop_api: Api) -> None:
    api = shop_api
    staff = await api.staff("orders.manage", "inventory.manage")
    variant = await stocked(api, 5)
    placed = await order(api, variant, 2)
    assert await stock_row(api, variant, staff) == (5, 2)
    for status in ("confirmed", "processing", "shipped"):
        moved = await set_status(api, placed["id"], status, staff)
        assert moved.status_code == 200 and moved.json()["status"] == status, moved.text
    assert await stock_row(api, variant, staff) == (3, 0)
    done = (await set_status(api, placed["id"], "delivered", staff)).json()
    assert done["actual_delivery_date"] == utcnow().date().isoformat()
    assert [(h["from_status"], h["to_status"]) for h in done["history"]] == [
        (None, "pending"), ("pending", "confirmed"), ("confirmed", "processing"), ("processing", "shipped"),
        ("shipped", "delivered")]  # fmt: skip
    assert all(h["changed_by"] == staff.id for h in done["history"][1:])
    assert_problem(await set_status(api, placed["id"], "cancelled", staff), 409, "invalid_transition")
    movements = await api.client.get(f"/api/v1/admin/inventory/movements?variant_id={variant}", headers=staff.headers)
    outs = [m for m in movements.json()["items"] if m["movement_type"] == "out"]
    assert [(m["quantity"], m["reference_type"], m["reference_number"]) for m in outs] == [(2, "order", placed["id"])]


@pytest.mark.parametrize(("path", "refused"), [
    ([], "shipped"), ([], "delivered"), (["confirmed"], "pending"), (["cancelled"], "confirmed"),
    (["confirmed", "processing", "shipped"], "cancelled"),
])  # fmt: skip
async def test_other_steps_are_409_invalid_transition(shop_api: Api, path: list[str], refused: str) -> None:
    api = shop_api
    staff = await api.staff("orders.manage")
    placed = await order(api, await stocked(api), 1)
    for status in path:
        assert (await set_status(api, placed["id"], status, staff)).status_code == 200
    assert_problem(await set_status(api, placed["id"], refused, staff), 409, "invalid_transition")
    assert_problem(await set_status(api, placed["id"], "lost", staff), 422)


async def test_status_changes_and_the_order_list_need_orders_manage(shop_api: Api) -> None:
    api = shop_api
    placed = await order(api, await stocked(api), 1)
    clerk = await api.staff("catalog.manage")
    assert_problem(await set_status(api, placed["id"], "confirmed", clerk), 403)
    assert_problem(await api.client.get("/api/v1/admin/orders", headers=clerk.headers), 403)
    assert_problem(await api.client.get(f"/api/v1/orders/{placed['id']}", headers=clerk.headers), 404)
    manager = await api.staff("orders.manage")
    assert_problem(await set_status(api, str(uuid.uuid4()), "confirmed", manager), 404)
    other = await order(api, await stocked(api), 1)
    assert (await set_status(api, other["id"], "cancelled", manager)).status_code == 200
    pending = (await api.client.get("/api/v1/admin/orders?status=pending", headers=manager.headers)).json()
    cancelled = (await api.client.get("/api/v1/admin/orders?status=cancelled&limit=1", headers=manager.headers)).json()
    assert [o["id"] for o in pending["items"]] == [placed["id"]]
    assert [o["id"] for o in cancelled["items"]] == [other["id"]] and cancelled["next_cursor"] is None
    assert_problem(await api.client.get("/api/v1/admin/orders?status=lost", headers=manager.headers), 422)


async def test_customers_and_guests_cancel_their_own_and_the_stock_comes_back(shop_api: Api) -> None:
    api = shop_api
    staff = await api.staff("inventory.manage", "orders.manage")
    variant = await stocked(api, 5)
    ayse, can = await api.customer(), await api.customer()
    mine = await order(api, variant, 2, who=ayse)
    url = f"/api/v1/orders/{mine['id']}/cancel"
    assert_problem(await api.client.post(url, headers=can.headers), 404)
    assert_problem(await api.client.post(url), 404)
    cancelled = await api.client.post(url, headers=ayse.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert await stock_row(api, variant, staff) == (5, 0)
    assert_problem(await api.client.post(url, headers=ayse.headers), 409, "invalid_transition")

    guests = await order(api, variant, 1)
    guest_url = f"/api/v1/orders/{guests['id']}/cancel"
    assert_problem(await api.client.post(guest_url, headers={"X-Order-Token": "wrong"}), 404)
    assert_problem(await api.client.post(guest_url, headers=ayse.headers), 404)
    ok = await api.client.post(guest_url, headers={"X-Order-Token": guests["access_token"]})
    assert ok.status_code == 200 and await available(api, variant) == 5

    shipped = await order(api, variant, 1, who=ayse)
    for status in ("confirmed", "processing", "shipped"):
        await set_status(api, shipped["id"], status, staff)
    assert_problem(await api.client.post(f"/api/v1/orders/{shipped['id']}/cancel", headers=ayse.headers), 409,
                   "invalid_transition")  # fmt: skip
    assert await stock_row(api, variant, staff) == (4, 0)


async def test_unknown_and_foreign_orders_are_404_everywhere(shop_api: Api) -> None:
    api = shop_api
    ayse, can = await api.customer(), await api.customer()
    mine = await order(api, await stocked(api), 1, who=ayse)
    for path in (f"/api/v1/orders/{mine['id']}", f"/api/v1/orders/{uuid.uuid4()}"):
        assert_problem(await api.client.get(path, headers=can.headers), 404)
        assert_problem(await api.client.get(path, headers={"X-Order-Token": "guess"}), 404)
    assert (await api.client.get(f"/api/v1/orders/{mine['id']}", headers=ayse.headers)).status_code == 200
    assert_problem(await api.client.get("/api/v1/orders/not-a-uuid", headers=ayse.headers), 404)


async def test_the_unpaid_job_cancels_old_pending_orders_and_releases_their_stock(shop_api: Api) -> None:
    api = shop_api
    staff = await api.staff("orders.manage")
    variant = await stocked(api, 5)
    unpaid = await order(api, variant, 2)
    paid = await order(api, variant, 1)
    await set_status(api, paid["id"], "confirmed", staff)
    assert await available(api, variant) == 2

    settings = api.resolve(RuntimeSettings)
    now_job = CancelUnpaidOrders(api.resolve(UnitOfWork), FixedClock(utcnow()), settings)
    assert await now_job({}) == 0  # younger than orders.unpaid_cancel_after_minutes (60)
    later_job = CancelUnpaidOrders(api.resolve(UnitOfWork), FixedClock(utcnow() + timedelta(minutes=61)), settings)
    assert await later_job({}) == 1

    got = await api.client.get(f"/api/v1/orders/{unpaid['id']}", headers={"X-Order-Token": unpaid["access_token"]})
    assert got.json()["status"] == "cancelled" and got.json()["history"][-1]["note"] == "unpaid"
    assert await available(api, variant) == 4
    assert (await api.client.get(f"/api/v1/orders/{paid['id']}", headers=staff.headers)).json()["status"] == "confirmed"


async def test_a_sandbox_payment_confirms_the_order_and_cancelling_it_refunds_the_capture(shop_api: Api) -> None:
    api = shop_api
    ayse = await api.customer()
    variant = await stocked(api, 5)
    placed = await order(api, variant, 1, who=ayse)
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123", "holder": "AYSE YILMAZ"}
    paid = await api.client.post(f"/api/v1/orders/{placed['id']}/payments", json={"payment_method": "sandbox",
                                 "card": card}, headers={**ayse.headers, "Idempotency-Key": "pay-1"})  # fmt: skip
    assert paid.status_code == 201 and paid.json()["status"] == "succeeded", paid.text
    confirmed = (await api.client.get(f"/api/v1/orders/{placed['id']}", headers=ayse.headers)).json()
    assert confirmed["status"] == "confirmed" and confirmed["paid_at"] is not None

    cancelled = await api.client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=ayse.headers)
    assert cancelled.status_code == 200 and await available(api, variant) == 5
    await api.drain()  # order.cancelled -> payments refunds what was captured
    await api.drain()
    after = (await api.client.get(f"/api/v1/orders/{placed['id']}", headers=ayse.headers)).json()
    assert after["refunded"] == after["totals"]["total"]
