"""Memory repositories: what a use case sees is the same as with SQL, minus the disk."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from core.accounts.model import Account, AuthSession, OneTimeToken, RefreshToken, Role, TokenPurpose
from core.platform.model import AuditEntry, DeadLetter, Language, SettingOverride
from core.shared.entity import Entity
from core.shared.errors import NotFound
from core.shared.events import StoredEvent
from core.shared.pagination import Page, PageRequest, encode_cursor
from core.shared.text import search_key
from ports.platform import AuditQuery

if TYPE_CHECKING:
    from adapters.memory.uow import MemoryUnitOfWork


class _Repo:
    """Rows are stored as plain field dicts and rebuilt through the class's constructor, so the memory
    adapters work the same whether or not the SQL mappers have instrumented the domain classes."""

    table = ""
    entity_name = "resource"
    model: type[Any] | None = None

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow
        self.store = uow.store

    def _load(self, key: Any, *, include_deleted: bool = False) -> Any | None:
        row = self.uow.identity.get((self.table, key))
        if row is None:
            data = self.store.read(self.table, key)
            if data is None:
                return None
            row = self.restore(data)
        if getattr(row, "is_deleted", False) and not include_deleted:
            return None
        return self._keep(key, row)

    def _keep(self, key: Any, row: Any) -> Any:
        if (self.table, key) not in self.uow.identity:
            self.uow.identity[(self.table, key)] = row
            self.uow.snapshots[(self.table, key)] = _state(self.dump(row))
        if isinstance(row, Entity):
            self.uow.track(row)
        return self.uow.identity[(self.table, key)]

    def dump(self, row: Any) -> Any:
        """The row as the store keeps it: its fields (not its events), or the value itself."""
        return fields_of(row) if attrs.has(type(row)) else row

    def restore(self, data: Any) -> Any:
        """A fresh object from what `dump` stored (the store hands out copies)."""
        return data if self.model is None else rebuild(self.model, data)

    def _all(self, include_deleted: bool = False) -> list[Any]:
        keys = set(self.store.tables[self.table]) | {k for (t, k) in self.uow.identity if t == self.table}
        rows = [self._load(k, include_deleted=include_deleted) for k in keys]
        return [r for r in rows if r is not None]

    async def add(self, row: Any) -> None:
        self.uow.new.add((self.table, row.id))
        self._keep(row.id, row)

    async def get(self, key: uuid.UUID) -> Any:
        row = self._load(key)
        if row is None:
            raise NotFound(f"no {self.entity_name} with id {key}")
        return row


def fields_of(obj: Any) -> dict[str, Any]:
    """An attrs object's fields by name, without its event list."""
    return {f.name: getattr(obj, f.name) for f in attrs.fields(type(obj)) if f.name != "events"}


def rebuild(cls: type[Any], data: dict[str, Any]) -> Any:
    """An object of `cls` from `fields_of`'s dict: through its constructor, then the fields it does not take."""
    fields = attrs.fields(cls)
    obj = cls(**{f.name: data[f.name] for f in fields if f.init and f.name in data})
    for f in fields:
        if not f.init and f.name in data:
            setattr(obj, f.name, data[f.name])
    return obj


def _state(dumped: Any) -> Any:
    """What counts as a change: every stored field but the update stamps."""
    if not isinstance(dumped, dict):
        return dumped
    return {k: copy.deepcopy(v) for k, v in dumped.items() if k not in ("updated_at", "updated_by")}


def _page(rows: list[Any], page: PageRequest, key: Callable[[Any], tuple[Any, ...]]) -> Page[Any]:
    """Newest first by `key`, keyset cursor after the last row given."""
    rows = sorted(rows, key=key, reverse=True)
    position = page.position()
    if position is not None:
        rows = [r for r in rows if tuple(str(k) for k in key(r)) < tuple(position)]
    items = rows[: page.limit]
    more = len(rows) > page.limit
    return Page(items, encode_cursor(key(items[-1])) if more else None)


def _created(r: Any) -> tuple[Any, ...]:
    return (r.created_at.isoformat(), str(r.id))


class MemoryAccounts(_Repo):
    """Keeps role ids, not role copies, so a role's change shows in every account holding it."""

    table, entity_name, model = "accounts", "account", Account

    def dump(self, row: Any) -> Any:
        stored = super().dump(row)
        stored["roles"] = [r.id for r in row.roles]
        return stored

    def restore(self, data: Any) -> Any:
        roles = (self.uow.roles._load(role_id) for role_id in data["roles"])
        return super().restore({**data, "roles": [r for r in roles if r is not None]})

    async def by_email(self, email: str) -> Account | None:
        return next((a for a in self._all() if a.email == email), None)

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Account]:
        rows = self._all()
        if q:
            rows = [a for a in rows if search_key(q) in a.search_text()]
        return _page(rows, page, _created)


class MemoryRoles(_Repo):
    table, entity_name, model = "roles", "role", Role

    async def by_code(self, code: str) -> Role | None:
        return next((r for r in self._all() if r.code == code), None)

    async def list(self) -> list[Role]:
        return sorted(self._all(), key=lambda r: r.code)


