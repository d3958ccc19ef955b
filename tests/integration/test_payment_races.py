"""Payments under concurrency, on SQLite and PostgreSQL, over HTTP: one charge per Idempotency-Key and per
order, one effect per callback however often and however concurrently it is delivered, and refunds that
never sum above the capture."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from adapters.sql.tables import outbox, payment_transactions
from ports.uow import UnitOfWork
from tests.integration.http.conftest import Api, User, running_api
from tests.integration.http.test_payments import form_of
from tests.unit.payments.orders import CARD, THREE_DS, place_order, sandbox


@pytest.fixture(params=["sqlite", "postgresql"])
async def api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    async with running_api(request.param, url, tmp_path) as built:
        await sandbox(built.resolve(UnitOfWork))
        yield built


async def count(api: Api, stmt: Any) -> int:
    async with api.resolve("engine").connect() as conn:
        return int(await conn.scalar(stmt))


def charges(order_id: uuid.UUID) -> Any:
    return sa.select(sa.func.count()).select_from(payment_transactions).where(
        payment_transactions.c.order_id == order_id)  # fmt: skip


async def order_for(api: Api, user: User, total: str = "100.00") -> uuid.UUID:
    order_id, _ = await place_order(api.resolve(UnitOfWork), user_id=uuid.UUID(user.id), total=total)
    return order_id


async def test_ten_concurrent_payments_with_one_key_charge_once(api: Api) -> None:
    user = await api.customer()
    order_id = await order_for(api, user)
    headers = {**user.headers, "Idempotency-Key": uuid.uuid4().hex}
    body = {"payment_method": "sandbox", "card": CARD}
    responses = await asyncio.gather(*(api.client.post(f"/api/v1/orders/{order_id}/payments", headers=headers,
                                                       json=body) for _ in range(10)))  # fmt: skip
    codes = sorted(r.status_code for r in responses)
    assert set(codes) <= {201, 409}, [r.text for r in responses]
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    assert all(r.json()["code"] == "idempotency_key_in_progress" for r in responses if r.status_code == 409)
    assert await count(api, charges(order_id)) == 1
    replay = await api.client.post(f"/api/v1/orders/{order_id}/payments", headers=headers, json=body)
    assert replay.status_code == 201 and replay.json()["id"] in created


async def test_ten_concurrent_payments_with_different_keys_charge_once(api: Api) -> None:
    user = await api.customer()
    order_id = await order_for(api, user)
    responses = await asyncio.gather(*(api.client.post(
        f"/api/v1/orders/{order_id}/payments", headers={**user.headers, "Idempotency-Key": uuid.uuid4().hex},
        json={"payment_method": "sandbox", "card": CARD}) for _ in range(10)))  # fmt: skip
    succeeded = [r for r in responses if r.status_code == 201 and r.json()["status"] == "succeeded"]
    assert len(succeeded) == 1, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code != 201} <= {
        "payment_in_progress",
        "order_already_paid",
    }
    assert await count(api, charges(order_id)) == 1


async def test_duplicate_and_racing_callbacks_have_one_effect(api: Api) -> None:
    user = await api.customer()
    order_id = await order_for(api, user)
    started = await api.client.post(f"/api/v1/orders/{order_id}/payments",
                                    headers={**user.headers, "Idempotency-Key": uuid.uuid4().hex},
                                    json={"payment_method": "sandbox", "card": THREE_DS})  # fmt: skip
    redirect = urlsplit(started.json()["redirect_url"])
    action, fields = form_of((await api.client.get(f"{redirect.path}?{redirect.query}")).text, "approve")
    _, denied = form_of((await api.client.get(f"{redirect.path}?{redirect.query}")).text, "deny")
    deliveries = [fields] * 8 + [denied] * 2  # the browser, the provider's retries, and a racing "deny"
    responses = await asyncio.gather(*(api.client.post(urlsplit(action).path, data=f) for f in deliveries))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    final = await api.client.get(f"/api/v1/orders/{order_id}/payments/{started.json()['id']}", headers=user.headers)
    status = final.json()["status"]
    assert status in ("succeeded", "failed")
    events = (
        sa.select(sa.func.count()).select_from(outbox).where(outbox.c.name.in_(["payment.succeeded", "payment.failed"]))
    )
    assert await count(api, events) == 1
    async with api.resolve(UnitOfWork) as uow:
        order = await uow.orders.get(order_id)
    assert order.status == ("confirmed" if status == "succeeded" else "pending")


async def test_five_concurrent_refunds_never_exceed_the_capture(api: Api) -> None:
    user, staff = await api.customer(), await api.staff("payments.manage")
    order_id = await order_for(api, user, "100.00")
    paid = await api.client.post(f"/api/v1/orders/{order_id}/payments",
                                 headers={**user.headers, "Idempotency-Key": uuid.uuid4().hex},
                                 json={"payment_method": "sandbox", "card": CARD})  # fmt: skip
    url = f"/api/v1/admin/payments/{paid.json()['id']}/refunds"
    responses = await asyncio.gather(*(api.client.post(url, headers=staff.headers, json={
        "amount": {"amount": "30.00", "currency": "TRY"}, "reason": f"refund {n}"}) for n in range(5)))  # fmt: skip
    refunded = [r for r in responses if r.status_code == 201]
    assert all(r.json()["status"] == "succeeded" for r in refunded)
    assert {r.json()["code"] for r in responses if r.status_code != 201} <= {"refund_exceeds_captured", "stale_write"}
    assert 1 <= len(refunded) <= 3, [r.text for r in responses]
    if api.kind == "postgresql":
        assert len(refunded) == 3  # the row lock queues them: each sees what the others took
    detail = (await api.client.get(f"/api/v1/admin/payments/{paid.json()['id']}", headers=staff.headers)).json()
    assert Decimal(detail["refunded_amount"]["amount"]) == 30 * len(refunded) <= 100
    async with api.resolve(UnitOfWork) as uow:
        assert (await uow.orders.get(order_id)).refunded_amount == 30 * len(refunded)
