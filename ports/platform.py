"""Storage the platform context needs: setting overrides, languages, audit log, outbox, failed jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

import attrs

from core.platform.model import AuditEntry, DeadLetter, Language
from core.shared.events import StoredEvent
from core.shared.pagination import Page, PageRequest


class SettingOverrideRepository(Protocol):
    async def all(self) -> dict[str, Any]: ...
    async def put(self, key: str, value: Any, by: uuid.UUID | None) -> None: ...
    async def remove(self, key: str) -> None: ...


class LanguageRepository(Protocol):
    async def add(self, language: Language) -> None: ...
    async def by_code(self, iso639_1: str) -> Language | None: ...
    async def list(self, *, system_only: bool = False) -> list[Language]: ...


@attrs.frozen
class AuditQuery:
    actor_id: uuid.UUID | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...
    async def list(self, query: AuditQuery, page: PageRequest) -> Page[AuditEntry]: ...


class DeadLetterRepository(Protocol):
    async def add(self, letter: DeadLetter) -> None: ...
    async def get(self, letter_id: uuid.UUID) -> DeadLetter: ...
    async def list(self, page: PageRequest) -> Page[DeadLetter]: ...


class ProcessedEvents(Protocol):
    """Which (event, handler) pairs have run, so a redelivered event is handled once."""

    async def seen(self, event_id: uuid.UUID, handler: str) -> bool: ...
    async def mark(self, event_id: uuid.UUID, handler: str) -> None: ...


class Outbox(Protocol):
    """Events committed with their change, waiting to be relayed to jobs."""

    async def pending(self, limit: int) -> list[StoredEvent]:
        """Undispatched messages, oldest first, locked against other relays where the database can."""
        ...

    async def mark_dispatched(self, ids: list[uuid.UUID], at: datetime) -> None: ...

    async def prune(self, before: datetime) -> int:
        """Delete events dispatched before `before` (their payloads may carry one-time secrets); the count."""
        ...


@attrs.frozen
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


@attrs.frozen
class IdempotencyRecord:
    request_hash: str
    response: StoredResponse | None  # None while the first request is still running


class IdempotencyStore(Protocol):
    """Idempotency-Key bookkeeping, each call its own short transaction (never the use case's)."""

    async def begin(self, scope: str, key: str, request_hash: str, now: datetime) -> IdempotencyRecord | None:
        """Claim (scope, key) for this request: None when claimed, else the record already there.

        A claim left running for longer than a few minutes (a crashed process) may be taken over."""
        ...

    async def finish(self, scope: str, key: str, response: StoredResponse) -> None: ...
    async def release(self, scope: str, key: str) -> None:
        """Forget the claim (the request failed in a way worth retrying)."""
        ...

    async def prune(self, before: datetime) -> int: ...
