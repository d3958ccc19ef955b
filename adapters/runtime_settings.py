"""Runtime settings read through the cache: one cached dict of overrides, dropped on every change."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from core.shared.settings import SettingKey
from ports.services import Cache
from ports.uow import UnitOfWork

V = TypeVar("V", int, bool, str, Decimal)
CACHE_KEY = "runtime-settings:v1"


class CachedRuntimeSettings:
    def __init__(self, new_uow: Callable[[], UnitOfWork], cache: Cache, ttl_seconds: int = 300) -> None:
        self._new_uow, self._cache, self._ttl = new_uow, cache, ttl_seconds

    async def overrides(self) -> dict[str, Any]:
        cached = await self._cache.get(CACHE_KEY)
        if cached is not None:
            return dict(cached)
        async with self._new_uow() as uow:
            values = await uow.setting_overrides.all()
        await self._cache.set(CACHE_KEY, values, self._ttl)
        return values

    async def get(self, key: SettingKey[V]) -> V:
        raw = (await self.overrides()).get(key.key)
        if raw is None:
            return key.default
        try:
            return key.parse(raw)
        except Exception:  # noqa: BLE001  (an override a newer declaration no longer accepts: fall back, never crash)
            return key.default

    async def invalidate(self) -> None:
        await self._cache.delete(CACHE_KEY)
