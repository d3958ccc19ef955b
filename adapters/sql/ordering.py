"""SQL repository of orders, and the order-number sequence of each database."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, keyset_page
from core.ordering.model import Order
from core.shared.errors import NotFound
from core.shared.pagination import Page, PageRequest

_COUNTER = "orders"


class SqlOrders(_Repo):
    model, entity_name = Order, "order"

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order:
        if not for_update:
            return await super().get(order_id)  # type: ignore[no-any-return]
        # populate_existing: a row this session read before the lock is read again as the lock found it
        stmt = sa.select(Order).where(t.orders.c.id == order_id).with_for_update(of=t.orders)
        found = (await self.session.scalars(stmt.execution_options(populate_existing=True))).first()
        if found is None:
            raise NotFound(f"no order with id {order_id}")
        return self._seen(found)  # type: ignore[no-any-return]

    async def by_number(self, number: str) -> Order | None:
        return await self._first(sa.select(Order).where(t.orders.c.number == number))  # type: ignore[no-any-return]

    async def of_user(self, user_id: uuid.UUID, page: PageRequest) -> Page[Order]:
        stmt = sa.select(Order).where(t.orders.c.user_id == user_id)
        return await keyset_page(self.session, stmt, page, [t.orders.c.created_at, t.orders.c.id])

    async def unpaid_before(self, at: datetime, limit: int = 100) -> list[uuid.UUID]:
        o = t.orders.c
        stmt = (sa.select(o.id).where(o.status == "pending", o.created_at < at, ~o.is_deleted)
                .order_by(o.created_at, o.id).limit(limit))  # fmt: skip
        return list((await self.session.scalars(stmt)).all())

    async def next_number(self) -> int:
        if self.session.get_bind().dialect.name == "postgresql":
            return int((await self.session.execute(sa.select(t.order_numbers.next_value()))).scalar_one())
        c = t.order_number_counter.c
        bumped = await self.session.execute(
            sa.update(t.order_number_counter).where(c.name == _COUNTER).values(value=c.value + 1).returning(c.value)
        )
        value = bumped.scalar_one_or_none()
        if value is None:  # the first order: the counter row starts here (writers queue on SQLite)
            await self.session.execute(sa.insert(t.order_number_counter).values(name=_COUNTER, value=1))
            value = 1
        return int(value)

    async def placed_by(self, *, user_id: uuid.UUID | None = None, email: str | None = None) -> bool:
        o = t.orders.c
        who = o.user_id == user_id if user_id is not None else o.email == email
        stmt = sa.select(o.id).where(who, o.status != "cancelled").limit(1)
        return (await self.session.execute(stmt)).first() is not None

    async def list(self, page: PageRequest, *, status: str | None = None) -> Page[Order]:
        stmt = sa.select(Order)
        if status is not None:
            stmt = stmt.where(t.orders.c.status == status)
        return await keyset_page(self.session, stmt, page, [t.orders.c.created_at, t.orders.c.id])
