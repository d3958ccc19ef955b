"""The points ledger in SQL: plain statements (no mapper). The balance changes only by conditional UPDATEs under
the account row's lock; entries are inserted once per key (ON CONFLICT DO NOTHING)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, insert_for, keyset_page
from core.rewards.model import RewardEntry, fifo
from core.shared.pagination import Page, PageRequest

a = t.reward_accounts.c
e = t.reward_entries.c


def _entry(row: Any) -> RewardEntry:
    return RewardEntry(**row._mapping)


def _values(entry: RewardEntry) -> dict[str, Any]:
    return {c.name: getattr(entry, c.name) for c in t.reward_entries.c}


class SqlRewards(_Repo):
    def _insert(self, table: sa.Table) -> Any:
        return insert_for(self.session, table)

    async def balance(self, user_id: uuid.UUID) -> int:
        found = await self.session.scalar(sa.select(a.balance).where(a.user_id == user_id))
        return int(found or 0)

    async def lock(self, user_id: uuid.UUID, at: datetime) -> int:
        new = self._insert(t.reward_accounts).values(user_id=user_id, balance=0, version=1, updated_at=at)
        await self.session.execute(new.on_conflict_do_nothing(index_elements=["user_id"]))
        stmt = sa.select(a.balance).where(a.user_id == user_id).with_for_update()
        return int(await self.session.scalar(stmt) or 0)

    async def change_balance(self, user_id: uuid.UUID, delta: int, at: datetime) -> bool:
        stmt = (sa.update(t.reward_accounts).where(a.user_id == user_id, a.balance + delta >= 0)
                .values(balance=a.balance + delta, version=a.version + 1, updated_at=at)
                .returning(a.user_id))  # fmt: skip
        return (await self.session.execute(stmt)).first() is not None

    async def record(self, entry: RewardEntry) -> bool:
        stmt = (self._insert(t.reward_entries).values(**_values(entry))
                .on_conflict_do_nothing(index_elements=["key"]).returning(e.id))  # fmt: skip
        return (await self.session.execute(stmt)).first() is not None

    async def by_key(self, key: str) -> RewardEntry | None:
        row = (await self.session.execute(sa.select(t.reward_entries).where(e.key == key))).first()
        return None if row is None else _entry(row)

    async def of_order(self, order_id: uuid.UUID, kind: str | None = None) -> list[RewardEntry]:
        stmt = sa.select(t.reward_entries).where(e.order_id == order_id)
        if kind is not None:
            stmt = stmt.where(e.kind == kind)
        return [_entry(r) for r in await self.session.execute(stmt.order_by(e.created_at, e.id))]

    async def lots(self, user_id: uuid.UUID, *, expired_by: datetime | None = None) -> list[RewardEntry]:
        stmt = sa.select(t.reward_entries).where(e.user_id == user_id, e.remaining > 0)
        if expired_by is not None:
            stmt = stmt.where(e.expires_at <= expired_by)
        return fifo([_entry(r) for r in await self.session.execute(stmt)])

    async def take(self, lot_id: uuid.UUID, points: int) -> None:
        await self.session.execute(sa.update(t.reward_entries).where(e.id == lot_id, e.remaining >= points)
                                   .values(remaining=e.remaining - points))  # fmt: skip

    async def history(self, user_id: uuid.UUID, page: PageRequest) -> Page[RewardEntry]:
        stmt = sa.select(t.reward_entries).where(e.user_id == user_id)
        return await keyset_page(self.session, stmt, page, [e.created_at, e.id], _entry)

    async def users_with_expired(self, at: datetime, limit: int) -> list[uuid.UUID]:
        stmt = (sa.select(e.user_id).where(e.remaining > 0, e.expires_at <= at).group_by(e.user_id)
                .order_by(e.user_id).limit(limit))  # fmt: skip
        return list((await self.session.scalars(stmt)).all())
