"""The payments context follows the orders: a cancelled order gets back what it paid."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from core.payments.use_cases.refunds import RefundPayment, RefundRequest
from core.shared.actor import SYSTEM
from core.shared.errors import Conflict
from core.shared.events import StoredEvent

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


@attrs.define
class RefundCancelledOrder:
    """`order.cancelled`: refund what is left to refund of every succeeded payment of the order. Idempotent: the
    job runner runs it once per event id, a refund is keyed by (payment, event id), and what was refunded
    already is not refunded again."""

    uow: UnitOfWork
    refund: RefundPayment

    async def __call__(self, event: StoredEvent) -> None:
        order_id = uuid.UUID(str(event.payload["order_id"]))
        async with self.uow:
            payments = [(tx.id, tx.refundable) for tx in await self.uow.payment_transactions.of_order(order_id)]
        for transaction_id, left in payments:
            if left.is_zero:
                continue
            try:
                await self.refund(RefundRequest(SYSTEM, transaction_id, left, "order cancelled", event.id))
            except Conflict as exc:
                if exc.code not in ("refund_exceeds_captured", "payment_not_refundable", "duplicate"):
                    raise  # what was left got refunded meanwhile, or this event's refund exists: done
