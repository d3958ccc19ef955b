"""Points under real concurrency on PostgreSQL (and on SQLite, whose writers queue): racing checkouts never
spend more than the balance — exactly the affordable spends win — and one order earns, and gives back, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bootstrap import Settings, bootstrap, shutdown
from core.rewards.handlers import EarnRewards, ReverseRewards
from core.rewards.ledger import return_points, spend_points
from core.rewards.use_cases.account import Adjustment, AdjustRewards
from core.shared.actor import SYSTEM
from core.shared.errors import Conflict
from core.shared.events import StoredEvent
from core.shared.pagination import PageRequest
from core.shared.time import utcnow
from tests.conftest import FAST_HASH
from tests.unit.rewards.points import Points

SPENDERS = 30


@pytest.fixture
async def pg(pg_url: str, tmp_path: Path) -> AsyncIterator[Any]:
    c = bootstrap(Settings(database_url=pg_url, profile="test", var_dir=str(tmp_path), **FAST_HASH))
    yield c
    await shutdown(c)


async def holder(c: Any, balance: int) -> tuple[Points, uuid.UUID]:
    points = Points(c)
    user_id = await points.customer()
    await c.resolve(AdjustRewards)(Adjustment(SYSTEM, user_id, balance, "race fixture"))
    return points, user_id


async def spend(points: Points, user_id: uuid.UUID, n: int) -> int:
    """`n` when the spend committed, 0 when it was refused for too few points."""
    try:
        async with points.uow() as uow:
            await spend_points(uow, user_id, n, uuid.uuid4(), utcnow())
            await uow.commit()
    except Conflict as exc:
        assert exc.code == "insufficient_points"
        return 0
    return n


async def judge_spends(c: Any, amounts: list[int], balance: int) -> list[int]:
    points, user_id = await holder(c, balance)
    won = await asyncio.gather(*(spend(points, user_id, n) for n in amounts))
    left = await points.balance(user_id)
    assert sum(won) <= balance and left == balance - sum(won)
    assert all(n > left for n, w in zip(amounts, won, strict=True) if not w)  # a loser could not have been paid
    assert await points.held(user_id) == left  # the lots agree with the balance
    async with points.uow() as uow:
        spends = [e for e in (await uow.rewards.history(user_id, PageRequest(limit=100))).items if e.kind == "spend"]
    assert sorted(-e.points for e in spends) == sorted(w for w in won if w)
    return won


async def test_thirty_equal_spends_over_a_balance_for_ten_let_exactly_ten_through(pg: Any) -> None:
    won = await judge_spends(pg, [100] * SPENDERS, 1000)
    assert sum(1 for w in won if w) == 10


async def test_spends_of_every_size_never_take_more_than_the_balance(pg: Any) -> None:
    amounts = [(n * 37) % 250 + 1 for n in range(SPENDERS)]
    won = await judge_spends(pg, amounts, 1500)
    assert 0 < sum(won) <= 1500


async def test_on_sqlite_the_queued_writers_hold_the_same_line(sqlite_url: str, tmp_path: Path) -> None:
    c = bootstrap(Settings(database_url=sqlite_url, profile="test", var_dir=str(tmp_path), **FAST_HASH))
    try:
        won = await judge_spends(c, [100] * 12, 500)
        assert sum(1 for w in won if w) == 5
    finally:
        await shutdown(c)


async def test_one_order_delivered_and_handled_at_once_many_times_earns_once(pg: Any) -> None:
    points = Points(pg)
    user_id = await points.customer()
    order = await points.order(user_id, total="510.00", shipping="10.00")
    await points.deliver(order.id, drain=False)
    payload = {"order_id": str(order.id), "user_id": str(user_id), "status": "delivered"}
    events = [StoredEvent(uuid.uuid4(), "order.delivered", payload, utcnow()) for _ in range(5)]
    await asyncio.gather(*(pg.resolve(EarnRewards)(event) for event in events * 2))  # each event twice, too
    async with points.uow() as uow:
        earned = await uow.rewards.of_order(order.id, "earn")
    assert [e.points for e in earned] == [500] and await points.balance(user_id) == 500


async def test_a_cancel_handled_twice_at_once_gives_the_points_back_once(pg: Any) -> None:
    points, user_id = await holder(pg, 300)
    order_id = uuid.uuid4()
    async with points.uow() as uow:
        await spend_points(uow, user_id, 200, order_id, utcnow())
        await uow.commit()

    async def give_back() -> int:
        async with points.uow() as uow:
            returned = await return_points(uow, order_id, utcnow())
            await uow.commit()
            return returned

    assert sorted(await asyncio.gather(*(give_back() for _ in range(6)))) == [0, 0, 0, 0, 0, 200]
    assert await points.balance(user_id) == 300 == await points.held(user_id)


async def test_two_refunds_handled_at_once_each_several_times_reverse_their_shares_once(pg: Any) -> None:
    points = Points(pg)
    user_id = await points.customer()
    order = await points.order(user_id, total="410.00", shipping="10.00")
    await points.deliver(order.id)
    assert await points.balance(user_id) == 400
    await points.refund(order.id, "100.00", drain=False)
    await points.refund(order.id, "50.00", drain=False)
    payload = {"order_id": str(order.id), "user_id": str(user_id), "status": "delivered"}
    refunds = [StoredEvent(uuid.uuid4(), "order.refunded", payload, utcnow()) for _ in range(2)]
    await asyncio.gather(*(pg.resolve(ReverseRewards)(event) for event in refunds * 3))
    assert await points.balance(user_id) == 250 == await points.held(user_id)
    async with points.uow() as uow:
        reversed_ = await uow.rewards.of_order(order.id, "reverse")
    assert sum(e.points for e in reversed_) == -150
