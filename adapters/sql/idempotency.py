from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.sql.repositories import insert_for
from adapters.sql.tables import idempotency_keys as keys
from ports.platform import IdempotencyRecord, StoredResponse

STALE_AFTER = timedelta(minutes=5)


class SqlIdempotencyStore:
    """Rows keyed by (scope, key): INSERT … ON CONFLICT DO NOTHING decides who runs the request."""

    def __init__(self, factory: async_sessionmaker[Any]) -> None:
        self._factory = factory

    async def begin(self, scope: str, key: str, request_hash: str, now: datetime) -> IdempotencyRecord | None:
        async with self._factory() as session, session.begin():
            stmt = (insert_for(session, keys)
                    .values(scope=scope, key=key, request_hash=request_hash, state="in_progress", created_at=now)
                    .on_conflict_do_nothing().returning(keys.c.key))  # fmt: skip
            # RETURNING, not rowcount: psycopg under SQLAlchemy 2.1 reports -1 for this INSERT
            if (await session.execute(stmt)).first() is not None:
                return None
            row = (await session.execute(sa.select(keys).where(keys.c.scope == scope, keys.c.key == key))).one()
            if row.state == "in_progress" and row.created_at < now - STALE_AFTER:
                taken = await session.execute(
                    sa.update(keys)
                    .where(keys.c.scope == scope, keys.c.key == key, keys.c.created_at == row.created_at)
                    .values(request_hash=request_hash, created_at=now)
                )
                if taken.rowcount == 1:
                    return None
            response = StoredResponse(row.status, row.headers or {}, row.body) if row.state == "done" else None
            return IdempotencyRecord(row.request_hash, response)

    async def finish(self, scope: str, key: str, response: StoredResponse) -> None:
        async with self._factory() as session, session.begin():
            await session.execute(
                sa.update(keys).where(keys.c.scope == scope, keys.c.key == key)
                .values(state="done", status=response.status, headers=response.headers, body=response.body)
            )  # fmt: skip

    async def release(self, scope: str, key: str) -> None:
        async with self._factory() as session, session.begin():
            await session.execute(sa.delete(keys).where(keys.c.scope == scope, keys.c.key == key))

    async def prune(self, before: datetime) -> int:
        async with self._factory() as session, session.begin():
            result = await session.execute(sa.delete(keys).where(keys.c.created_at < before))
            return int(result.rowcount)
