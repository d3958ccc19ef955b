"""iyzico's payment notifications on the memory adapters: verified, applied once, ignored when unknown."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from adapters.payments.iyzico import webhook_signature
from core.payments.use_cases.webhooks import ApplyNotification, Notification
from core.shared.errors import Invalid
from tests.unit.conftest import App
from tests.unit.payments.orders import place_order
from tests.unit.payments.test_payments import events, order_of
from tests.unit.payments.webhooks import iyzico_payment, notice, signature


async def deliver(app: App, payload: dict[str, Any], sig: str | None = None) -> Any:
    return await app.use(ApplyNotification)(Notification("iyzico", payload, signature(payload) if sig is None else sig))


def test_the_documented_v3_signature() -> None:
    """secretKey + iyziEventType + paymentId + paymentConversationId + status, HMAC-SHA256 keyed with the secret."""
    payload = {"iyziEventType": "API_AUTH", "paymentId": "22483975", "paymentConversationId": "c1", "status": "SUCCESS",
               "merchantId": 1}  # fmt: skip
    expected = hmac.new(b"s", b"sAPI_AUTH22483975c1SUCCESS", hashlib.sha256).hexdigest()
    assert webhook_signature("s", payload) == expected


async def test_a_good_notification_applies_once(shop: App) -> None:
    order_id, _ = await place_order(shop.uow())
    tx = await iyzico_payment(shop.uow(), order_id)
    payload = notice(tx)
    done = await deliver(shop, payload)
    assert done is not None and done.status == "succeeded"
    assert (await order_of(shop, order_id)).status == "confirmed"
    again = await deliver(shop, {**payload, "iyziReferenceCode": "another delivery"})
    assert again is not None and again.status == "succeeded"
    assert len(events(shop, "payment.succeeded")) == 1
    assert len([e for e in events(shop, "order.confirmed") if e.payload["order_id"] == str(order_id)]) == 1
    late_failure = await deliver(shop, notice(tx, "FAILURE"))
    assert late_failure.status == "succeeded" and not events(shop, "payment.failed")


async def test_a_failure_fails_the_payment_and_the_order_waits(shop: App) -> None:
    order_id, _ = await place_order(shop.uow())
    tx = await iyzico_payment(shop.uow(), order_id, status="pending")
    done = await deliver(shop, notice(tx, "FAILURE", "API_AUTH"))
    assert done.status == "failed"
    assert (await order_of(shop, order_id)).status == "pending" and len(events(shop, "payment.failed")) == 1


@pytest.mark.parametrize("sig", ["", "0" * 64, "forged"])
async def test_a_forged_or_unsigned_notification_is_refused(shop: App, sig: str) -> None:
    order_id, _ = await place_order(shop.uow())
    tx = await iyzico_payment(shop.uow(), order_id)
    with pytest.raises(Invalid) as caught:
        await deliver(shop, notice(tx), sig)
    assert caught.value.code == "invalid_signature"
    with pytest.raises(Invalid):  # signed with another secret, or a field changed after signing
        await deliver(shop, notice(tx), signature(notice(tx), "someone else's secret"))
    payload = notice(tx, "FAILURE")
    with pytest.raises(Invalid):
        await deliver(shop, {**payload, "status": "SUCCESS"}, signature(payload))
    assert (await order_of(shop, order_id)).status == "pending" and not events(shop, "payment.succeeded")


async def test_unknown_payments_and_intermediate_steps_change_nothing(shop: App) -> None:
    order_id, _ = await place_order(shop.uow())
    tx = await iyzico_payment(shop.uow(), order_id)
    unknown = {**notice(tx), "paymentConversationId": "not ours", "paymentId": "999"}
    assert await deliver(shop, unknown) is None
    other_payment = {**notice(tx), "paymentId": "12345"}  # our reference but another payment id: not believed
    assert await deliver(shop, other_payment) is None
    assert await deliver(shop, notice(tx, "INIT_THREEDS")) is None
    assert await deliver(shop, notice(tx, "SUCCESS", "BALANCE")) is None
    assert (await order_of(shop, order_id)).status == "pending" and not events(shop, "payment.succeeded")


async def test_found_by_the_providers_payment_id_alone(shop: App) -> None:
    order_id, _ = await place_order(shop.uow())
    tx = await iyzico_payment(shop.uow(), order_id)
    payload = {**notice(tx), "paymentConversationId": None}
    assert (await deliver(shop, payload)).status == "succeeded"
