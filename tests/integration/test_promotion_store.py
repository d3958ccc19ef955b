"""The promotion repository's contract on memory, SQLite and PostgreSQL: the conditional counters (coupon,
per-customer, campaign), what orders were given and its release (once), and the reads checkout prices with.
Then the counters under real concurrency: racing transactions never spend more uses than the limits hold."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from adapters.memory.services import MemoryMailer
from bootstrap import Settings, bootstrap, shutdown
from core.promotions.model import BundleItem, Coupon, OrderPromotion
from core.promotions.use_cases.admin_campaigns import DeleteCampaign
from core.promotions.use_cases.admin_coupons import DeleteCoupon
from core.shared.errors import Conflict
from ports.services import Mailer
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH
from tests.unit.ordering.shop import Shop
from tests.unit.promotions.conftest import STAFF, STARTED, Promotions

NOW = datetime.now(UTC).replace(microsecond=0)
RULES = [{"conditions": [{"type": "min_quantity", "quantity": 2}], "actions": [{"type": "free_shipping"}]}]


@attrs.define
class Store:
    kind: str
    container: Any

    def uow(self) -> UnitOfWork:
        return self.container.resolve(UnitOfWork)  # type: ignore[no-any-return]

    @property
    def promotions(self) -> Promotions:
        return Promotions(self.container)

    async def counts(self, coupon: Coupon, *customers: str) -> tuple[int, list[int], int]:
        """(the coupon's uses, each customer's uses, its campaign's uses), as committed."""
        async with self.uow() as uow:
            found = await uow.promotions.get_coupon(coupon.id)
            mine = [await uow.promotions.customer_uses(coupon.id, c) for c in customers]
            campaign = await uow.promotions.get_campaign(coupon.campaign_id)
            return found.used_count, mine, campaign.used_count


async def _store(kind: str, url: str, tmp_path: Path) -> AsyncIterator[Store]:
    settings = Settings(database_url=url, profile="test", var_dir=str(tmp_path), **FAST_HASH)
    container = bootstrap(settings, overrides={Mailer: MemoryMailer()})
    try:
        yield Store(kind, container)
    finally:
        await shutdown(container)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    kind = request.param
    url = "memory://" if kind == "memory" else request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")
    async for s in _store(kind, url, tmp_path):
        yield s


@pytest.fixture
async def sql_store(sql_url: str, tmp_path: Path) -> AsyncIterator[Store]:
    async for s in _store("postgresql" if sql_url.startswith("postgres") else "sqlite", sql_url, tmp_path):
        yield s


async def claim(store: Store, coupon: Coupon, customer: str, per_user: int | None) -> str | None:
    """One checkout's claim in a transaction of its own: committed when counted, rolled back when refused."""
    async with store.uow() as uow:
        refused = await uow.promotions.claim_coupon(coupon.id, customer, per_user)
        await asyncio.sleep(0.005)  # hold the transaction open a moment, as a checkout does
        if refused is None:
            await uow.commit()
        return refused


# --- the counters ----------------------------------------------------------------------------------------------


async def test_a_coupon_claim_counts_the_customer_then_the_coupon(store: Store) -> None:
    coupon = await store.promotions.coupon("YAZ10", total_usage_limit=3, usage_limit_per_user=2)
    assert await claim(store, coupon, "user:a", 2) is None
    assert await claim(store, coupon, "user:a", 2) is None
    assert await claim(store, coupon, "user:a", 2) == "coupon_user_limit_reached"
    assert await store.counts(coupon, "user:a", "user:b") == (2, [2, 0], 0)
    assert await claim(store, coupon, "user:b", 2) is None
    assert await claim(store, coupon, "user:c", 2) == "coupon_exhausted"
    assert await store.counts(coupon, "user:a", "user:b", "user:c") == (3, [2, 1, 0], 0)


async def test_a_claim_left_uncommitted_counts_nothing(store: Store) -> None:
    coupon = await store.promotions.coupon("YAZ10", total_usage_limit=1)
    async with store.uow() as uow:
        assert await uow.promotions.claim_coupon(coupon.id, "user:a", None) is None
        assert await uow.promotions.claim_campaign(coupon.campaign_id)
    assert await store.counts(coupon, "user:a") == (0, [0], 0)


async def test_a_campaign_claim_stops_at_its_usage_limit(store: Store) -> None:
    limited, open_ended = await store.promotions.campaign(usage_limit=2), await store.promotions.campaign()
    async with store.uow() as uow:
        claims = [await uow.promotions.claim_campaign(limited.id) for _ in range(3)]
        assert all([await uow.promotions.claim_campaign(open_ended.id) for _ in range(3)])
        await uow.commit()
    assert claims == [True, True, False]
    async with store.uow() as uow:
        assert (await uow.promotions.get_campaign(limited.id)).used_count == 2
        assert (await uow.promotions.get_campaign(open_ended.id)).used_count == 3


# --- what orders were given, and its release ------------------------------------------------------------------


def given(order_id: uuid.UUID, coupon: Coupon, bundle_id: uuid.UUID) -> list[OrderPromotion]:
    return [
        OrderPromotion(order_id=order_id, kind="bundle", name="Set", amount=Decimal("30.00"), currency="TRY",
                       customer_key="user:a", bundle_id=bundle_id, created_at=NOW),
        OrderPromotion(order_id=order_id, kind="campaign", name="Yaz indirimi", amount=Decimal("12.34"),
                       currency="TRY", customer_key="user:a", campaign_id=coupon.campaign_id, coupon_id=coupon.id,
                       coupon_code=coupon.code, created_at=NOW),
    ]  # fmt: skip


async def test_an_orders_promotions_are_recorded_and_released_once(store: Store) -> None:
    coupon = await store.promotions.coupon("YAZ10", total_usage_limit=5, usage_limit_per_user=1)
    order_id, bundle_id = uuid.uuid4(), uuid.uuid4()
    async with store.uow() as uow:
        assert await uow.promotions.claim_coupon(coupon.id, "user:a", 1) is None
        assert await uow.promotions.claim_campaign(coupon.campaign_id)
        await uow.promotions.record(given(order_id, coupon, bundle_id))
        await uow.commit()
    assert await store.counts(coupon, "user:a") == (1, [1], 1)
    async with store.uow() as uow:
        rows = await uow.promotions.of_order(order_id)
        assert await uow.promotions.of_order(uuid.uuid4()) == []
    assert [(r.order_id, r.kind, r.name, r.amount, r.currency, r.customer_key, r.campaign_id, r.bundle_id,
             r.coupon_id, r.coupon_code, r.released_at, r.created_at) for r in rows] == [
        (order_id, "bundle", "Set", Decimal("30.00"), "TRY", "user:a", None, bundle_id, None, None, None, NOW),
        (order_id, "campaign", "Yaz indirimi", Decimal("12.34"), "TRY", "user:a", coupon.campaign_id, None,
         coupon.id, "YAZ10", None, NOW),
    ]  # fmt: skip

    later = NOW + timedelta(hours=1)
    async with store.uow() as uow:
        released = await uow.promotions.release(order_id, later)
        await uow.commit()
    assert [(r.kind, r.released_at) for r in released] == [("bundle", later), ("campaign", later)]
    assert await store.counts(coupon, "user:a") == (0, [0], 0)
    async with store.uow() as uow:
        assert await uow.promotions.release(order_id, later + timedelta(hours=1)) == []
        await uow.commit()
        assert [r.released_at for r in await uow.promotions.of_order(order_id)] == [later, later]
    assert await store.counts(coupon, "user:a") == (0, [0], 0)
    assert await claim(store, coupon, "user:a", 1) is None  # the customer may use it again


async def test_a_release_never_takes_a_counter_below_zero(store: Store) -> None:
    coupon = await store.promotions.coupon("YAZ10")
    order_id = uuid.uuid4()
    async with store.uow() as uow:
        await uow.promotions.record(given(order_id, coupon, uuid.uuid4()))  # recorded without claims
        await uow.commit()
    async with store.uow() as uow:
        assert len(await uow.promotions.release(order_id, NOW)) == 2
        await uow.commit()
    assert await store.counts(coupon, "user:a") == (0, [0], 0)


# --- the reads that price a basket ----------------------------------------------------------------------------


async def test_automatic_campaigns_are_the_live_ones_in_the_currency_with_their_rules(store: Store) -> None:
    p = store.promotions
    low = await p.campaign("Düşük", automatic=True, rules=RULES, priority=1)
    high = await p.campaign("Yüksek", automatic=True, priority=9)
    await p.campaign("Kuponlu")  # not automatic
    await p.campaign("Euro", automatic=True, currency="EUR")
    await p.campaign("Bitti", automatic=True, end_date=NOW - timedelta(seconds=1))
    await p.campaign("Gelecek", automatic=True, start_date=NOW + timedelta(days=1))
    await p.campaign("Kapalı", automatic=True, is_active=False)
    gone = await p.campaign("Silindi", automatic=True)
    await store.container.resolve(DeleteCampaign)(STAFF, gone.id)
    async with store.uow() as uow:
        found = await uow.promotions.automatic_campaigns("TRY", NOW)
    assert [c.id for c in found] == [high.id, low.id]
    assert found[0].rules == [] and len(found[1].rules) == 1 and found[1].rules[0].actions[0].type == "free_shipping"  # type: ignore[union-attr]


async def test_coupons_are_found_by_their_live_code(store: Store) -> None:
    coupon = await store.promotions.coupon("YAZ10")
    await store.promotions.coupon("KIS10", coupon.campaign_id)
    async with store.uow() as uow:
        found = await uow.promotions.coupon_by_code("YAZ10")
        assert found is not None and found.id == coupon.id
        assert await uow.promotions.coupon_by_code("yaz10") is None  # callers normalise
        assert await uow.promotions.taken_codes(["YAZ10", "KIS10", "NONE1"]) == {"YAZ10", "KIS10"}
    await store.container.resolve(DeleteCoupon)(STAFF, coupon.id)
    async with store.uow() as uow:
        assert await uow.promotions.coupon_by_code("YAZ10") is None
        assert await uow.promotions.taken_codes(["YAZ10"]) == set()


async def test_active_bundles_are_the_live_ones_in_the_currency_with_their_items(store: Store) -> None:
    shop = Shop(store.container)
    a, b = (await shop.variant("100.00")).id, (await shop.variant("50.00")).id
    p = store.promotions
    live = await p.bundle([(a, 2), (b, 1)], price="200")
    await p.bundle([(a, 1)], percent="10", currency="EUR", price=None)
    await p.bundle([(a, 1)], end_date=NOW - timedelta(seconds=1), start_date=STARTED)
    await p.bundle([(b, 1)], is_active=False)
    async with store.uow() as uow:
        found = await uow.promotions.active_bundles("TRY", NOW)
    assert [(x.id, x.items, x.price) for x in found] == [(live.id, [BundleItem(a, 2), BundleItem(b, 1)],
                                                          Decimal("200.00"))]  # fmt: skip
    assert found[0].offer_items() == ((a, 2), (b, 1))


async def test_the_database_refuses_a_code_a_live_coupon_has(sql_store: Store) -> None:
    """What the use case's own check misses (a race) is the same 409 from the unique index."""
    coupon = await sql_store.promotions.coupon("YAZ10")
    async with sql_store.uow() as uow:
        await uow.promotions.add_coupon(Coupon(code="YAZ10", campaign_id=coupon.campaign_id))
        with pytest.raises(Conflict) as caught:
            await uow.commit()
    assert caught.value.code == "duplicate_coupon_code"
    async with sql_store.uow() as uow:
        with pytest.raises(Conflict) as caught:
            await uow.promotions.add_coupons([Coupon(code="YAZ10", campaign_id=coupon.campaign_id)])
    assert caught.value.code == "duplicate_coupon_code"


# --- racing transactions (real concurrency on PostgreSQL; SQLite queues its writers) ---------------------------


async def test_twenty_five_racing_claims_on_a_limit_of_five_count_five(sql_store: Store) -> None:
    coupon = await sql_store.promotions.coupon("RACE5", total_usage_limit=5)
    customers = [f"user:{n}" for n in range(25)]
    results = await asyncio.gather(*(claim(sql_store, coupon, c, None) for c in customers))
    assert results.count(None) == 5 and results.count("coupon_exhausted") == 20, results
    used, mine, _ = await sql_store.counts(coupon, *customers)
    assert used == 5 and sorted(mine) == [0] * 20 + [1] * 5


async def test_ten_racing_claims_of_one_customer_with_a_limit_of_one_count_one(sql_store: Store) -> None:
    coupon = await sql_store.promotions.coupon("ONCE")
    results = await asyncio.gather(*(claim(sql_store, coupon, "user:a", 1) for _ in range(10)))
    assert results.count(None) == 1 and results.count("coupon_user_limit_reached") == 9, results
    assert await sql_store.counts(coupon, "user:a") == (1, [1], 0)


async def test_racing_releases_of_one_order_give_back_once(sql_store: Store) -> None:
    coupon = await sql_store.promotions.coupon("BACK", total_usage_limit=5)
    order_id = uuid.uuid4()
    async with sql_store.uow() as uow:
        assert await uow.promotions.claim_coupon(coupon.id, "user:a", None) is None
        assert await uow.promotions.claim_campaign(coupon.campaign_id)
        assert await uow.promotions.claim_coupon(coupon.id, "user:b", None) is None  # another order's use
        await uow.promotions.record(given(order_id, coupon, uuid.uuid4()))
        await uow.commit()

    async def release() -> int:
        async with sql_store.uow() as uow:
            rows = await uow.promotions.release(order_id, NOW)
            await asyncio.sleep(0.005)
            await uow.commit()
            return len(rows)

    assert sorted(await asyncio.gather(*(release() for _ in range(6)))) == [0, 0, 0, 0, 0, 2]
    assert await sql_store.counts(coupon, "user:a", "user:b") == (1, [0, 1], 0)
