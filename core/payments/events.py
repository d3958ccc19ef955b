"""What the payments context tells the others: a payment succeeded, failed, or was (partly) refunded."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import attrs

from core.shared.events import Event


@attrs.frozen(kw_only=True)
class _PaymentEvent(Event):
    payment_id: uuid.UUID
    order_id: uuid.UUID
    amount: dict[str, Any]  # money as {amount, currency}


@attrs.frozen(kw_only=True)
class PaymentSucceeded(_PaymentEvent):
    name: ClassVar[str] = "payment.succeeded"


@attrs.frozen(kw_only=True)
class PaymentFailed(_PaymentEvent):
    name: ClassVar[str] = "payment.failed"


@attrs.frozen(kw_only=True)
class PaymentRefunded(_PaymentEvent):
    name: ClassVar[str] = "payment.refunded"
