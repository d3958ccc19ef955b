"""Stock under real concurrency on PostgreSQL (and SQLite): separate units of work (separate transactions and
connections) racing for the last units never oversell, never deadlock, and a short line reserves nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bootstrap import Settings, bootstrap, shutdown
from core.inventory.changes import InsufficientStock
from core.inventory.model import Stock, Warehouse
from core.inventory.reservations import available, consume_stock, release_stock, reserve_stock
from core.inventory.use_cases.stock import NewMovement, RecordMovement
from core.shared.actor import Actor
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH
from tests.integration.contract.conftest import Backend, CountingTrigger
from tests.integration.contract.test_inventory_contract import variant, warehouse

KEEPER = Actor(uuid.uuid4(), frozenset({"inventory.manage"}))


@pytest.fixture
async def pg(sql_url: str, tmp_path: Path) -> AsyncIterator[Backend]:
    """PostgreSQL (row locks, conditional updates under READ COMMITTED) and SQLite (writers serialized by
    BEGIN IMMEDIATE): the same outcomes."""
    container = bootstrap(Settings(database_url=sql_url, profile="test", var_dir=str(tmp_path), **FAST_HASH))
    try:
        yield Backend(sql_url.split(":")[0], container, CountingTrigger())
    finally:
        await shutdown(container)


async def put(b: Backend, wh: Warehouse, variant_id: uuid.UUID, n: int) -> None:
    async with b.uow() as uow:
        row = await uow.stock.create(Stock(warehouse_id=wh.id, variant_id=variant_id))
        assert await uow.stock.change(row.id, quantity=n) is not None
        await uow.commit()


async def reserve(b: Backend, lines: Sequence[tuple[uuid.UUID, int]], go: asyncio.Event) -> uuid.UUID:
    uow: UnitOfWork = b.uow()
    async with uow:
        ref = uuid.uuid4()
        await go.wait()
        await reserve_stock(uow, ref, lines)
        await asyncio.sleep(0.01)  # hold the row locks a little: the others queue on them
        await uow.commit()
    return ref


async def race(b: Backend, attempts: list[Sequence[tuple[uuid.UUID, int]]]) -> list[Any]:
    go = asyncio.Event()
    tasks = [asyncio.create_task(reserve(b, lines, go)) for lines in attempts]
    await asyncio.sleep(0.05)
    go.set()
    return await asyncio.gather(*tasks, return_exceptions=True)


def tally(results: list[Any]) -> tuple[int, int]:
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, InsufficientStock)]
    assert not unexpected, unexpected
    return sum(isinstance(r, uuid.UUID) for r in results), sum(isinstance(r, InsufficientStock) for r in results)


async def stock_of(b: Backend, variant_id: uuid.UUID) -> list[Stock]:
    async with b.uow() as uow:
        return await uow.stock.of_variant(variant_id)


async def test_thirty_buyers_for_three_units(pg: Backend) -> None:
    wh, v = await warehouse(pg), await variant(pg)
    await put(pg, wh, v.id, 3)
    results = await race(pg, [[(v.id, 1)]] * 30)
    assert tally(results) == (3, 27)
    [row] = await stock_of(pg, v.id)
    assert (row.quantity, row.reserved_quantity, row.available_quantity) == (3, 3, 0)


async def test_thirty_buyers_for_units_split_over_two_warehouses(pg: Backend) -> None:
    first, second, v = await warehouse(pg, priority=1), await warehouse(pg, priority=2), await variant(pg)
    await put(pg, first, v.id, 2)
    await put(pg, second, v.id, 1)
    results = await race(pg, [[(v.id, 1)]] * 30)
    assert tally(results) == (3, 27)
    rows = await stock_of(pg, v.id)
    assert [(r.warehouse_id, r.reserved_quantity, r.available_quantity) for r in rows] == [
        (first.id, 2, 0), (second.id, 1, 0)]  # fmt: skip
    async with pg.uow() as uow:
        assert await available(uow, [v.id]) == {v.id: 0}


async def test_a_short_variant_reserves_nothing_under_concurrency(pg: Backend) -> None:
    wh, plenty, scarce = await warehouse(pg), await variant(pg), await variant(pg)
    await put(pg, wh, plenty.id, 10)
    await put(pg, wh, scarce.id, 1)
    results = await race(pg, [[(plenty.id, 1), (scarce.id, 1)]] * 8)
    assert tally(results) == (1, 7)
    async with pg.uow() as uow:
        assert await available(uow, [plenty.id, scarce.id]) == {plenty.id: 9, scarce.id: 0}


async def test_opposite_line_orders_do_not_deadlock(pg: Backend) -> None:
    a_wh, b_wh = await warehouse(pg, priority=1), await warehouse(pg, priority=2)
    a, b = await variant(pg), await variant(pg)
    for wh in (a_wh, b_wh):
        await put(pg, wh, a.id, 10)
        await put(pg, wh, b.id, 10)
    results = await race(pg, [[(a.id, 2), (b.id, 1)], [(b.id, 2), (a.id, 1)]] * 6)
    assert tally(results) == (12, 0)
    async with pg.uow() as uow:
        assert await available(uow, [a.id, b.id]) == {a.id: 2, b.id: 2}


async def test_concurrent_out_movements_and_reservations_never_go_below_zero(pg: Backend) -> None:
    wh, v = await warehouse(pg), await variant(pg)
    await put(pg, wh, v.id, 5)
    go = asyncio.Event()

    async def out() -> str:
        await go.wait()
        record = pg.container.resolve(RecordMovement)  # one per call: each has its own unit of work
        await record(NewMovement(KEEPER, "out", v.id, 1, warehouse_id=wh.id))
        return "out"

    tasks = [asyncio.create_task(out()) for _ in range(10)]
    tasks += [asyncio.create_task(reserve(pg, [(v.id, 1)], go)) for _ in range(10)]
    await asyncio.sleep(0.05)
    go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, InsufficientStock)]
    assert not unexpected, unexpected
    outs, reserved = results.count("out"), sum(isinstance(r, uuid.UUID) for r in results)
    assert outs + reserved == 5
    [row] = await stock_of(pg, v.id)
    assert (row.quantity, row.reserved_quantity, row.available_quantity) == (5 - outs, reserved, 0)


async def test_racing_release_and_consume_have_one_effect(pg: Backend) -> None:
    wh, v = await warehouse(pg), await variant(pg)
    await put(pg, wh, v.id, 4)
    ref = await reserve(pg, [(v.id, 3)], _set())
    go = asyncio.Event()

    async def act(fn: Any) -> None:
        async with pg.uow() as uow:
            await go.wait()
            await fn(uow, ref)
            await asyncio.sleep(0.01)
            await uow.commit()

    tasks = [asyncio.create_task(act(fn)) for fn in (release_stock, consume_stock) * 3]
    await asyncio.sleep(0.05)
    go.set()
    await asyncio.gather(*tasks)
    [row] = await stock_of(pg, v.id)
    assert row.reserved_quantity == 0 and row.quantity in (4, 1)  # released (4 left) or shipped (1 left)


def _set() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event
