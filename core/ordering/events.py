"""What the Order aggregate announces (names and payload keys are shared with notifications and payments)."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import attrs

from core.shared.events import Event


@attrs.frozen(kw_only=True)
class OrderEvent(Event):
    """`{order_id, number, user_id, email, language, status, total: money}`, ids as strings."""

    name: ClassVar[str] = "order.event"
    order_id: uuid.UUID
    number: str
    user_id: uuid.UUID | None
    email: str | None
    language: str
    status: str
    total: dict[str, Any]


@attrs.frozen(kw_only=True)
class OrderPlaced(OrderEvent):
    name: ClassVar[str] = "order.placed"


@attrs.frozen(kw_only=True)
class OrderConfirmed(OrderEvent):
    """The order was paid."""

    name: ClassVar[str] = "order.confirmed"


@attrs.frozen(kw_only=True)
class OrderProcessing(OrderEvent):
    name: ClassVar[str] = "order.processing"


@attrs.frozen(kw_only=True)
class OrderShipped(OrderEvent):
    name: ClassVar[str] = "order.shipped"


@attrs.frozen(kw_only=True)
class OrderDelivered(OrderEvent):
    name: ClassVar[str] = "order.delivered"


@attrs.frozen(kw_only=True)
class OrderCancelled(OrderEvent):
    name: ClassVar[str] = "order.cancelled"
    reason: str


@attrs.frozen(kw_only=True)
class OrderRefunded(OrderEvent):
    name: ClassVar[str] = "order.refunded"
    amount: dict[str, Any]


STATUS_EVENTS: dict[str, type[OrderEvent]] = {
    "confirmed": OrderConfirmed,
    "processing": OrderProcessing,
    "shipped": OrderShipped,
    "delivered": OrderDelivered,
}
