"""Payments over HTTP on SQLite and PostgreSQL: sandbox cards, the 3-D Secure round trip through the sandbox's
page and the callback, BOLA, staff CRUD of providers and methods, refunds."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from adapters.sql.tables import outbox, payment_transactions
from core.shared.time import utcnow
from ports.address import GeoSource
from ports.uow import UnitOfWork
from tests.integration.http.conftest import Api, User, assert_problem, running_api
from tests.integration.http.test_checkout import basket, checkout, prepare, stocked
from tests.unit.address.geo_fixture import fixture_source
from tests.unit.payments.orders import CARD, DECLINED, THREE_DS, place_order, sandbox


async def outbox_count(api: Api, name: str) -> int:
    async with api.resolve("engine").connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(outbox).where(outbox.c.name == name)))


def try_(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "TRY"}


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def paid_order(api: Api, user: User, total: str = "150.00") -> uuid.UUID:
    await sandbox(api.resolve(UnitOfWork))
    order_id, _ = await place_order(api.resolve(UnitOfWork), user_id=uuid.UUID(user.id), total=total)
    return order_id


async def pay(api: Api, order_id: uuid.UUID, headers: dict[str, str], card: dict[str, Any] = CARD) -> Any:
    return await api.client.post(f"/api/v1/orders/{order_id}/payments", headers={**headers, **key()},
                                 json={"payment_method": "sandbox", "card": card})  # fmt: skip


async def order_status(api: Api, order_id: uuid.UUID) -> str:
    async with api.resolve(UnitOfWork) as uow:
        return str((await uow.orders.get(order_id)).status)


def form_of(page: str, outcome: str) -> tuple[str, dict[str, str]]:
    for action, body in re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S):
        fields = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', body)}
        if fields["outcome"] == outcome:
            return html.unescape(action), fields
    raise AssertionError(page)


async def test_the_sandbox_cards(api: Api) -> None:
    user = await api.customer()
    order_id = await paid_order(api, user, "249.90")
    declined = await pay(api, order_id, user.headers, DECLINED)
    assert declined.status_code == 201, declined.text
    assert declined.json()["status"] == "failed" and declined.json()["error"]["code"] == "card_declined"
    assert await order_status(api, order_id) == "pending"
    paid = await pay(api, order_id, user.headers)
    assert paid.status_code == 201, paid.text
    body = paid.json()
    assert body["status"] == "succeeded" and body["amount"] == {"amount": "249.90", "currency": "TRY"}
    assert body["card"] == {"bin": "424242", "last4": "4242"} and "4242424242424242" not in paid.text
    assert await order_status(api, order_id) == "confirmed"
    assert_problem(await pay(api, order_id, user.headers), 409, "order_already_paid")


async def test_payment_needs_an_idempotency_key_and_a_valid_card(api: Api) -> None:
    user = await api.customer()
    order_id = await paid_order(api, user)
    url = f"/api/v1/orders/{order_id}/payments"
    assert_problem(await api.client.post(url, headers=user.headers, json={"payment_method": "sandbox", "card": CARD}),
                   400, "idempotency_key_required")  # fmt: skip
    bad = await pay(api, order_id, user.headers, {**CARD, "number": "4242424242424241"})
    problem = assert_problem(bad, 422, "invalid_card")
    assert ["body", "card", "number"] in [e["loc"] for e in problem["errors"]]
    assert_problem(await pay(api, order_id, user.headers, {**CARD, "exp_month": "12"}), 422)
    assert_problem(await pay(api, order_id, user.headers, {**CARD, "extra": 1}), 422)
    unknown = await api.client.post(url, headers={**user.headers, **key()},
                                    json={"payment_method": "nope", "card": CARD})  # fmt: skip
    assert_problem(unknown, 409, "payment_method_unavailable")


async def test_someone_elses_order_or_payment_is_404(api: Api) -> None:
    owner, other = await api.customer(), await api.customer()
    order_id = await paid_order(api, owner)
    assert_problem(await pay(api, order_id, other.headers), 404)
    assert_problem(await pay(api, order_id, {}), 404)
    paid = (await pay(api, order_id, owner.headers)).json()
    url = f"/api/v1/orders/{order_id}/payments/{paid['id']}"
    assert (await api.client.get(url, headers=owner.headers)).json()["status"] == "succeeded"
    assert_problem(await api.client.get(url, headers=other.headers), 404)
    guest_order, token = await place_order(api.resolve(UnitOfWork), user_id=None)
    assert_problem(await pay(api, guest_order, {"X-Order-Token": "wrong"}), 404)
    assert (await pay(api, guest_order, {"X-Order-Token": str(token)})).json()["status"] == "succeeded"


async def test_three_d_secure_round_trip_over_http(api: Api) -> None:
    user = await api.customer()
    order_id = await paid_order(api, user)
    started = await pay(api, order_id, user.headers, THREE_DS)
    assert started.status_code == 201 and started.json()["status"] == "requires_action", started.text
    redirect = urlsplit(started.json()["redirect_url"])
    page = await api.client.get(f"{redirect.path}?{redirect.query}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    action, fields = form_of(page.text, "approve")
    assert urlsplit(action).path == "/api/v1/payments/callbacks/sandbox"
    forged = await api.client.post(urlsplit(action).path, data={**fields, "signature": "a" * 64})
    assert_problem(forged, 422, "invalid_signature")
    assert await order_status(api, order_id) == "pending"
    done = await api.client.post(urlsplit(action).path, data=fields)
    assert done.status_code == 200 and done.json()["status"] == "succeeded", done.text
    again = await api.client.post(urlsplit(action).path, data=fields)
    assert again.status_code == 200 and again.json()["status"] == "succeeded"
    assert await order_status(api, order_id) == "confirmed"
    assert await outbox_count(api, "payment.succeeded") == 1
    tampered = await api.client.get(f"{redirect.path}?session=eyJ9&signature=00")
    assert_problem(tampered, 422, "invalid_signature")
    assert_problem(await api.client.post(urlsplit(action).path, content=b"{}",
                                         headers={"content-type": "application/json"}), 400)  # fmt: skip
    assert_problem(await api.client.post("/api/v1/payments/callbacks/nope", data=fields), 404)


async def test_three_d_secure_completed_after_it_expired_is_refunded_once(api: Api) -> None:
    """The customer finishes 3-D Secure after the payment expired and the order was paid by another card: the
    capture is recorded and refunded in full, once however often the callback comes."""
    user, staff = await api.customer(), await api.staff("payments.manage")
    order_id = await paid_order(api, user, "120.00")
    started = (await pay(api, order_id, user.headers, THREE_DS)).json()
    redirect = urlsplit(started["redirect_url"])
    action, fields = form_of((await api.client.get(f"{redirect.path}?{redirect.query}")).text, "approve")
    async with api.resolve("engine").begin() as conn:  # the timeout passes
        await conn.execute(sa.update(payment_transactions)
                           .where(payment_transactions.c.id == uuid.UUID(started["id"]))
                           .values(created_at=utcnow() - timedelta(hours=2)))  # fmt: skip
    assert (await pay(api, order_id, user.headers)).json()["status"] == "succeeded"  # expires the first one
    done = await api.client.post(urlsplit(action).path, data=fields)
    again = await api.client.post(urlsplit(action).path, data=fields)
    assert done.status_code == again.status_code == 200, done.text
    assert done.json()["status"] == again.json()["status"] == "captured_late"
    detail = (await api.client.get(f"/api/v1/admin/payments/{started['id']}", headers=staff.headers)).json()
    assert detail["refunded_amount"] == try_("120.00")
    assert [(r["status"], r["reason"]) for r in detail["refunds"]] == [
        ("succeeded", "the payment completed after it had expired")]  # fmt: skip
    assert await order_status(api, order_id) == "confirmed"
    assert await outbox_count(api, "payment.succeeded") == 2 and await outbox_count(api, "payment.refunded") == 1


async def test_methods_crud_needs_the_permission_and_masks_secrets(api: Api) -> None:
    customer, staff = await api.customer(), await api.staff("payments.manage")
    base = "/api/v1/admin/payments"
    assert_problem(await api.client.get(f"{base}/methods", headers=customer.headers), 403)
    assert_problem(await api.client.get(f"{base}/methods"), 401)
    provider = await api.client.post(f"{base}/providers", headers=staff.headers, json={
        "name": "iyzico", "code": "iyzico",
        "configuration": {"api_key": "sandbox-api-key-123456", "secret_key": "sandbox-secret-abcdef", "three_ds": True},
    })  # fmt: skip
    assert provider.status_code == 201, provider.text
    config = provider.json()["configuration"]
    assert config == {"api_key": "****3456", "secret_key": "****cdef", "three_ds": True}
    assert "sandbox-secret-abcdef" not in provider.text
    resent = await api.client.patch(f"{base}/providers/{provider.json()['id']}", headers=staff.headers,
                                    json={"configuration": {**config, "three_ds": False}})  # fmt: skip
    assert resent.status_code == 200 and resent.json()["configuration"]["secret_key"] == "****cdef", resent.text
    async with api.resolve(UnitOfWork) as uow:
        stored = await uow.payment_providers.get(uuid.UUID(provider.json()["id"]))
    assert stored.configuration == {"api_key": "sandbox-api-key-123456", "secret_key": "sandbox-secret-abcdef",
                                    "three_ds": False}  # fmt: skip
    created = await api.client.post(f"{base}/methods", headers=staff.headers, json={
        "name": "Kredi kartı", "code": "card", "provider_id": provider.json()["id"], "commission_rate": "2.49",
        "min_amount": "10", "max_amount": "50000",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    method = created.json()
    assert (method["commission_rate"], method["min_amount"], method["max_amount"]) == ("2.49", "10", "50000")
    dup = await api.client.post(f"{base}/methods", headers=staff.headers, json={
        "name": "Again", "code": "card", "provider_id": provider.json()["id"]})  # fmt: skip
    assert_problem(dup, 409, "duplicate_code")
    bad = await api.client.patch(f"{base}/methods/{method['id']}", headers=staff.headers, json={"min_amount": "60000"})
    assert_problem(bad, 422)
    changed = await api.client.patch(f"{base}/methods/{method['id']}", headers=staff.headers,
                                     json={"max_amount": None, "is_active": False})  # fmt: skip
    assert changed.status_code == 200 and changed.json()["max_amount"] is None and not changed.json()["is_active"]
    listed = await api.client.get(f"{base}/methods", headers=staff.headers)
    assert [m["code"] for m in listed.json()["items"]] == ["card"]
    assert_problem(await api.client.delete(f"{base}/providers/{provider.json()['id']}", headers=staff.headers),
                   409, "provider_in_use")  # fmt: skip
    assert (await api.client.delete(f"{base}/methods/{method['id']}", headers=staff.headers)).status_code == 204
    assert_problem(await api.client.get(f"{base}/methods/{method['id']}", headers=staff.headers), 404)


async def test_refunds_and_staff_reads(api: Api) -> None:
    user, staff = await api.customer(), await api.staff("payments.manage")
    order_id = await paid_order(api, user, "100.00")
    payment = (await pay(api, order_id, user.headers)).json()
    url = f"/api/v1/admin/payments/{payment['id']}/refunds"
    assert_problem(await api.client.post(url, headers={**user.headers}, json={
        "amount": {"amount": "10.00", "currency": "TRY"}, "reason": "x"}), 403)  # fmt: skip
    first = await api.client.post(url, headers=staff.headers, json={"amount": try_("60.00"), "reason": "damaged"})
    assert first.status_code == 201 and first.json()["status"] == "succeeded", first.text
    beyond = await api.client.post(url, headers=staff.headers, json={"amount": try_("40.01"), "reason": "more"})
    assert_problem(beyond, 409, "refund_exceeds_captured")
    assert_problem(await api.client.post(url, headers=staff.headers,
                                         json={"amount": {"amount": 1.5, "currency": "TRY"}}), 422)  # fmt: skip
    detail = await api.client.get(f"/api/v1/admin/payments/{payment['id']}", headers=staff.headers)
    assert detail.json()["refunded_amount"] == {"amount": "60.00", "currency": "TRY"}
    assert [r["amount"]["amount"] for r in detail.json()["refunds"]] == ["60.00"]
    assert "4242424242424242" not in detail.text
    listed = await api.client.get(f"/api/v1/admin/payments?order_id={order_id}", headers=staff.headers)
    assert [p["id"] for p in listed.json()["items"]] == [payment["id"]]
    async with api.resolve(UnitOfWork) as uow:
        assert (await uow.orders.get(order_id)).refunded_amount == 60
    assert_problem(await api.client.get(f"/api/v1/admin/payments/{uuid.uuid4()}", headers=staff.headers), 404)


async def test_checkout_pay_cancel_refunds_the_capture(db_url: tuple[str, str], tmp_path: Path) -> None:
    """The whole path with the ordering context: checkout, a sandbox payment confirms the order, cancelling it
    refunds what was captured (order.cancelled -> the payments handler, through the outbox)."""
    kind, url = db_url
    async with running_api(kind, url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await prepare(api)
        user, staff = await api.customer(), await api.staff("payments.manage")
        basket_id, headers = await basket(api, (await stocked(api, 5, "149.90"), 2), who=user)
        placed = await checkout(api, basket_id, headers)
        assert placed.status_code == 201, placed.text
        order = placed.json()
        paid = await pay(api, uuid.UUID(order["id"]), user.headers)
        assert paid.json()["status"] == "succeeded" and paid.json()["amount"] == order["totals"]["total"]
        assert (await api.client.get(f"/api/v1/orders/{order['id']}", headers=user.headers)).json()["status"] == (
            "confirmed")  # fmt: skip
        cancelled = await api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=user.headers, json={})
        assert cancelled.status_code == 200, cancelled.text
        await api.drain()
        detail = (await api.client.get(f"/api/v1/admin/payments/{paid.json()['id']}", headers=staff.headers)).json()
        assert detail["refunded_amount"] == order["totals"]["total"]
        assert [(r["status"], r["reason"]) for r in detail["refunds"]] == [("succeeded", "order cancelled")]
        assert await outbox_count(api, "payment.refunded") == 1
