"""SQL repositories for the accounts and platform contexts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql import tables as t
from core.accounts.model import Account, AuthSession, OneTimeToken, RefreshToken, Role, TokenPurpose
from core.platform.model import AuditEntry, DeadLetter, Language, SettingOverride
from core.shared.errors import NotFound
from core.shared.events import StoredEvent
from core.shared.pagination import Page, PageRequest, bad_cursor, encode_cursor
from core.shared.text import search_key
from core.shared.time import utcnow
from ports.platform import AuditQuery

if TYPE_CHECKING:
    from adapters.sql.uow import SqlUnitOfWork


class _Repo:
    model: type[Any] = object
    entity_name = "resource"

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow
        self.session: AsyncSession = uow.session

    def _seen(self, obj: Any) -> Any:
        if obj is not None and hasattr(obj, "events"):
            self.uow.track(obj)
        return obj

    async def add(self, obj: Any) -> None:
        self.session.add(obj)
        self._seen(obj)

    async def get(self, key: uuid.UUID) -> Any:
        obj = await self.session.get(self.model, key)
        if obj is None:
            raise NotFound(f"no {self.entity_name} with id {key}")
        return self._seen(obj)

    async def _first(self, stmt: sa.Select[Any]) -> Any:
        return self._seen((await self.session.scalars(stmt.limit(1))).first())


async def keyset_page(session: AsyncSession, stmt: sa.Select[Any], page: PageRequest, order: Sequence[Any],
                      row: Callable[[Any], Any] | None = None) -> Page[Any]:  # fmt: skip
    """Newest first by `order` columns (a timestamp, then id), continuing after the cursor's row. `row` makes
    each item of a plain (not ORM) select."""
    position = page.position()
    if position is not None:
        if len(position) != len(order):
            raise bad_cursor()
        values = [sa.literal(_parse(col, value), col.type) for col, value in zip(order, position, strict=True)]
        stmt = stmt.where(sa.tuple_(*order) < sa.tuple_(*values))
    stmt = stmt.order_by(*(c.desc() for c in order)).limit(page.limit + 1)
    rows = [row(r) for r in await session.execute(stmt)] if row else list((await session.scalars(stmt)).all())
    items = rows[: page.limit]
    if len(rows) <= page.limit:
        return Page(items, None)
    last = items[-1]
    return Page(items, encode_cursor([_attr(last, c) for c in order]))


def like_escaped(text: str) -> str:
    """`text` for a LIKE pattern with `escape="\\"`: its own %, _ and \\ match literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _attr(obj: Any, column: Any) -> Any:
    value = getattr(obj, column.key)
    return value.isoformat() if isinstance(value, datetime) else value


def _parse(column: Any, value: str) -> Any:
    try:
        if isinstance(column.type, sa.Uuid):
            return uuid.UUID(value)
        if column.type.python_type is datetime:
            at = datetime.fromisoformat(value)
            if at.tzinfo is None:  # cursors carry an offset; a naive time is a forged cursor, not a 500
                raise ValueError(value)
            return at
    except (ValueError, NotImplementedError):
        raise bad_cursor() from None
    return value


