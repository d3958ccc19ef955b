"""The OrderRepository contract on memory, SQLite and PostgreSQL: orders round-trip with their lines, history
and exact money; lists page and filter; order numbers never repeat, also across concurrent transactions; a
locked order makes a concurrent status change wait and see the first one's result."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.ordering.model import Order, OrderLine, number_for
from core.shared.errors import Conflict
from core.shared.pagination import PageRequest
from core.shared.time import utcnow
from tests.integration.contract.builders import account, walk
from tests.integration.contract.conftest import Backend, _backend
from tests.unit.ordering.shop import Shop

ADDRESS = {"recipient_name": "Ayşe Yılmaz", "phone": "+905321234567", "country": "TR", "city_id": None,
           "city": "İstanbul", "township_id": None, "township": "Kadıköy", "district_id": None, "district": None,
           "postal_code": "34710", "line": "Moda Cad. 1"}  # fmt: skip


async def variant_id(backend: Backend) -> uuid.UUID:
    return (await Shop(backend.container).variant()).id


def an_order(variant: uuid.UUID, *, number: str | None = None, user_id: uuid.UUID | None = None,
             **fields: Any) -> Order:  # fmt: skip
    order = Order(number=number or f"CRS-2026-{uuid.uuid4().int % 10**6:06d}", user_id=user_id,
                  email="ayse@example.com", currency="TRY", subtotal_amount=Decimal("399.80"),
                  shipping_amount=Decimal("29.90"), tax_amount=Decimal("71.62"), total_amount=Decimal("429.70"),
                  tax_lines=[{"rate": "20", "amount": "71.62"}], shipping_address=ADDRESS,
                  billing_address={**ADDRESS, "recipient_name": "Fatura"}, payment_method="sandbox",
                  estimated_delivery_date=date(2026, 12, 1), **fields)  # fmt: skip
    order.lines = [OrderLine(order_id=order.id, position=0, variant_id=variant, product_name="Tişört",
                             variant_name="Kırmızı M", sku="TS-1", quantity=2, unit_price=Decimal("199.90"),
                             total_price=Decimal("399.80"), tax_rate=Decimal(20),
                             tax_amount=Decimal("66.63"))]  # fmt: skip
    order.placed(utcnow(), user_id)
    return order


async def add(backend: Backend, *orders: Order) -> None:
    async with backend.uow() as uow:
        for order in orders:
            await uow.orders.add(order)
        await uow.commit()


async def test_an_order_round_trips_with_lines_history_money_and_addresses(backend: Backend) -> None:
    order = an_order(await variant_id(backend))
    await add(backend, order)
    async with backend.uow() as uow:
        got = await uow.orders.get(order.id)
        assert got.number == order.number and got.status == "pending" and got.version == 1
        assert got.total.amount == Decimal("429.70") and str(got.subtotal.amount) == "399.80"
        assert got.refunded.is_zero and got.tax_lines == [{"rate": "20", "amount": "71.62"}]
        assert got.shipping_address == ADDRESS and got.billing_address["recipient_name"] == "Fatura"
        assert got.estimated_delivery_date == date(2026, 12, 1)
        [line] = got.lines
        assert (line.quantity, line.unit_price, line.total_price, line.tax_rate, line.tax_amount) == (
            2, Decimal("199.90"), Decimal("399.80"), Decimal(20), Decimal("66.63"))  # fmt: skip
        assert [(h.from_status, h.to_status) for h in got.history] == [(None, "pending")]
        assert (await uow.orders.by_number(order.number)) is not None
        assert await uow.orders.by_number("CRS-1999-000000") is None
        got.move_to("confirmed", by=None, at=utcnow())
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.orders.get(order.id, for_update=True)
        assert got.status == "confirmed" and [h.to_status for h in got.history] == ["pending", "confirmed"]
        assert len(await uow.outbox.pending(100)) >= 2  # order.placed and order.confirmed, with the rows


async def test_lists_page_newest_first_filter_by_owner_and_status_and_find_the_unpaid(backend: Backend) -> None:
    variant = await variant_id(backend)
    person = account()
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    mine = [an_order(variant, user_id=person.id) for _ in range(3)]
    others = [an_order(variant) for _ in range(2)]
    for order in [*mine, *others]:
        await add(backend, order)
        await asyncio.sleep(0.002)  # distinct created_at
    async with backend.uow() as uow:
        confirmed = await uow.orders.get(others[0].id)
        confirmed.move_to("confirmed", by=None, at=utcnow())
        await uow.commit()
    async with backend.uow() as uow:
        listed = await walk(lambda cursor: uow.orders.of_user(person.id, PageRequest(limit=2, cursor=cursor)))
        assert [o.id for o in listed] == [o.id for o in reversed(mine)]
        pending = await walk(lambda cursor: uow.orders.list(PageRequest(limit=2, cursor=cursor), status="pending"))
        assert {o.id for o in pending} >= {o.id for o in [*mine, others[1]]} and others[0].id not in {
            o.id for o in pending}  # fmt: skip
        assert [o.id for o in (await uow.orders.list(PageRequest(), status="confirmed")).items] == [others[0].id]
        due = await uow.orders.unpaid_before(utcnow() + timedelta(seconds=1))
        assert due[:3] == [o.id for o in mine] and others[0].id not in due
        assert await uow.orders.unpaid_before(utcnow() - timedelta(hours=1)) == []
        assert len(await uow.orders.unpaid_before(utcnow() + timedelta(seconds=1), limit=2)) == 2


async def test_order_numbers_never_repeat_even_when_a_transaction_rolls_back(backend: Backend) -> None:
    async with backend.uow() as uow:
        first = await uow.orders.next_number()
        await uow.commit()
    async with backend.uow() as uow:
        await uow.orders.next_number()  # rolled back below
    async with backend.uow() as uow:
        later = await uow.orders.next_number()
        await uow.commit()
    assert later > first
    assert number_for(2026, 123) == "CRS-2026-000123" and number_for(2027, 1234567) == "CRS-2027-1234567"


async def test_concurrent_transactions_get_distinct_numbers(backend: Backend) -> None:
    async def one() -> int:
        async with backend.uow() as uow:
            n = await uow.orders.next_number()
            await asyncio.sleep(0.01)
            await uow.commit()
            return n

    numbers = await asyncio.gather(*(one() for _ in range(10)))
    assert len(set(numbers)) == 10


@pytest.fixture
async def sql_backend(sql_url: str, tmp_path: Path) -> AsyncIterator[Backend]:
    """SQLite and PostgreSQL: what only a database constraint holds."""
    async for b in _backend("sqlite" if sql_url.startswith("sqlite") else "postgresql", sql_url, tmp_path):
        yield b


async def test_a_duplicate_number_is_refused_by_the_database(sql_backend: Backend) -> None:
    backend = sql_backend
    variant = await variant_id(backend)
    await add(backend, an_order(variant, number="CRS-2026-000001"))
    with pytest.raises(Conflict):
        await add(backend, an_order(variant, number="CRS-2026-000001"))


async def test_a_stale_order_write_is_a_conflict(pg_backend: Backend) -> None:
    """PostgreSQL: two transactions overlapping (SQLite runs one writer at a time, BEGIN IMMEDIATE)."""
    backend = pg_backend
    order = an_order(await variant_id(backend))
    await add(backend, order)
    async with backend.uow() as first, backend.uow() as second:
        a, b = await first.orders.get(order.id), await second.orders.get(order.id)
        a.move_to("confirmed", by=None, at=utcnow())
        await first.commit()
        b.cancel(by=None, at=utcnow(), reason="late")
        with pytest.raises(Conflict) as caught:
            await second.commit()
    assert caught.value.code == "stale_write"


async def test_a_locked_order_makes_a_second_writer_wait_and_read_the_first_ones_change(pg_backend: Backend) -> None:
    backend = pg_backend
    order = an_order(await variant_id(backend))
    await add(backend, order)
    locked, seen = asyncio.Event(), []

    async def first() -> None:
        async with backend.uow() as uow:
            got = await uow.orders.get(order.id, for_update=True)
            locked.set()
            await asyncio.sleep(0.3)
            got.cancel(by=None, at=utcnow(), reason="first")
            await uow.commit()

    async def second() -> None:
        await locked.wait()
        async with backend.uow() as uow:
            got = await uow.orders.get(order.id, for_update=True)  # waits for `first` to commit
            seen.append(got.status)

    await asyncio.gather(first(), second())
    assert seen == ["cancelled"]
