"""Standalone discounts in SQL, and the storefront's read of the live ones (no session: a plain connection)."""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, keyset_page
from core.promotions.discounts import Discount, lineage, needs_categories
from core.shared.pagination import Page, PageRequest

d = t.discounts.c


def _live(currency: str | None, at: datetime) -> list[Any]:
    found = [d.is_active, d.is_deleted == sa.false(), d.start_date <= at, sa.or_(d.end_date.is_(None), d.end_date > at)]
    return found if currency is None else [*found, d.currency == currency]


class SqlDiscounts(_Repo):
    model, entity_name = Discount, "discount"

    def __init__(self, uow: Any) -> None:
        super().__init__(uow)
        self.live_memo: dict[str, builtins.list[Discount]] = {}

    async def list(self, page: PageRequest, *, target_type: str | None = None,
                   target_id: uuid.UUID | None = None) -> Page[Discount]:  # fmt: skip
        stmt = sa.select(Discount)
        if target_type is not None:
            stmt = stmt.where(d.target_type == target_type)
        if target_id is not None:
            stmt = stmt.where(d.target_id == target_id)
        return await keyset_page(self.session, stmt, page, [d.created_at, d.id])

    async def live(self, currency: str, at: datetime) -> builtins.list[Discount]:
        """Read once per transaction and currency (a basket change prices its lines twice in one)."""
        if currency not in self.live_memo:
            stmt = sa.select(Discount).where(*_live(currency, at))
            self.live_memo[currency] = list((await self.session.scalars(stmt)).all())
        return self.live_memo[currency]


_COLUMNS = [d.id, d.name, d.target_type, d.target_id, d.discount_type, d.value, d.currency, d.start_date, d.end_date]


async def live_discounts(conn: AsyncConnection, currency: str | None, at: datetime) -> list[Discount]:
    """The live discounts (in `currency`, or in any) read on a connection, as the storefront's views do: plain
    Discounts, not loaded through the ORM."""
    stmt = sa.select(*_COLUMNS).where(*_live(currency, at))
    return [Discount(id=r.id, name=r.name, target_type=r.target_type, target_id=r.target_id,
                     discount_type=r.discount_type, value=r.value, currency=r.currency, start_date=r.start_date,
                     end_date=r.end_date) for r in await conn.execute(stmt)]  # fmt: skip


async def category_lineages(conn: Any, discounts: list[Discount]) -> dict[uuid.UUID, frozenset[uuid.UUID]] | None:
    """Each category's lineage (itself and its ancestors) when some discount targets a category, else None.
    `conn` is a connection or a session."""
    if not needs_categories(discounts):
        return None
    c = t.categories.c
    parents = {r.id: r.parent_id for r in await conn.execute(sa.select(c.id, c.parent_id))}
    return {key: lineage(key, parents) for key in parents}
