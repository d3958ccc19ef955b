"""A 3-D Secure payment we expired that the provider completes after all: accepted while the order still waits
for it, else recorded as captured and refunded in full, once however often the late report comes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from core.payments.use_cases.paying import Callback, CompleteFromCallback
from core.shared.time import utcnow
from tests.unit.conftest import App
from tests.unit.payments.orders import CARD, DECLINED, THREE_DS, place_order
from tests.unit.payments.test_payments import approve_fields, customer, events, order_of, pay, sandbox_page
from tests.unit.payments.test_webhooks import deliver
from tests.unit.payments.webhooks import iyzico_payment, notice


async def expired_three_ds(app: App, next_card: dict[str, Any]) -> tuple[uuid.UUID, Any, Any]:
    """An order, a 3-D Secure payment left waiting past the timeout, and the next attempt (which expires it)."""
    actor = customer()
    order_id, _ = await place_order(app.uow(), user_id=actor.user_id, total="90.00")
    waiting = await pay(app, actor, order_id, THREE_DS)
    async with app.uow() as uow:
        (await uow.payment_transactions.get(waiting.id)).created_at = utcnow() - timedelta(hours=2)
        await uow.commit()
    second = await pay(app, actor, order_id, next_card)
    async with app.uow() as uow:
        expired = await uow.payment_transactions.get(waiting.id)
    assert (expired.status, expired.error_code) == ("failed", "action_expired")
    return order_id, waiting, second


async def complete_late(app: App, waiting: Any) -> Any:
    return await app.use(CompleteFromCallback)(
        Callback("sandbox", approve_fields(sandbox_page(app, waiting.redirect_url)))
    )


async def refunds_of(app: App, transaction_id: uuid.UUID) -> list[Any]:
    async with app.uow() as uow:
        return list(await uow.payment_refunds.of_transaction(transaction_id))


async def test_a_late_success_is_accepted_while_the_order_still_waits(shop: App) -> None:
    order_id, waiting, second = await expired_three_ds(shop, DECLINED)
    assert second.status == "failed"
    done = await complete_late(shop, waiting)
    again = await complete_late(shop, waiting)
    assert done.status == again.status == "succeeded" and done.error_code is None and done.completed_at
    assert (await order_of(shop, order_id)).status == "confirmed"
    assert len(events(shop, "payment.succeeded")) == 1 and not events(shop, "payment.refunded")
    assert await refunds_of(shop, waiting.id) == []


async def test_a_late_success_after_another_payment_is_refunded_once(shop: App) -> None:
    order_id, waiting, second = await expired_three_ds(shop, CARD)
    assert second.status == "succeeded"
    done = await complete_late(shop, waiting)
    again = await complete_late(shop, waiting)
    assert done.status == again.status == "captured_late" and done.error_code == "completed_late"
    assert done.provider_response.get("three_ds") == "approved"
    refunds = await refunds_of(shop, waiting.id)
    assert [(r.status, str(r.amount), r.reason) for r in refunds] == [
        ("succeeded", "90.00", "the payment completed after it had expired")
    ]
    async with shop.uow() as uow:
        assert (await uow.payment_transactions.get(waiting.id)).refundable.is_zero
        assert (await uow.payment_transactions.get(second.id)).status == "succeeded"
        order = await uow.orders.get(order_id)
        assert order.status == "confirmed" and order.refunded_amount == 90
    assert len(events(shop, "payment.succeeded")) == 2  # the second payment's, and the late capture's
    assert [e.payload["payment_id"] for e in events(shop, "payment.refunded")] == [str(waiting.id)]


async def test_a_late_success_for_a_cancelled_order_is_refunded_once(shop: App) -> None:
    order_id, waiting, _ = await expired_three_ds(shop, DECLINED)
    async with shop.uow() as uow:
        (await uow.orders.get(order_id)).cancel(by=None, at=utcnow(), reason="unpaid too long")
        await uow.commit()
    done = await complete_late(shop, waiting)
    await complete_late(shop, waiting)
    assert done.status == "captured_late"
    assert [r.status for r in await refunds_of(shop, waiting.id)] == ["succeeded"]
    assert (await order_of(shop, order_id)).status == "cancelled"
    assert len(events(shop, "payment.refunded")) == 1


async def test_a_late_denial_keeps_the_payment_failed(shop: App) -> None:
    order_id, waiting, _ = await expired_three_ds(shop, DECLINED)
    denied = approve_fields(sandbox_page(shop, waiting.redirect_url), "deny")
    done = await shop.use(CompleteFromCallback)(Callback("sandbox", denied))
    assert (done.status, done.error_code) == ("failed", "3ds_failed")
    assert (await order_of(shop, order_id)).status == "pending"
    assert not events(shop, "payment.succeeded")


async def test_a_webhook_success_for_an_expired_payment_is_accepted_once(shop: App) -> None:
    order_id, _ = await place_order(shop.uow())
    tx = await iyzico_payment(shop.uow(), order_id)
    async with shop.uow() as uow:
        (await uow.payment_transactions.get(tx.id)).expire(utcnow())
        await uow.commit()
    payload = notice(tx)
    done = await deliver(shop, payload)
    again = await deliver(shop, {**payload, "iyziReferenceCode": "another delivery"})
    assert done.status == again.status == "succeeded"
    assert (await order_of(shop, order_id)).status == "confirmed"
    assert len(events(shop, "payment.succeeded")) == 1
