"""Setting up what the rewards tests need — customers, orders moving to delivered, refunds — through the
repositories and the aggregates' own verbs, on any container (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

from core.accounts.model import Account
from core.ordering.model import Order
from core.rewards.model import RewardEntry
from core.shared.money import Money
from core.shared.pagination import PageRequest
from core.shared.time import utcnow
from ports.services import TaskQueue
from ports.uow import UnitOfWork

_n = itertools.count(1)


class Points:
    def __init__(self, container: Any) -> None:
        self.c = container

    def uow(self) -> UnitOfWork:
        return self.c.resolve(UnitOfWork)  # type: ignore[no-any-return]

    async def drain(self) -> None:
        await self.c.resolve(TaskQueue).drain()

    async def customer(self) -> uuid.UUID:
        account = Account(email=f"customer{next(_n)}-{uuid.uuid4().hex[:6]}@example.com", password_hash="x")
        async with self.uow() as uow:
            await uow.accounts.add(account)
            await uow.commit()
        return account.id

    async def order(self, user_id: uuid.UUID | None, *, total: str = "110.00", shipping: str = "10.00",
                    status: str = "shipped") -> Order:  # fmt: skip
        amount, ship = Decimal(total), Decimal(shipping)
        order = Order(number=f"CRS-2026-{next(_n):06d}", user_id=user_id, email=None, currency="TRY", status=status,
                      subtotal_amount=amount - ship, shipping_amount=ship, tax_amount=Decimal(0), total_amount=amount,
                      shipping_address={}, billing_address={}, payment_method="sandbox")  # fmt: skip
        async with self.uow() as uow:
            await uow.orders.add(order)
            await uow.commit()
        return order

    async def deliver(self, order_id: uuid.UUID, *, drain: bool = True) -> None:
        async with self.uow() as uow:
            order = await uow.orders.get(order_id)
            order.move_to("delivered", by=None, at=utcnow())
            await uow.commit()
        if drain:
            await self.drain()

    async def refund(self, order_id: uuid.UUID, amount: str, *, drain: bool = True) -> None:
        async with self.uow() as uow:
            order = await uow.orders.get(order_id)
            order.record_refund(Money.of(amount, "TRY"))
            await uow.commit()
        if drain:
            await self.drain()

    async def balance(self, user_id: uuid.UUID) -> int:
        async with self.uow() as uow:
            return await uow.rewards.balance(user_id)

    async def entries(self, user_id: uuid.UUID) -> list[RewardEntry]:
        """Newest first."""
        async with self.uow() as uow:
            return list((await uow.rewards.history(user_id, PageRequest(limit=100))).items)

    async def held(self, user_id: uuid.UUID) -> int:
        """What the lots still hold: always the balance."""
        async with self.uow() as uow:
            return sum(lot.remaining for lot in await uow.rewards.lots(user_id))
