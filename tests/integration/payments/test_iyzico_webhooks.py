"""iyzico's webhook over our HTTP API on SQLite and PostgreSQL: a signed notification applies once, a repeated one
changes nothing, a forged one is refused, an unknown payment is acknowledged; and a notification racing the 3-D
Secure callback (the fake iyzico server's bank form) has one effect; a payment completed after it expired is
accepted while the order waits, else refunded once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from ports.uow import UnitOfWork
from tests.integration.http.conftest import Api, User, assert_problem, running_api
from tests.integration.http.test_payments import order_status, outbox_count
from tests.integration.payments.fake_iyzico import APPROVED, FakeIyzico, bank_form, serving
from tests.unit.payments.orders import CARD, place_order
from tests.unit.payments.webhooks import iyzico_payment, iyzico_provider, notice, notice_about, signature

WEBHOOK = "/api/v1/payments/webhooks/iyzico"


@pytest.fixture
def fake() -> Iterator[FakeIyzico]:
    with serving(secret="sandbox-webhook-secret") as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, tmp_path: Path, fake: FakeIyzico) -> AsyncIterator[Api]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    async with running_api(request.param, url, tmp_path) as built:
        await iyzico_provider(built.resolve(UnitOfWork), api_key=fake.api_key, base_url=fake.url, three_ds=True)
        yield built


def post(api: Api, payload: dict[str, Any], sig: str | None = None) -> Any:
    return api.client.post(WEBHOOK, json=payload, headers={"X-IYZ-SIGNATURE-V3": signature(payload) if sig is None
                                                           else sig})  # fmt: skip


async def test_a_signed_notification_applies_once(api: Api) -> None:
    order_id, _ = await place_order(api.resolve(UnitOfWork))
    tx = await iyzico_payment(api.resolve(UnitOfWork), order_id)
    payload = notice(tx)
    for _ in range(3):  # iyzico retries until it gets a 2xx
        answer = await post(api, payload)
        assert answer.status_code == 204, answer.text
    assert await order_status(api, order_id) == "confirmed"
    assert await outbox_count(api, "payment.succeeded") == 1 and await outbox_count(api, "order.confirmed") == 1


async def test_forged_and_unsigned_notifications_are_refused(api: Api) -> None:
    order_id, _ = await place_order(api.resolve(UnitOfWork))
    tx = await iyzico_payment(api.resolve(UnitOfWork), order_id)
    assert_problem(await post(api, notice(tx), "0" * 64), 422, "invalid_signature")
    assert_problem(await post(api, notice(tx), signature(notice(tx), "guessed")), 422, "invalid_signature")
    unsigned = await api.client.post(WEBHOOK, json=notice(tx))
    assert_problem(unsigned, 422, "invalid_signature")
    assert_problem(await api.client.post(WEBHOOK, content=b"[1]", headers={"Content-Type": "application/json"}),
                   422, "invalid_notification")  # fmt: skip
    assert_problem(await api.client.post(WEBHOOK, content=b"{", headers={"Content-Type": "application/json"}), 400)
    assert await order_status(api, order_id) == "pending" and await outbox_count(api, "payment.succeeded") == 0


async def test_an_unknown_payment_is_acknowledged_and_nothing_changes(api: Api) -> None:
    order_id, _ = await place_order(api.resolve(UnitOfWork))
    tx = await iyzico_payment(api.resolve(UnitOfWork), order_id)
    unknown = {**notice(tx), "paymentConversationId": str(uuid.uuid4()), "paymentId": "1"}
    assert (await post(api, unknown)).status_code == 204
    assert (await post(api, notice(tx, "INIT_THREEDS"))).status_code == 204
    assert await order_status(api, order_id) == "pending" and await outbox_count(api, "payment.succeeded") == 0


async def start_3ds(api: Api, user: User) -> tuple[uuid.UUID, str, dict[str, str]]:
    """A 3-D Secure payment through the fake iyzico: (order id, callback path, the bank form's signed fields)."""
    order_id, _ = await place_order(api.resolve(UnitOfWork), user_id=uuid.UUID(user.id), total="99.90")
    started = await api.client.post(f"/api/v1/orders/{order_id}/payments",
                                    headers={**user.headers, "Idempotency-Key": uuid.uuid4().hex},
                                    json={"payment_method": "card", "card": {**CARD, "number": APPROVED}})  # fmt: skip
    assert started.status_code == 201 and started.json()["status"] == "requires_action", started.text
    callback, fields = bank_form((await api.client.get(urlsplit(started.json()["redirect_url"]).path)).text)
    return order_id, callback, fields


async def test_a_notification_racing_the_callback_has_one_effect(api: Api, fake: FakeIyzico) -> None:
    user = await api.customer()
    for _ in range(3):
        order_id, callback, fields = await start_3ds(api, user)
        payload = notice_about(fields["conversationId"], fields["paymentId"])
        answers = await asyncio.gather(*(api.client.post(callback, data=fields) if n % 2 else post(api, payload)
                                         for n in range(8)))  # fmt: skip
        assert all(a.status_code in (200, 204) for a in answers), [a.text for a in answers]
        assert all(a.json()["status"] in ("pending", "succeeded") for a in answers if a.status_code == 200)
        assert await order_status(api, order_id) == "confirmed"
    assert await outbox_count(api, "payment.succeeded") == 3 and await outbox_count(api, "order.confirmed") == 3
    assert [p for p, _ in fake.requests].count("/payment/3dsecure/auth") <= 3


async def expire_payment(api: Api, transaction_id: uuid.UUID, *, cancel_order: bool) -> None:
    """The 3-D Secure wait timed out (and, if asked, the order was cancelled since)."""
    async with api.resolve(UnitOfWork) as uow:
        tx = await uow.payment_transactions.get(transaction_id)
        tx.expire(tx.created_at)
        if cancel_order:
            (await uow.orders.get(tx.order_id)).cancel(by=None, at=tx.created_at, reason="unpaid too long")
        await uow.commit()


async def test_a_late_webhook_success_is_accepted_while_the_order_waits(api: Api) -> None:
    user = await api.customer()
    order_id, callback, fields = await start_3ds(api, user)
    await expire_payment(api, uuid.UUID(fields["conversationId"]), cancel_order=False)
    payload = notice_about(fields["conversationId"], fields["paymentId"])
    for _ in range(2):
        assert (await post(api, payload)).status_code == 204
    late = await api.client.post(callback, data=fields)  # the customer's browser comes back after all
    assert late.status_code == 200 and late.json()["status"] == "succeeded", late.text
    assert await order_status(api, order_id) == "confirmed"
    assert await outbox_count(api, "payment.succeeded") == 1 and await outbox_count(api, "payment.refunded") == 0


async def test_a_late_callback_for_a_cancelled_order_is_refunded_once(api: Api, fake: FakeIyzico) -> None:
    user = await api.customer()
    order_id, callback, fields = await start_3ds(api, user)
    await expire_payment(api, uuid.UUID(fields["conversationId"]), cancel_order=True)
    answers = [await api.client.post(callback, data=fields) for _ in range(2)]
    assert [(a.status_code, a.json()["status"]) for a in answers] == [(200, "captured_late")] * 2, answers[0].text
    async with api.resolve(UnitOfWork) as uow:
        refunds = await uow.payment_refunds.of_transaction(uuid.UUID(fields["conversationId"]))
    assert [(r.status, r.amount) for r in refunds] == [("succeeded", Decimal("99.90"))]
    assert [p for p, _ in fake.requests].count("/payment/refund") == 1
    assert await order_status(api, order_id) == "cancelled" and await outbox_count(api, "payment.refunded") == 1
