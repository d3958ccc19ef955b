"""Ports for the services the core calls that are not storage: time, secrets, cache, messages, jobs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import attrs

from core.platform.model import Language
from core.shared.mail import Mail
from core.shared.settings import SettingKey

# the value types a runtime setting can have (SettingKey's own constraint)
V = TypeVar("V", int, bool, str, Decimal)


class Clock(Protocol):
    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


@attrs.frozen
class AccessClaims:
    account_id: str
    session_id: str
    expires_at: datetime


class AccessTokens(Protocol):
    """Signs and checks access tokens; a tampered or expired one fails `read` with Unauthenticated."""

    def issue(self, account_id: str, session_id: str, expires_at: datetime) -> str: ...
    def read(self, token: str) -> AccessClaims: ...


class Cache(Protocol):
    async def get(self, key: str) -> Any | None: ...
    async def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None: ...
    async def delete(self, *keys: str) -> None: ...
    async def delete_prefix(self, prefix: str) -> None: ...


class RateLimiter(Protocol):
    """Counts events per key in a fixed window that starts at the first event."""

    async def blocked_for(self, key: str, limit: int) -> int | None:
        """Seconds until `key` may act again when it has `limit` events or more in its window, else None."""
        ...

    async def hit(self, key: str, window_seconds: int) -> int:
        """Count one event; returns the count in the current window."""
        ...

    async def reset(self, key: str) -> None: ...


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


class SmsSender(Protocol):
    async def send(self, to: str, text: str) -> None: ...


class Templates(Protocol):
    def render(self, name: str, context: dict[str, Any]) -> tuple[str, str]:
        """(subject, text) of the message template `name`."""
        ...


class TaskQueue(Protocol):
    """Runs named jobs at least once, after the current transaction, retrying with backoff."""

    async def enqueue(self, job: str, payload: dict[str, Any], *, job_id: str | None = None) -> None: ...


class OutboxRelayTrigger(Protocol):
    """Told after a commit that wrote events, so the relay need not wait for its next poll."""

    def poke(self) -> None: ...


class RuntimeSettings(Protocol):
    async def get(self, key: SettingKey[V]) -> V: ...
    async def overrides(self) -> dict[str, Any]: ...
    async def invalidate(self) -> None: ...


class LanguageSource(Protocol):
    def languages(self) -> Iterable[Language]: ...


class PhoneNumbers(Protocol):
    def normalize(self, raw: str) -> str:
        """E.164 form of a valid number (national numbers read as Turkish); Invalid naming `phone` if not."""
        ...
