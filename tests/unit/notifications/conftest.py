"""Notification fixtures: order and stock events committed to the outbox as the ordering and inventory
contexts commit them, then relayed and handled by the in-process job runner."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from core.inventory.events import LowStock
from core.notifications.model import Notification, NotificationEmail
from core.ordering import events as order_events
from core.shared.events import Event
from core.shared.mail import Mail
from tests.unit.conftest import App

ORDER_EVENTS: dict[str, type[order_events.OrderEvent]] = {
    "placed": order_events.OrderPlaced,
    "confirmed": order_events.OrderConfirmed,
    "processing": order_events.OrderProcessing,
    "shipped": order_events.OrderShipped,
    "delivered": order_events.OrderDelivered,
    "cancelled": order_events.OrderCancelled,
    "refunded": order_events.OrderRefunded,
}


def order_event(kind: str, *, user_id: uuid.UUID | None, email: str | None = "ayse@example.com",
                language: str = "tr", number: str = "CRS-2026-000123", total: str = "1234.50",
                order_id: uuid.UUID | None = None) -> order_events.OrderEvent:  # fmt: skip
    extra: dict[str, Any] = {}
    if kind == "cancelled":
        extra["reason"] = "customer request"
    if kind == "refunded":
        extra["amount"] = {"amount": "100.00", "currency": "TRY"}
    return ORDER_EVENTS[kind](order_id=order_id or uuid.uuid4(), number=number, user_id=user_id, email=email,
                              language=language, status=kind, total={"amount": total, "currency": "TRY"},
                              **extra)  # fmt: skip


def low_stock(variant_id: uuid.UUID | None = None) -> LowStock:
    return LowStock(variant_id=variant_id or uuid.uuid4(), warehouse_id=uuid.uuid4(), available=2, minimum=5)


class Notices:
    """Commit events and read what they produced."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def commit(self, *events: Event) -> None:
        async with self.app.uow() as uow:
            for event in events:
                uow.emit(event)
            await uow.commit()
        await self.app.drain()

    def rows(self, table: str) -> list[dict[str, Any]]:
        from adapters.memory.store import MemoryStore

        return self.app.container.resolve(MemoryStore).rows(table)

    def notices(self, user_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
        return [n for n in self.rows("notifications") if user_id is None or n["user_id"] == user_id]

    def emails(self) -> list[dict[str, Any]]:
        return self.rows("notification_emails")

    def mails(self, to: str | None = None) -> list[Mail]:
        return [m for m in self.app.mailer.sent if to is None or m.to == to]


@pytest.fixture
async def notices(app: App) -> Notices:
    return Notices(app)


__all__ = ["Notification", "NotificationEmail"]
