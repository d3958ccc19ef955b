"""Paying orders with the sandbox gateway, 3-D Secure callbacks and refunds, on the memory adapters."""

from __future__ import annotations

import html
import re
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.memory.store import MemoryStore
from core.payments.handlers import RefundCancelledOrder
from core.payments.methods import usable_method
from core.payments.use_cases.paying import Callback, CompleteFromCallback, PayForOrder, PayOrder
from core.payments.use_cases.refunds import RefundPayment, RefundRequest
from core.shared.actor import SYSTEM, Actor
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.events import StoredEvent
from core.shared.money import Money
from core.shared.time import utcnow
from ports.payments import PaymentGateways
from tests.unit.conftest import App
from tests.unit.payments.orders import CARD, DECLINED, THREE_DS, place_order

CALLBACKS = "http://shop.test/api/v1/payments/callbacks/"


def customer() -> Actor:
    return Actor(user_id=uuid.uuid4())


async def pay(app: App, actor: Actor | None, order_id: uuid.UUID, card: dict[str, Any] | None = CARD,
              token: str | None = None, method: str = "sandbox") -> Any:  # fmt: skip
    return await app.use(PayForOrder)(PayOrder(actor, order_id, token, method, card, None, CALLBACKS))


def events(app: App, name: str) -> list[Any]:
    return [e for e in app.container.resolve(MemoryStore).outbox if e.name == name]


async def order_of(app: App, order_id: uuid.UUID) -> Any:
    async with app.uow() as uow:
        return await uow.orders.get(order_id)


def approve_fields(page: str, outcome: str = "approve") -> dict[str, str]:
    for form in re.findall(r"<form.*?</form>", page, re.S):
        fields = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', form)}
        if fields.get("outcome") == outcome:
            return fields
    raise AssertionError(page)


def sandbox_page(app: App, redirect_url: str) -> str:
    query = parse_qs(urlsplit(redirect_url).query)
    return str(app.use(PaymentGateways).get("sandbox").page(query["session"][0], query["signature"][0]))


async def test_usable_method_checks_activity_and_bounds(shop: App) -> None:
    async with shop.uow() as uow:
        assert (await usable_method(uow, "sandbox", Money.of("10.00", "TRY"))).code == "sandbox"
        with pytest.raises(Conflict) as unknown:
            await usable_method(uow, "nope", Money.of("10.00", "TRY"))
        assert unknown.value.code == "payment_method_unavailable"
        method = await uow.payment_methods.by_code("sandbox")
        assert method is not None
        method.min_amount, method.max_amount = Decimal("20"), Decimal("100")
        await uow.commit()
    async with shop.uow() as uow:
        for amount in ("19.99", "100.01"):
            with pytest.raises(Conflict) as out:
                await usable_method(uow, "sandbox", Money.of(amount, "TRY"))
            assert out.value.code == "payment_amount_out_of_range"
        method = await uow.payment_methods.by_code("sandbox")
        assert method is not None
        method.is_active = False
        await uow.commit()
    async with shop.uow() as uow:
        with pytest.raises(Conflict) as inactive:
            await usable_method(uow, "sandbox", Money.of("50.00", "TRY"))
        assert inactive.value.code == "payment_method_unavailable"


async def test_a_good_card_pays_and_confirms_the_order_without_keeping_card_data(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id, total="249.90")
    tx = await pay(shop, actor, order_id)
    assert tx.status == "succeeded" and tx.money == Money.of("249.90", "TRY")
    assert (tx.card_bin, tx.card_last4) == ("424242", "4242")
    assert "4242424242424242" not in repr(tx.provider_response) and "123" not in str(tx.provider_response.values())
    assert (await order_of(shop, order_id)).status == "confirmed"
    assert [e.payload["payment_id"] for e in events(shop, "payment.succeeded")] == [str(tx.id)]
    with pytest.raises(Conflict) as again:
        await pay(shop, actor, order_id)
    assert again.value.code == "order_already_paid"


async def test_a_declined_card_fails_and_the_order_may_be_paid_again(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id)
    failed = await pay(shop, actor, order_id, DECLINED)
    assert failed.status == "failed" and failed.error_code == "card_declined"
    assert (await order_of(shop, order_id)).status == "pending"
    assert (await pay(shop, actor, order_id)).status == "succeeded"


@pytest.mark.parametrize(("card", "field"), [
    ({**CARD, "number": "4242424242424241"}, "number"),
    ({**CARD, "exp_year": 2020}, "exp_year"),
    ({**CARD, "exp_month": 13}, "exp_month"),
    ({**CARD, "cvc": "12a"}, "cvc"),
])  # fmt: skip
async def test_bad_cards_are_422_naming_the_field(shop: App, card: dict[str, Any], field: str) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id)
    with pytest.raises(Invalid) as bad:
        await pay(shop, actor, order_id, card)
    assert ("body", "card", field) in [e.loc for e in bad.value.errors]


async def test_someone_elses_order_is_not_found(shop: App) -> None:
    order_id, token = await place_order(shop.uow(), user_id=None)
    with pytest.raises(NotFound):
        await pay(shop, customer(), order_id)
    with pytest.raises(NotFound):
        await pay(shop, None, order_id, token="wrong")
    assert (await pay(shop, None, order_id, token=token)).status == "succeeded"
    mine, _ = await place_order(shop.uow(), user_id=uuid.uuid4())
    with pytest.raises(NotFound):
        await pay(shop, customer(), mine)


