"""Paying an order, and finishing a 3-D Secure payment from the provider's callback.

The gateway is never called inside a database transaction. A payment is written `pending` first (a unique
index allows one open payment per order: no second charge), the gateway is asked, and its answer is
settled under the transaction's row lock, together with `order.mark_paid` when it succeeded. A callback
first claims the payment (requires_action -> pending) under the lock, so a second delivery, or one racing the
client, finds nothing to do: one effect. A payment we had failed that the provider reports captured after all
(3-D Secure finished after it expired) is accepted if the order still wants it, else refunded (`_settle_late`).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from core.payments.gateway import Card, ChargeRequest, GatewayResult, InstallmentOption
from core.payments.methods import usable_method_and_provider
from core.payments.model import OPEN_STATUSES, PaymentTransaction
from core.payments.settings import ACTION_TIMEOUT_MINUTES
from core.payments.use_cases.refunds import RefundPayment, RefundRequest
from core.shared.actor import SYSTEM, Actor
from core.shared.errors import Conflict, DomainError, Invalid, NotFound
from core.shared.money import Money
from core.shared.time import utcnow

if TYPE_CHECKING:
    from ports.payments import PaymentGateways
    from ports.services import RuntimeSettings
    from ports.uow import UnitOfWork


@attrs.frozen
class PayOrder:
    actor: Actor | None
    order_id: uuid.UUID
    order_token: str | None
    payment_method: str
    card: dict[str, Any] | None
    installments: int | None
    callback_base: str  # the callback route without the provider's code: .../payments/callbacks/
    client_ip: str = ""


async def readable_order(uow: UnitOfWork, actor: Actor | None, order_id: uuid.UUID, token: str | None) -> Any:
    """The order if this caller may see it (its owner, or the guest with its token); else 404."""
    try:
        order = await uow.orders.get(order_id)
    except NotFound:
        order = None
    if order is None or not order.can_be_read_by(actor.user_id if actor else None, token):
        raise NotFound(f"no order with id {order_id}")
    return order


def _card(cmd: PayOrder) -> Card:
    if cmd.card is None:
        raise Invalid.field("card", "this payment method needs a card")
    c = cmd.card
    return Card.checked(c.get("number"), c.get("exp_month"), c.get("exp_year"), c.get("cvc"), c.get("holder"),
                        utcnow().date())  # fmt: skip


def _installments(value: int | None) -> int:
    if value is None:
        return 1
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        raise Invalid.field("installments", "from 1 to 12")
    return value


async def settle(uow: UnitOfWork, transaction_id: uuid.UUID, result: GatewayResult) -> tuple[PaymentTransaction, str]:
    """Record the gateway's answer once, under the row lock; a success confirms the order in the same transaction.
    Returns the transaction and, when its money must go back (`refund_if_needed`), why; else ""."""
    now, refund_reason = utcnow(), ""
    async with uow:
        tx = await uow.payment_transactions.locked(transaction_id)
        if tx.status == "failed" and result.status == "succeeded":
            refund_reason = await _settle_late(uow, tx, result, now)
        elif tx.settle(result, now) and tx.status == "succeeded":
            order = await uow.orders.get(tx.order_id)
            try:
                order.mark_paid(now)
            except Conflict:
                refund_reason = "the order was cancelled during the payment"
        await uow.commit()
    return tx, refund_reason


async def _settle_late(uow: UnitOfWork, tx: PaymentTransaction, result: GatewayResult, now: datetime) -> str:
    """A success reported for a payment we had failed: the provider captured the money after all (3-D Secure
    completed after the payment expired, or a failure it contradicts). A shop wants the sale, so when the order
    is still pending and no other payment of it is open, the late payment is accepted and confirms the order,
    as if in time. Otherwise (the order was cancelled, or paid or being paid by another attempt) keeping it
    would charge twice or for nothing: the capture is recorded and its whole amount refunded."""
    expired = tx.error_code in ("action_expired", "action_completing")
    order = await uow.orders.get(tx.order_id)
    others = [x for x in await uow.payment_transactions.of_order(tx.order_id)
              if x.id != tx.id and x.status in OPEN_STATUSES]  # fmt: skip
    accept = order.status == "pending" and not others
    tx.settle_late(result, now, accept=accept)
    if accept:
        order.mark_paid(now)
        return ""
    return "the payment completed after it had " + ("expired" if expired else "failed")


async def refund_if_needed(refund: RefundPayment, tx: PaymentTransaction, reason: str) -> None:
    """Give back the whole capture `settle` said must go back (a reason); once, by the caller whose settle
    made the move."""
    if reason:
        await refund(RefundRequest(SYSTEM, tx.id, tx.money, reason))


@attrs.define
class PayForOrder:
    uow: UnitOfWork
    gateways: PaymentGateways
    settings: RuntimeSettings
    refund: RefundPayment

    async def __call__(self, cmd: PayOrder) -> PaymentTransaction:
        card, installments = _card(cmd), _installments(cmd.installments)
        timeout = timedelta(minutes=await self.settings.get(ACTION_TIMEOUT_MINUTES))
        async with self.uow:
            order = await readable_order(self.uow, cmd.actor, cmd.order_id, cmd.order_token)
            if order.status == "cancelled":
                raise Conflict("this order is cancelled", code="order_not_payable")
            if order.status != "pending":
                raise Conflict("this order is paid already", code="order_already_paid")
            method, provider = await usable_method_and_provider(self.uow, cmd.payment_method, order.total)
            gateway = self.gateways.get(provider.code)
            now = utcnow()
            for earlier in await self.uow.payment_transactions.of_order(order.id):
                if earlier.status == "requires_action" and earlier.created_at < now - timeout:
                    earlier.expire(now)
                elif earlier.status == "succeeded":
                    raise Conflict("this order is paid already", code="order_already_paid")
                elif earlier.status in ("pending", "requires_action"):
                    raise Conflict("another payment of this order is under way", code="payment_in_progress")
            tx = PaymentTransaction(
                order_id=order.id, method_id=method.id, method_code=method.code, provider_code=provider.code,
                amount=order.total.amount, currency=order.total.currency, installments=installments,
                card_bin=card.bin, card_last4=card.last4,
            )  # fmt: skip
            await self.uow.payment_transactions.add(tx)
            await self.uow.commit()  # the unique open-payment index refuses a concurrent second one (409)
            config, number = dict(provider.configuration), order.number
            buyer, email = str(order.user_id or ""), order.email or ""
        request = ChargeRequest(reference=str(tx.id), order_number=number, amount=tx.money, card=card,
                                installments=installments, callback_url=cmd.callback_base + provider.code,
                                buyer_id=buyer, buyer_email=email, client_ip=cmd.client_ip)  # fmt: skip
        try:
            result = await gateway.charge(config, request)
        except DomainError as exc:
            result = GatewayResult("failed", error_code=exc.code, error_message=exc.detail)
        tx, refund_reason = await settle(self.uow, tx.id, result)
        await refund_if_needed(self.refund, tx, refund_reason)
        return tx


@attrs.frozen
class Callback:
    provider_code: str
    fields: dict[str, str]


@attrs.define
class CompleteFromCallback:
    """A provider's 3-D Secure callback: verified, then applied once."""

    uow: UnitOfWork
    gateways: PaymentGateways
    refund: RefundPayment

    async def __call__(self, cmd: Callback) -> PaymentTransaction:
        async with self.uow:
            provider = await self.uow.payment_providers.by_code(cmd.provider_code)
            if provider is None:
                raise NotFound(f"no payment provider {cmd.provider_code!r}")
            config = dict(provider.configuration)
        gateway = self.gateways.get(provider.code)
        reference = gateway.callback_reference(config, cmd.fields)  # a forged callback stops here (422)
        try:
            transaction_id = uuid.UUID(reference)
        except ValueError:
            raise NotFound("no payment with this reference") from None
        async with self.uow:
            tx = await self.uow.payment_transactions.locked(transaction_id)
            if tx.provider_code != provider.code:
                raise NotFound("no payment with this reference")
            if not tx.claim_completion():
                return tx  # delivered before, or raced by another delivery: nothing more to do
            await self.uow.commit()  # claimed: the next delivery finds nothing to do
        try:
            result = await gateway.complete(config, cmd.fields)
        except DomainError as exc:
            result = GatewayResult("failed", error_code=exc.code, error_message=exc.detail)
        tx, refund_reason = await settle(self.uow, transaction_id, result)
        await refund_if_needed(self.refund, tx, refund_reason)
        return tx