def insert_for(session: AsyncSession, table: sa.Table) -> Any:
    """An INSERT of this database's dialect, which has `on_conflict_do_nothing` (PostgreSQL or SQLite)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


class SqlAccounts(_Repo):
    model, entity_name = Account, "account"

    async def by_email(self, email: str) -> Account | None:
        return await self._first(sa.select(Account).where(t.accounts.c.email == email))  # type: ignore[no-any-return]

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Account]:
        stmt = sa.select(Account)
        if q:
            stmt = stmt.where(t.accounts.c.search_key.like(f"%{like_escaped(search_key(q))}%", escape="\\"))
        return await keyset_page(self.session, stmt, page, [t.accounts.c.created_at, t.accounts.c.id])


class SqlRoles(_Repo):
    model, entity_name = Role, "role"

    async def by_code(self, code: str) -> Role | None:
        return await self._first(sa.select(Role).where(t.roles.c.code == code))  # type: ignore[no-any-return]

    async def list(self) -> list[Role]:
        return list((await self.session.scalars(sa.select(Role).order_by(t.roles.c.code))).all())


class SqlSessions(_Repo):
    model = AuthSession

    async def get(self, session_id: uuid.UUID) -> AuthSession | None:
        return await self.session.get(AuthSession, session_id)

    async def live_for(self, account_id: uuid.UUID, now: datetime) -> list[AuthSession]:
        c = t.auth_sessions.c
        stmt = sa.select(AuthSession).where(c.account_id == account_id, c.revoked_at.is_(None), c.expires_at > now)
        return list((await self.session.scalars(stmt)).all())

    async def add_refresh(self, token: RefreshToken) -> None:
        self.session.add(token)

    async def refresh_by_hash(self, token_hash: str) -> RefreshToken | None:
        stmt = sa.select(RefreshToken).where(t.refresh_tokens.c.token_hash == token_hash)
        return (await self.session.scalars(stmt)).first()

    async def claim_refresh(self, token_id: uuid.UUID, at: datetime) -> bool:
        return await _claim(self.session, RefreshToken, t.refresh_tokens, token_id, at)


async def _claim(session: AsyncSession, model: Any, table: sa.Table, key: uuid.UUID, at: datetime) -> bool:
    """One conditional UPDATE: of two racing transactions exactly one sees a row change."""
    stmt = (
        sa.update(model)
        .where(table.c.id == key, table.c.used_at.is_(None))
        .values(used_at=at)
        .execution_options(synchronize_session="fetch")  # "evaluate" cannot read plain table columns
    )
    result = await session.execute(stmt)
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


class SqlOneTimeTokens(_Repo):
    model = OneTimeToken

    async def find(self, purpose: TokenPurpose, token_hash: str) -> OneTimeToken | None:
        c = t.one_time_tokens.c
        stmt = sa.select(OneTimeToken).where(c.purpose == purpose, c.token_hash == token_hash)
        return (await self.session.scalars(stmt)).first()

    async def latest(self, account_id: uuid.UUID, purpose: TokenPurpose) -> OneTimeToken | None:
        c = t.one_time_tokens.c
        stmt = (sa.select(OneTimeToken).where(c.account_id == account_id, c.purpose == purpose)
                .order_by(c.created_at.desc()).limit(1))  # fmt: skip
        return (await self.session.scalars(stmt)).first()

    async def claim(self, token_id: uuid.UUID, at: datetime) -> bool:
        return await _claim(self.session, OneTimeToken, t.one_time_tokens, token_id, at)

    async def count_attempt(self, token_id: uuid.UUID) -> int:
        c = t.one_time_tokens.c
        stmt = (sa.update(OneTimeToken).where(c.id == token_id).values(attempts=c.attempts + 1)
                .returning(c.attempts).execution_options(synchronize_session="fetch"))  # fmt: skip
        return int((await self.session.execute(stmt)).scalar_one())


class SqlSettingOverrides(_Repo):
    async def all(self) -> dict[str, Any]:
        rows = await self.session.execute(sa.select(t.setting_overrides.c.key, t.setting_overrides.c.value))
        return {key: value for key, value in rows}

    async def put(self, key: str, value: Any, by: uuid.UUID | None) -> None:
        override = await self.session.get(SettingOverride, key)
        if override is None:
            self.session.add(SettingOverride(key=key, value=value, updated_by=by, updated_at=utcnow()))
        else:
            override.value, override.updated_by, override.updated_at = value, by, utcnow()

    async def remove(self, key: str) -> None:
        await self.session.execute(sa.delete(t.setting_overrides).where(t.setting_overrides.c.key == key))


class SqlLanguages(_Repo):
    model = Language

    async def by_code(self, iso639_1: str) -> Language | None:
        return await self._first(sa.select(Language).where(t.languages.c.iso639_1 == iso639_1))  # type: ignore[no-any-return]

    async def list(self, *, system_only: bool = False) -> list[Language]:
        stmt = sa.select(Language).order_by(t.languages.c.name)
        if system_only:
            stmt = stmt.where(t.languages.c.is_system_language.is_(True))
        return list((await self.session.scalars(stmt)).all())


class SqlAuditLog(_Repo):
    async def list(self, query: AuditQuery, page: PageRequest) -> Page[AuditEntry]:
        c = t.audit_log.c
        stmt = sa.select(AuditEntry)
        for column, value in ((c.actor_id, query.actor_id), (c.target_type, query.target_type),
                              (c.target_id, query.target_id)):  # fmt: skip
            if value is not None:
                stmt = stmt.where(column == value)
        if query.since is not None:
            stmt = stmt.where(c.at >= query.since)
        if query.until is not None:
            stmt = stmt.where(c.at < query.until)
        return await keyset_page(self.session, stmt, page, [c.at, c.id])


class SqlDeadLetters(_Repo):
    model, entity_name = DeadLetter, "dead letter"

    async def list(self, page: PageRequest) -> Page[DeadLetter]:
        return await keyset_page(self.session, sa.select(DeadLetter), page,
                                 [t.dead_letters.c.failed_at, t.dead_letters.c.id])  # fmt: skip


class SqlProcessedEvents(_Repo):
    async def seen(self, event_id: uuid.UUID, handler: str) -> bool:
        c = t.processed_events.c
        stmt = sa.select(sa.literal(1)).where(c.event_id == event_id, c.handler == handler)
        return (await self.session.execute(stmt)).first() is not None

    async def mark(self, event_id: uuid.UUID, handler: str) -> None:
        await self.session.execute(
            sa.insert(t.processed_events).values(event_id=event_id, handler=handler, processed_at=utcnow())
        )


class SqlOutbox(_Repo):
    async def pending(self, limit: int) -> list[StoredEvent]:
        c = t.outbox.c
        stmt = (sa.select(c.id, c.name, c.payload, c.occurred_at).where(c.dispatched_at.is_(None))
                .order_by(c.occurred_at, c.id).limit(limit).with_for_update(skip_locked=True))  # fmt: skip
        return [StoredEvent(r.id, r.name, r.payload, r.occurred_at) for r in await self.session.execute(stmt)]

    async def mark_dispatched(self, ids: list[uuid.UUID], at: datetime) -> None:
        if ids:
            await self.session.execute(sa.update(t.outbox).where(t.outbox.c.id.in_(ids)).values(dispatched_at=at))

    async def prune(self, before: datetime) -> int:
        c = t.outbox.c
        stmt = sa.delete(t.outbox).where(c.dispatched_at.is_not(None), c.dispatched_at < before)
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
