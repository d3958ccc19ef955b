"""What the ordering context needs from storage: the orders, their numbers, and the lists staff and customers read."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from core.ordering.model import Order
from core.shared.pagination import Page, PageRequest


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None: ...
    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order:
        """The order with its lines and history, or NotFound. `for_update` locks its row until the transaction
        ends (SELECT … FOR UPDATE; SQLite's writers queue anyway), so concurrent status changes go one by one."""
        ...

    async def by_number(self, number: str) -> Order | None: ...
    async def of_user(self, user_id: uuid.UUID, page: PageRequest) -> Page[Order]:
        """The user's orders, newest first."""
        ...

    async def unpaid_before(self, at: datetime, limit: int = 100) -> list[uuid.UUID]:
        """Ids of pending orders placed before `at`, oldest first."""
        ...

    async def placed_by(self, *, user_id: uuid.UUID | None = None, email: str | None = None) -> bool:
        """Whether the user (or, for a guest, the e-mail address) has an order that was not cancelled."""
        ...

    async def next_number(self) -> int:
        """The next value of the order-number sequence, unique across processes (a PostgreSQL SEQUENCE; on
        SQLite a counter row updated in this transaction)."""
        ...

    async def list(self, page: PageRequest, *, status: str | None = None) -> Page[Order]:
        """Every order (staff), newest first, optionally of one status."""
        ...
