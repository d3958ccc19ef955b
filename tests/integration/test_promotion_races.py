"""Coupon limits and reward points under real concurrency, through the API on PostgreSQL (and the same outcome
on SQLite, whose writers queue): a limit of N gives exactly N discounted orders however many check out at once,
the others get 409 with the reason — never an order without the discount it was priced with — and a cancelled
order frees its use. Points never go below zero."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ports.address import GeoSource
from tests.integration.http.conftest import Api, User, assert_problem, running_api
from tests.integration.http.test_checkout import basket, checkout, prepare, stocked
from tests.unit.address.geo_fixture import fixture_source

CAMPAIGNS = "/api/v1/admin/promotions/campaigns"
COUPONS = "/api/v1/admin/promotions/coupons"


@pytest.fixture
async def pg_api(pg_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    async with running_api("postgresql", pg_url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await prepare(api)
        yield api


async def coupon(api: Api, **limits: Any) -> str:
    """A 10 % coupon with these limits (total_usage_limit, usage_limit_per_user); its code."""
    staff = await api.staff("promotions.manage")
    now = datetime.now(UTC)
    campaign = await api.client.post(CAMPAIGNS, headers=staff.headers, json={
        "name": "Kış indirimi", "discount_type": "percentage", "discount_value": "10",
        "start_date": (now - timedelta(days=1)).isoformat(), "end_date": (now + timedelta(days=30)).isoformat(),
    })  # fmt: skip
    assert campaign.status_code == 201, campaign.text
    code = f"KIS{uuid.uuid4().hex[:8]}"
    made = await api.client.post(COUPONS, headers=staff.headers,
                                 json={"code": code, "campaign_id": campaign.json()["id"], **limits})  # fmt: skip
    assert made.status_code == 201, made.text
    return code.lower()  # customers type it as they like


async def with_coupon(api: Api, variant: str, code: str, who: User | None = None) -> tuple[str, dict[str, str]]:
    """A guest basket (reached by the customer `who` too, when given) holding one unit and the coupon."""
    basket_id, headers = await basket(api, (variant, 1))
    if who is not None:
        headers = {**headers, **who.headers}
    entered = await api.client.post(f"/api/v1/baskets/{basket_id}/coupons", json={"code": code}, headers=headers)
    assert entered.status_code == 200, entered.text
    assert entered.json()["totals"]["discount"]["amount"] == "10.00"
    return basket_id, headers


async def coupon_race(api: Api, buyers: int, limit: int) -> None:
    variant = await stocked(api, buyers + 5, "100.00")
    code = await coupon(api, total_usage_limit=limit)
    baskets = [await with_coupon(api, variant, code) for _ in range(buyers)]

    answers = await asyncio.gather(*(checkout(api, b, h) for b, h in baskets))

    won = [a for a in answers if a.status_code == 201]
    assert len(won) == limit, [(a.status_code, a.text[:200]) for a in answers if a.status_code != 409]
    for order in won:
        assert order.json()["totals"]["discount"] == {"amount": "10.00", "currency": "TRY"}
    for lost in answers:
        if lost.status_code != 201:
            assert_problem(lost, 409, "coupon_exhausted")
    # one order cancelled: its use is free again, for exactly one more order
    first = won[0].json()
    cancelled = await api.client.post(f"/api/v1/orders/{first['id']}/cancel",
                                      headers={"X-Order-Token": first["access_token"]})  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    again = [await with_coupon(api, variant, code) for _ in range(2)]
    assert (await checkout(api, *again[0])).status_code == 201
    assert_problem(await checkout(api, *again[1]), 409, "coupon_exhausted")


async def test_a_coupon_for_five_and_twenty_five_checkouts_make_exactly_five_orders(pg_api: Api) -> None:
    await coupon_race(pg_api, 25, 5)


async def test_on_sqlite_the_queued_writers_hold_the_same_limit(sqlite_url: str, tmp_path: Path) -> None:
    async with running_api("sqlite", sqlite_url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await prepare(api)
        await coupon_race(api, 8, 3)


async def test_once_per_customer_holds_for_ten_concurrent_checkouts_by_one_customer(pg_api: Api) -> None:
    api = pg_api
    variant = await stocked(api, 20, "100.00")
    code = await coupon(api, usage_limit_per_user=1)
    ayse = await api.customer()
    baskets = [await with_coupon(api, variant, code, who=ayse) for _ in range(10)]

    answers = await asyncio.gather(*(checkout(api, b, h) for b, h in baskets))

    assert [a.status_code for a in answers].count(201) == 1, [a.text[:200] for a in answers]
    for lost in answers:
        if lost.status_code != 201:
            assert_problem(lost, 409, "coupon_user_limit_reached")
    # someone else may still use it
    assert (await checkout(api, *await with_coupon(api, variant, code))).status_code == 201


async def test_concurrent_point_spends_never_take_the_balance_below_zero(pg_api: Api) -> None:
    api = pg_api
    variant = await stocked(api, 20, "100.00")
    ayse = await api.customer()
    staff = await api.staff("promotions.manage")
    granted = await api.client.post(f"/api/v1/admin/rewards/{ayse.id}/adjust", headers=staff.headers,
                                    json={"points": 1000, "note": "welcome"})  # fmt: skip
    assert granted.status_code == 201, granted.text
    baskets = []
    for _ in range(10):
        basket_id, headers = await basket(api, (variant, 1))
        baskets.append((basket_id, {**headers, **ayse.headers}))

    answers = await asyncio.gather(*(checkout(api, b, h, reward_points=300) for b, h in baskets))

    won = [a for a in answers if a.status_code == 201]
    assert len(won) == 3, [(a.status_code, a.text[:200]) for a in answers]
    for order in won:  # 300 points at 0.01 are 3.00 off
        assert order.json()["totals"]["discount"]["amount"] == "3.00" and order.json()["reward_points"] == 300
        assert [(p["kind"], p["amount"]["amount"]) for p in order.json()["promotions"]] == [("rewards", "3.00")]
    for lost in answers:
        if lost.status_code != 201:
            assert_problem(lost, 409, "insufficient_points")
    mine = (await api.client.get("/api/v1/me/rewards", headers=ayse.headers)).json()
    assert mine["balance"] == 100
    # a cancelled order gives its points back, once
    for _ in range(2):
        await api.client.post(f"/api/v1/orders/{won[0].json()['id']}/cancel", headers=ayse.headers)
    assert (await api.client.get("/api/v1/me/rewards", headers=ayse.headers)).json()["balance"] == 400
