"""Refunds, and staff reads of payments.

A refund first reserves its amount on the transaction under the row lock (`reserve_refund`: 409 beyond what
is left), commits, then asks the gateway; a refused refund gives the amount back. So concurrent refunds
never sum above the capture, and the gateway is never called inside a database transaction.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from core.catalog.model import text
from core.payments.gateway import RefundResult
from core.payments.model import PaymentRefund, PaymentTransaction
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import DomainError
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest
from core.shared.time import utcnow

if TYPE_CHECKING:
    from ports.payments import PaymentGateways
    from ports.uow import UnitOfWork


@attrs.frozen
class RefundRequest:
    actor: Actor
    transaction_id: uuid.UUID
    amount: Money
    reason: str
    source_event_id: uuid.UUID | None = None


@attrs.define
class RefundPayment:
    uow: UnitOfWork
    gateways: PaymentGateways

    async def __call__(self, cmd: RefundRequest) -> PaymentRefund:
        reason = text("reason", cmd.reason, 500)
        async with self.uow:
            tx = await self.uow.payment_transactions.locked(cmd.transaction_id)
            tx.reserve_refund(cmd.amount)
            provider = await self.uow.payment_providers.by_code(tx.provider_code)
            config = dict(provider.configuration) if provider is not None else {}
            refund = PaymentRefund(transaction_id=tx.id, order_id=tx.order_id, amount=cmd.amount.amount,
                                   currency=cmd.amount.currency, reason=reason,
                                   source_event_id=cmd.source_event_id)  # fmt: skip
            await self.uow.payment_refunds.add(refund)
            await audit(self.uow, cmd.actor, "payment.refund", "payment", tx.id,
                        {"amount": [None, str(cmd.amount)], "reason": [None, reason]})  # fmt: skip
            await self.uow.commit()
        gateway = self.gateways.get(tx.provider_code)
        try:
            result = await gateway.refund(config, tx, cmd.amount, str(refund.id))
        except DomainError as exc:
            result = RefundResult(False, error_message=exc.detail)
        async with self.uow:
            tx = await self.uow.payment_transactions.locked(cmd.transaction_id)
            refund = await self.uow.payment_refunds.get(refund.id)
            refund.status, refund.processed_at = ("succeeded" if result.succeeded else "failed"), utcnow()
            refund.provider_refund_id, refund.provider_response = result.provider_refund_id, result.raw
            refund.error_message = result.error_message
            if result.succeeded:
                order = await self.uow.orders.get(tx.order_id)
                order.record_refund(cmd.amount)
                tx.refunded_event(cmd.amount)
            else:
                tx.release_refund(cmd.amount)
            await self.uow.commit()
        return refund


@attrs.define
class GetPayment:
    uow: UnitOfWork

    async def __call__(self, transaction_id: uuid.UUID) -> tuple[PaymentTransaction, list[PaymentRefund]]:
        async with self.uow:
            tx = await self.uow.payment_transactions.get(transaction_id)
            return tx, await self.uow.payment_refunds.of_transaction(tx.id)


@attrs.frozen
class PaymentQuery:
    page: PageRequest
    order_id: uuid.UUID | None = None


@attrs.define
class ListPayments:
    uow: UnitOfWork

    async def __call__(self, q: PaymentQuery) -> Page[PaymentTransaction]:
        async with self.uow:
            return await self.uow.payment_transactions.list(q.page, order_id=q.order_id)
