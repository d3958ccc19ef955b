"""Cache and rate limiter on Redis: shared by every API process and worker."""

from __future__ import annotations

import json
import re
from typing import Any

from redis.asyncio import Redis


class RedisCache:
    """JSON values under a key prefix, so one Redis can serve several shops or test runs."""

    def __init__(self, redis: Redis, prefix: str = "carsi:cache:") -> None:
        self._redis, self._prefix = redis, prefix

    async def get(self, key: str) -> Any | None:
        raw = await self._redis.get(self._prefix + key)
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl_seconds: int | None = None) -> None:
        await self._redis.set(self._prefix + key, json.dumps(value, default=str), ex=ttl_seconds or None)

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.delete(*(self._prefix + k for k in keys))

    async def delete_prefix(self, prefix: str) -> None:
        batch: list[Any] = []
        pattern = re.sub(r"([\\*?\[\]])", r"\\\1", self._prefix + prefix) + "*"  # the prefix matched literally
        async for key in self._redis.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                await self._redis.delete(*batch)
                batch = []
        if batch:
            await self._redis.delete(*batch)


class RedisRateLimiter:
    """Fixed windows: INCR, and EXPIRE NX so the window starts at the first event, in one round trip."""

    def __init__(self, redis: Redis, prefix: str = "carsi:rl:") -> None:
        self._redis, self._prefix = redis, prefix

    async def blocked_for(self, key: str, limit: int) -> int | None:
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(self._prefix + key)
        pipe.ttl(self._prefix + key)
        count, ttl = await pipe.execute()
        if count is None or int(count) < limit:
            return None
        return max(int(ttl), 1)

    async def hit(self, key: str, window_seconds: int) -> int:
        pipe = self._redis.pipeline(transaction=True)
        pipe.incr(self._prefix + key)
        pipe.expire(self._prefix + key, window_seconds, nx=True)
        count, _ = await pipe.execute()
        return int(count)

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)