async def test_three_d_secure_round_trip_has_one_effect(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id)
    tx = await pay(shop, actor, order_id, THREE_DS)
    assert tx.status == "requires_action" and tx.redirect_url.startswith(
        "http://shop.test/api/v1/payments/sandbox/3ds?"
    )
    with pytest.raises(Conflict) as busy:
        await pay(shop, actor, order_id)
    assert busy.value.code == "payment_in_progress"
    fields = approve_fields(sandbox_page(shop, tx.redirect_url))
    forged = {**fields, "outcome": "approve", "signature": "0" * 64}
    with pytest.raises(Invalid) as bad:
        await shop.use(CompleteFromCallback)(Callback("sandbox", forged))
    assert bad.value.code == "invalid_signature"
    done = await shop.use(CompleteFromCallback)(Callback("sandbox", fields))
    again = await shop.use(CompleteFromCallback)(Callback("sandbox", fields))
    assert done.status == again.status == "succeeded" and done.id == again.id == tx.id
    assert (await order_of(shop, order_id)).status == "confirmed"
    assert len(events(shop, "payment.succeeded")) == 1
    assert len([e for e in events(shop, "order.confirmed") if e.payload["order_id"] == str(order_id)]) == 1


async def test_a_denied_three_d_secure_fails(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id)
    tx = await pay(shop, actor, order_id, THREE_DS)
    denied = approve_fields(sandbox_page(shop, tx.redirect_url), "deny")
    assert (await shop.use(CompleteFromCallback)(Callback("sandbox", denied))).status == "failed"
    assert (await order_of(shop, order_id)).status == "pending"


async def test_a_forged_sandbox_session_page_is_refused(shop: App) -> None:
    with pytest.raises(Invalid):
        shop.use(PaymentGateways).get("sandbox").page("eyJyIjoxfQ", "f" * 64)


async def test_partial_refunds_never_exceed_the_capture(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id, total="100.00")
    tx = await pay(shop, actor, order_id)
    refund = shop.use(RefundPayment)
    first = await refund(RefundRequest(SYSTEM, tx.id, Money.of("60.00", "TRY"), "damaged"))
    assert first.status == "succeeded" and first.provider_refund_id
    with pytest.raises(Conflict) as beyond:
        await refund(RefundRequest(SYSTEM, tx.id, Money.of("40.01", "TRY"), "too much"))
    assert beyond.value.code == "refund_exceeds_captured"
    await refund(RefundRequest(SYSTEM, tx.id, Money.of("40.00", "TRY"), "rest"))
    order = await order_of(shop, order_id)
    assert order.refunded == Money.of("100.00", "TRY")
    assert len(events(shop, "payment.refunded")) == 2 and len(events(shop, "order.refunded")) == 2


async def test_a_failed_payment_cannot_be_refunded(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id)
    tx = await pay(shop, actor, order_id, DECLINED)
    with pytest.raises(Conflict) as refused:
        await shop.use(RefundPayment)(RefundRequest(SYSTEM, tx.id, Money.of("1.00", "TRY"), ""))
    assert refused.value.code == "payment_not_refundable"


async def test_the_cancelled_order_handler_refunds_what_is_left_once(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id, total="80.00")
    tx = await pay(shop, actor, order_id)
    await shop.use(RefundPayment)(RefundRequest(SYSTEM, tx.id, Money.of("30.00", "TRY"), "partial"))
    event = StoredEvent(uuid.uuid4(), "order.cancelled", {"order_id": str(order_id)}, utcnow())
    handler = shop.use(RefundCancelledOrder)
    await handler(event)
    await handler(event)  # a job run twice
    await handler(StoredEvent(uuid.uuid4(), "order.cancelled", {"order_id": str(order_id)}, utcnow()))
    async with shop.uow() as uow:
        refunds = await uow.payment_refunds.of_transaction(tx.id)
        assert sorted(r.amount for r in refunds) == [Decimal("30.00"), Decimal("50.00")]
        assert (await uow.payment_transactions.get(tx.id)).refundable.is_zero


async def test_a_payment_completing_after_the_order_was_cancelled_is_refunded(shop: App) -> None:
    actor = customer()
    order_id, _ = await place_order(shop.uow(), user_id=actor.user_id, total="75.00")
    tx = await pay(shop, actor, order_id, THREE_DS)
    async with shop.uow() as uow:
        order = await uow.orders.get(order_id)
        order.cancel(by=None, at=utcnow(), reason="unpaid too long")
        await uow.commit()
    done = await shop.use(CompleteFromCallback)(
        Callback("sandbox", approve_fields(sandbox_page(shop, tx.redirect_url)))
    )
    assert done.status == "succeeded"
    async with shop.uow() as uow:
        assert (await uow.payment_transactions.get(tx.id)).refundable.is_zero
        assert [r.status for r in await uow.payment_refunds.of_transaction(tx.id)] == ["succeeded"]
        assert (await uow.orders.get(order_id)).status == "cancelled"