class MemorySessions(_Repo):
    table, entity_name, model = "sessions", "session", AuthSession

    async def get(self, session_id: uuid.UUID) -> AuthSession | None:
        return self._load(session_id)

    async def live_for(self, account_id: uuid.UUID, now: datetime) -> list[AuthSession]:
        return [s for s in self._all() if s.account_id == account_id and s.is_live(now)]

    async def add_refresh(self, token: RefreshToken) -> None:
        await self.uow.refresh_tokens.add(token)

    async def refresh_by_hash(self, token_hash: str) -> RefreshToken | None:
        return next((t for t in self.uow.refresh_tokens._all() if t.token_hash == token_hash), None)

    async def claim_refresh(self, token_id: uuid.UUID, at: datetime) -> bool:
        return self.uow.claim(self.uow.refresh_tokens, token_id, at)


class MemoryRefreshTokens(_Repo):
    table, model = "refresh_tokens", RefreshToken


class MemoryOneTimeTokens(_Repo):
    table, model = "one_time_tokens", OneTimeToken

    async def find(self, purpose: TokenPurpose, token_hash: str) -> OneTimeToken | None:
        return next((t for t in self._all() if t.purpose == purpose and t.token_hash == token_hash), None)

    async def latest(self, account_id: uuid.UUID, purpose: TokenPurpose) -> OneTimeToken | None:
        rows = [t for t in self._all() if t.account_id == account_id and t.purpose == purpose]
        return max(rows, key=lambda t: t.created_at, default=None)

    async def claim(self, token_id: uuid.UUID, at: datetime) -> bool:
        return self.uow.claim(self, token_id, at)

    async def count_attempt(self, token_id: uuid.UUID) -> int:
        token = await self.get(token_id)
        token.attempts += 1
        return int(token.attempts)


class MemorySettingOverrides(_Repo):
    table, model = "setting_overrides", SettingOverride

    async def all(self) -> dict[str, Any]:
        return {o.key: o.value for o in self._all()}

    async def put(self, key: str, value: Any, by: uuid.UUID | None) -> None:
        self.uow.removed.discard((self.table, key))
        self.uow.new.add((self.table, key))
        self.uow.identity[(self.table, key)] = SettingOverride(key=key, value=value, updated_by=by)

    async def remove(self, key: str) -> None:
        self.uow.identity.pop((self.table, key), None)
        self.uow.removed.add((self.table, key))

    def _all(self, include_deleted: bool = False) -> list[Any]:
        return [r for r in super()._all() if (self.table, r.key) not in self.uow.removed]


class MemoryLanguages(_Repo):
    table, model = "languages", Language

    async def by_code(self, iso639_1: str) -> Language | None:
        return next((lang for lang in self._all() if lang.iso639_1 == iso639_1), None)

    async def list(self, *, system_only: bool = False) -> list[Language]:
        rows = [lang for lang in self._all() if lang.is_system_language or not system_only]
        return sorted(rows, key=lambda lang: lang.name)


class MemoryAuditLog(_Repo):
    table, model = "audit_log", AuditEntry

    async def list(self, query: AuditQuery, page: PageRequest) -> Page[AuditEntry]:
        rows = [e for e in self._all() if _matches(e, query)]
        return _page(rows, page, lambda e: (e.at.isoformat(), str(e.id)))


def _matches(e: AuditEntry, q: AuditQuery) -> bool:
    return (
        (q.actor_id is None or e.actor_id == q.actor_id)
        and (q.target_type is None or e.target_type == q.target_type)
        and (q.target_id is None or e.target_id == q.target_id)
        and (q.since is None or e.at >= q.since)
        and (q.until is None or e.at < q.until)
    )


class MemoryDeadLetters(_Repo):
    table, entity_name, model = "dead_letters", "dead letter", DeadLetter

    async def list(self, page: PageRequest) -> Page[DeadLetter]:
        return _page(self._all(), page, lambda d: (d.failed_at.isoformat(), str(d.id)))


class MemoryProcessedEvents(_Repo):
    table = "processed_events"

    async def seen(self, event_id: uuid.UUID, handler: str) -> bool:
        return self._load((event_id, handler)) is not None

    async def mark(self, event_id: uuid.UUID, handler: str) -> None:
        self.uow.new.add((self.table, (event_id, handler)))
        self._keep((event_id, handler), True)


class MemoryOutbox:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow
        self.store = uow.store

    async def pending(self, limit: int) -> list[StoredEvent]:
        done = self.store.dispatched.keys() | {i for i, _ in self.uow.dispatched}
        waiting = [e for e in self.store.outbox if e.id not in done]
        return sorted(waiting, key=lambda e: (e.occurred_at, str(e.id)))[:limit]

    async def mark_dispatched(self, ids: Iterable[uuid.UUID], at: datetime) -> None:
        self.uow.dispatched.update((i, at) for i in ids)  # written on commit, like the SQL adapter's UPDATE

    async def prune(self, before: datetime) -> int:
        doomed = {i for i, at in self.store.dispatched.items() if at < before}
        self.uow.pruned |= doomed
        return len(doomed)
