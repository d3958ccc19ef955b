"""In-process cache and rate limiter (the embedded default), and recording fakes for tests."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from core.shared.mail import Mail


class MemoryCache:
    """Values stored as JSON, as the Redis cache stores them: a read is a copy, and what Redis would not
    keep (a tuple, a Decimal) comes back as it would from Redis."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}

    async def get(self, key: str) -> Any | None:
        raw, expires = self._data.get(key, (None, None))
        if expires is not None and expires <= time.monotonic():
            self._data.pop(key, None)
            return None
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        self._data[key] = (json.dumps(value, default=str), time.monotonic() + ttl_seconds if ttl_seconds else None)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def delete_prefix(self, prefix: str) -> None:
        for key in [k for k in self._data if k.startswith(prefix)]:
            del self._data[key]


class MemoryRateLimiter:
    """Fixed windows per key, starting at the first event (the Redis adapter's INCR + EXPIRE NX)."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}

    def _current(self, key: str) -> tuple[int, float] | None:
        window = self._windows.get(key)
        if window is not None and window[1] <= time.monotonic():
            del self._windows[key]
            return None
        return window

    async def blocked_for(self, key: str, limit: int) -> int | None:
        window = self._current(key)
        if window is None or window[0] < limit:
            return None
        return max(1, int(window[1] - time.monotonic() + 0.999))

    async def hit(self, key: str, window_seconds: int) -> int:
        count, ends = self._current(key) or (0, time.monotonic() + window_seconds)
        self._windows[key] = (count + 1, ends)
        return count + 1

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)


class MemorySms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, to: str, text: str) -> None:
        self.sent.append((to, text))


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