@attrs.frozen
class OrderPaymentQuery:
    actor: Actor | None
    order_id: uuid.UUID
    order_token: str | None
    payment_id: uuid.UUID


@attrs.define
class GetOrderPayment:
    """A customer's view of one payment of their order (e.g. after 3-D Secure)."""

    uow: UnitOfWork

    async def __call__(self, q: OrderPaymentQuery) -> PaymentTransaction:
        async with self.uow:
            order = await readable_order(self.uow, q.actor, q.order_id, q.order_token)
            tx = await self.uow.payment_transactions.get(q.payment_id)
            if tx.order_id != order.id:
                raise NotFound(f"no payment with id {q.payment_id}")
            return tx


@attrs.define
class ActionPage:
    """The provider's 3-D Secure form for a payment waiting for it (iyzico's threeDSHtmlContent)."""

    uow: UnitOfWork

    async def __call__(self, transaction_id: uuid.UUID) -> str:
        import base64

        async with self.uow:
            tx = await self.uow.payment_transactions.get(transaction_id)
        content = tx.provider_response.get("threeDSHtmlContent")
        if tx.status != "requires_action" or not isinstance(content, str):
            raise NotFound("no 3-D Secure step is waiting for this payment")
        try:
            return base64.b64decode(content).decode()
        except ValueError:
            raise NotFound("no 3-D Secure step is waiting for this payment") from None


@attrs.frozen
class InstallmentQuery:
    payment_method: str
    bin_number: str
    amount: Money


@attrs.define
class InstallmentOptions:
    uow: UnitOfWork
    gateways: PaymentGateways

    async def __call__(self, q: InstallmentQuery) -> list[InstallmentOption]:
        if not (q.bin_number.isascii() and q.bin_number.isdigit() and 6 <= len(q.bin_number) <= 8):
            raise Invalid("the BIN is the card number's first 6 to 8 digits", code="invalid_bin",
                          errors=[])  # fmt: skip
        async with self.uow:
            _, provider = await usable_method_and_provider(self.uow, q.payment_method, q.amount)
            config = dict(provider.configuration)
        return await self.gateways.get(provider.code).installments(config, q.bin_number, q.amount)
