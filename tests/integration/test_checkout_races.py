"""Checkout and order status under real concurrency on PostgreSQL (SQLite queues its writers, so these races
cannot arise there): the last units never oversell — also split over two warehouses, and with two API processes
behind one database and Redis, as in production — and a cancel racing a shipment has exactly one winner."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ports.address import GeoSource
from tests.integration.http.conftest import Api, assert_problem, running_api
from tests.integration.http.test_checkout import available, basket, checkout, prepare
from tests.integration.servers import two_api_processes
from tests.unit.address.geo_fixture import fixture_source
from tests.unit.ordering.shop import Shop

BUYERS = 30


@pytest.fixture
async def pg_api(pg_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    async with running_api("postgresql", pg_url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await prepare(api)
        yield api


async def last_units(api: Api, *warehouse_units: int) -> str:
    """A variant whose only stock is `warehouse_units` (one warehouse each, first one preferred)."""
    shop = Shop(api.container)
    variant = await shop.variant("99.90")
    for priority, units in enumerate(warehouse_units):
        await shop.stock(variant.id, units, await shop.warehouse(priority=10 - priority))
    return str(variant.id)


async def race(api: Api, variant: str, clients: list[httpx.AsyncClient]) -> list[httpx.Response]:
    """BUYERS guests, each with a basket of one unit, check out at once (spread over `clients`)."""
    baskets = [await basket(api, (variant, 1), client=clients[i % len(clients)]) for i in range(BUYERS)]
    return list(await asyncio.gather(*(checkout(api, basket_id, headers, client=clients[i % len(clients)])
                                       for i, (basket_id, headers) in enumerate(baskets))))  # fmt: skip


def judge(answers: list[httpx.Response], units: int) -> None:
    won = [a for a in answers if a.status_code == 201]
    assert len(won) == units, [(a.status_code, a.text[:200]) for a in answers if a.status_code != 409]
    for lost in answers:
        if lost.status_code != 201:
            assert_problem(lost, 409, "insufficient_stock")
    assert len({a.json()["number"] for a in won}) == units


async def stock(api: Api, variant: str) -> tuple[int, int]:
    async with Shop(api.container).uow() as uow:
        rows = await uow.stock.of_variant(uuid.UUID(variant))
    return sum(r.quantity for r in rows), sum(r.reserved_quantity for r in rows)


async def test_three_units_and_thirty_buyers_make_exactly_three_orders(pg_api: Api) -> None:
    variant = await last_units(pg_api, 3)
    judge(await race(pg_api, variant, [pg_api.client]), 3)
    assert await available(pg_api, variant) == 0 and await stock(pg_api, variant) == (3, 3)


async def test_three_units_over_two_warehouses_make_exactly_three_orders(pg_api: Api) -> None:
    variant = await last_units(pg_api, 2, 1)
    judge(await race(pg_api, variant, [pg_api.client]), 3)
    assert await available(pg_api, variant) == 0 and await stock(pg_api, variant) == (3, 3)


async def test_on_sqlite_the_queued_writers_hold_the_same_line(sqlite_url: str, tmp_path: Path) -> None:
    """The embedded database: writers queue (BEGIN IMMEDIATE), and the outcome is the same."""
    async with running_api("sqlite", sqlite_url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await prepare(api)
        variant = await last_units(api, 2, 1)
        judge(await race(api, variant, [api.client]), 3)
        assert await available(api, variant) == 0 and await stock(api, variant) == (3, 3)


async def test_a_cancel_racing_a_shipment_has_one_winner_and_the_stock_follows_it(pg_api: Api) -> None:
    api = pg_api
    staff = await api.staff("orders.manage")
    ayse = await api.customer()
    outcomes = set()
    for _ in range(4):
        variant = await last_units(api, 5)
        basket_id, headers = await basket(api, (variant, 2), who=ayse)
        placed = (await checkout(api, basket_id, headers)).json()
        for status in ("confirmed", "processing"):
            moved = await api.client.post(f"/api/v1/admin/orders/{placed['id']}/status", json={"status": status},
                                          headers=staff.headers)  # fmt: skip
            assert moved.status_code == 200, moved.text
        ship, cancel = await asyncio.gather(
            api.client.post(f"/api/v1/admin/orders/{placed['id']}/status", json={"status": "shipped"},
                            headers=staff.headers),
            api.client.post(f"/api/v1/orders/{placed['id']}/cancel", headers=ayse.headers),
        )  # fmt: skip
        assert sorted([ship.status_code, cancel.status_code]) == [200, 409], (ship.text, cancel.text)
        loser = cancel if ship.status_code == 200 else ship
        assert_problem(loser, 409)
        final = (await api.client.get(f"/api/v1/orders/{placed['id']}", headers=ayse.headers)).json()["status"]
        if ship.status_code == 200:
            assert final == "shipped" and await stock(api, variant) == (3, 0)
        else:
            assert final == "cancelled" and await stock(api, variant) == (5, 0)
        outcomes.add(final)
    assert outcomes <= {"shipped", "cancelled"}


# --- two API processes ------------------------------------------------------------------------------------


@pytest.fixture
def two_servers(pg_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two uvicorn processes serving the same PostgreSQL and Redis (as behind a load balancer)."""
    with two_api_processes(pg_url, redis_url, tmp_path) as urls:
        yield urls


async def test_thirty_buyers_over_two_api_processes_still_get_exactly_three_units(
    two_servers: list[str], pg_url: str, tmp_path: Path
) -> None:
    async with running_api("postgresql", pg_url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await prepare(api)  # setup through this test's own container, on the servers' database
        variant = await last_units(api, 2, 1)
        limits = httpx.Limits(max_connections=BUYERS)
        clients: list[Any] = [httpx.AsyncClient(base_url=url, timeout=60, limits=limits) for url in two_servers]
        try:
            judge(await race(api, variant, clients), 3)
            # one Idempotency-Key sent to both processes at once: still one order
            basket_id, headers = await basket(api, (await last_units(api, 5), 1), client=clients[0])
            same = await asyncio.gather(*(checkout(api, basket_id, headers, key="both", client=clients[i % 2])
                                          for i in range(10)))  # fmt: skip
            assert len({r.json()["id"] for r in same if r.status_code == 201}) == 1
            assert all(r.status_code in (201, 409) for r in same)
        finally:
            for client in clients:
                await client.aclose()
        assert await available(api, variant) == 0 and await stock(api, variant) == (3, 3)
