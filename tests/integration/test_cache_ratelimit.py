"""The Cache and RateLimiter contract: the same tests on the in-process adapters and on Redis (a real server)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from redis.asyncio import Redis

from adapters.memory.services import MemoryCache, MemoryRateLimiter
from adapters.redis.cache import RedisCache, RedisRateLimiter
from ports.services import Cache, RateLimiter


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Cache, RateLimiter, Redis | None]]:
    if request.param == "memory":
        yield MemoryCache(), MemoryRateLimiter(), None
        return
    redis = Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        yield RedisCache(redis), RedisRateLimiter(redis), redis
    finally:
        await redis.aclose()


@pytest.fixture
def cache(backend: tuple[Cache, RateLimiter, Redis | None]) -> Cache:
    return backend[0]


@pytest.fixture
def limiter(backend: tuple[Cache, RateLimiter, Redis | None]) -> RateLimiter:
    return backend[1]


# --- cache ---------------------------------------------------------------------------------------------------


async def test_get_of_a_missing_key_is_none(cache: Cache) -> None:
    assert await cache.get("nothing-here") is None


@pytest.mark.parametrize("value", [1, 2.5, "Çarşı", True, [1, "iki"], {"a": {"b": [1, None]}}])
async def test_set_then_get_returns_the_value(cache: Cache, value: Any) -> None:
    await cache.set("k", value)
    assert await cache.get("k") == value


async def test_values_come_back_as_json_would_keep_them(cache: Cache) -> None:
    original = {"price": Decimal("12.50"), "pair": (1, 2)}
    await cache.set("k", original)
    original["price"] = Decimal("0")  # a change after set does not reach the cache
    got = await cache.get("k")
    assert got == {"price": "12.50", "pair": [1, 2]}
    got["pair"].append(3)  # nor does a change to what a read returned
    assert await cache.get("k") == {"price": "12.50", "pair": [1, 2]}


async def test_set_overwrites(cache: Cache) -> None:
    await cache.set("k", "old")
    await cache.set("k", "new")
    assert await cache.get("k") == "new"


async def test_a_value_expires_after_its_ttl_and_others_stay(cache: Cache) -> None:
    await cache.set("short", "v", ttl_seconds=1)
    await cache.set("long", "v", ttl_seconds=60)
    await cache.set("forever", "v")
    await cache.set("zero-means-no-expiry", "v", ttl_seconds=0)
    assert await cache.get("short") == "v"
    await asyncio.sleep(1.1)
    assert await cache.get("short") is None
    assert await cache.get("long") == "v"
    assert await cache.get("forever") == "v"
    assert await cache.get("zero-means-no-expiry") == "v"


async def test_delete_removes_only_the_named_keys(cache: Cache) -> None:
    for key in ("a", "b", "c"):
        await cache.set(key, key)
    await cache.delete("a", "b", "never-set")
    await cache.delete()  # no keys: nothing happens
    assert [await cache.get(k) for k in ("a", "b", "c")] == [None, None, "c"]


async def test_delete_prefix_invalidates_a_family_of_keys(cache: Cache) -> None:
    for key in ("product:1", "product:2", "product:1:variants", "products", "category:1"):
        await cache.set(key, key)
    await cache.delete_prefix("product:")
    assert await cache.get("product:1") is None
    assert await cache.get("product:2") is None
    assert await cache.get("product:1:variants") is None
    assert await cache.get("products") == "products"
    assert await cache.get("category:1") == "category:1"


async def test_delete_prefix_takes_the_prefix_literally(cache: Cache) -> None:
    """Glob characters in a prefix (a search query in a key, say) match only themselves."""
    for key in ("search:a?b", "search:axb", "search:[x]1", "search:x1", "search:*1", "search:z1"):
        await cache.set(key, key)
    await cache.delete_prefix("search:a?")
    await cache.delete_prefix("search:[x]")
    await cache.delete_prefix("search:*")
    assert await cache.get("search:a?b") is None
    assert await cache.get("search:[x]1") is None
    assert await cache.get("search:*1") is None
    assert [await cache.get(k) for k in ("search:axb", "search:x1", "search:z1")] == ["search:axb", "search:x1",
                                                                                       "search:z1"]  # fmt: skip


async def test_delete_prefix_of_many_keys(cache: Cache) -> None:
    for i in range(1200):  # more than one SCAN batch on Redis
        await cache.set(f"bulk:{i}", i)
    await cache.set("keep", 1)
    await cache.delete_prefix("bulk:")
    assert all([await cache.get(f"bulk:{i}") is None for i in (0, 499, 500, 1199)])
    assert await cache.get("keep") == 1


async def test_redis_cache_keys_live_under_its_prefix(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    try:
        await redis.set("product:1", "someone else's")
        cache = RedisCache(redis, prefix="shop-a:")
        await cache.set("product:1", {"x": 1})
        await cache.delete_prefix("product:")
        assert await redis.get("product:1") == b"someone else's"
        assert await redis.get("shop-a:product:1") is None
        await cache.set("product:2", 2, ttl_seconds=30)
        assert 29 <= await redis.ttl("shop-a:product:2") <= 30
    finally:
        await redis.aclose()


# --- rate limiter --------------------------------------------------------------------------------------------


async def test_hit_counts_events_in_the_window(limiter: RateLimiter) -> None:
    assert [await limiter.hit("login:ali", 60) for _ in range(4)] == [1, 2, 3, 4]
    assert await limiter.hit("login:veli", 60) == 1  # keys are counted apart


async def test_blocked_only_once_the_limit_is_reached(limiter: RateLimiter) -> None:
    assert await limiter.blocked_for("k", 3) is None  # no events yet
    await limiter.hit("k", 60)
    await limiter.hit("k", 60)
    assert await limiter.blocked_for("k", 3) is None
    await limiter.hit("k", 60)
    blocked = await limiter.blocked_for("k", 3)
    assert blocked is not None and 59 <= blocked <= 60  # Retry-After: the rest of the window, in whole seconds
    assert await limiter.blocked_for("k", 4) is None  # a higher limit is not reached yet
    assert await limiter.blocked_for("other", 1) is None


async def test_the_window_starts_at_the_first_event_and_later_hits_do_not_extend_it(limiter: RateLimiter) -> None:
    started = time.monotonic()
    assert await limiter.hit("k", 4) == 1
    await asyncio.sleep(1)
    assert await limiter.hit("k", 4) == 2  # margins of seconds: a loaded machine does not make this flaky
    blocked = await limiter.blocked_for("k", 2)
    assert blocked is not None and 1 <= blocked <= 3  # what is left of the first hit's window, rounded up
    await asyncio.sleep(max(0.0, 4.3 - (time.monotonic() - started)))  # the first hit's window is over
    assert await limiter.blocked_for("k", 2) is None
    assert await limiter.hit("k", 4) == 1


async def test_reset_clears_the_count(limiter: RateLimiter) -> None:
    for _ in range(5):
        await limiter.hit("k", 60)
    assert await limiter.blocked_for("k", 5) is not None
    await limiter.reset("k")
    assert await limiter.blocked_for("k", 5) is None
    assert await limiter.hit("k", 60) == 1


async def test_concurrent_hits_are_all_counted(limiter: RateLimiter) -> None:
    counts = await asyncio.gather(*(limiter.hit("burst", 60) for _ in range(50)))
    assert sorted(counts) == list(range(1, 51))
    assert await limiter.blocked_for("burst", 50) is not None


async def test_redis_limiter_shares_counts_between_clients(redis_url: str) -> None:
    """Two processes (two clients) count against the same window."""
    a, b = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        first, second = RedisRateLimiter(a), RedisRateLimiter(b)
        await first.hit("shared", 60)
        assert await second.hit("shared", 60) == 2
        assert await first.blocked_for("shared", 2) is not None
        assert 59 <= await a.ttl("carsi:rl:shared") <= 60
    finally:
        await a.aclose()
        await b.aclose()
