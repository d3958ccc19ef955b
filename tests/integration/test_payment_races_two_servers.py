"""The payment races of test_payment_races.py with two API processes serving the same PostgreSQL and Redis, as in
production behind a load balancer; the requests of each race alternate between the two processes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa

from adapters.sql.tables import outbox
from ports.uow import UnitOfWork
from tests.integration.http.conftest import PASSWORD, Api, running_api
from tests.integration.http.test_payments import form_of
from tests.integration.payments.fake_iyzico import APPROVED, bank_form, serving
from tests.integration.servers import two_api_processes
from tests.integration.test_payment_races import charges, count
from tests.unit.payments.orders import CARD, THREE_DS, place_order, sandbox
from tests.unit.payments.webhooks import SECRET, iyzico_provider, notice_about, signature

Client = httpx.AsyncClient


@pytest.fixture
def two_servers(pg_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    with two_api_processes(pg_url, redis_url, tmp_path) as urls:
        yield urls


@pytest.fixture
async def api(two_servers: list[str], pg_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """An app of this test's own on the servers' database, for setting up and for looking."""
    async with running_api("postgresql", pg_url, tmp_path) as built:
        await sandbox(built.resolve(UnitOfWork))
        yield built


@pytest.fixture
async def clients(two_servers: list[str]) -> AsyncIterator[list[httpx.AsyncClient]]:
    made = [httpx.AsyncClient(base_url=url, timeout=60) for url in two_servers]
    try:
        yield made
    finally:
        for client in made:
            await client.aclose()


async def guest_order(api: Api, total: str = "100.00") -> tuple[uuid.UUID, dict[str, str]]:
    order_id, token = await place_order(api.resolve(UnitOfWork), total=total)
    assert token is not None
    return order_id, {"X-Order-Token": token}


async def pay(client: httpx.AsyncClient, order_id: uuid.UUID, headers: dict[str, str], card: dict[str, Any]) -> Any:
    return await client.post(f"/api/v1/orders/{order_id}/payments", json={"payment_method": "sandbox", "card": card},
                             headers={**headers, "Idempotency-Key": uuid.uuid4().hex})  # fmt: skip


async def test_ten_payments_with_one_key_over_two_processes_charge_once(api: Api, clients: list[Client]) -> None:
    order_id, headers = await guest_order(api)
    headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    body = {"payment_method": "sandbox", "card": CARD}
    answers = await asyncio.gather(*(clients[n % 2].post(f"/api/v1/orders/{order_id}/payments", headers=headers,
                                                         json=body) for n in range(10)))  # fmt: skip
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    assert all(a.json()["code"] == "idempotency_key_in_progress" for a in answers if a.status_code == 409)
    assert await count(api, charges(order_id)) == 1
    async with api.resolve(UnitOfWork) as uow:
        assert (await uow.orders.get(order_id)).status == "confirmed"


async def test_five_refunds_over_two_processes_never_exceed_the_capture(api: Api, clients: list[Client]) -> None:
    order_id, headers = await guest_order(api, "100.00")
    paid = await pay(clients[0], order_id, headers, CARD)
    assert paid.status_code == 201 and paid.json()["status"] == "succeeded", paid.text
    staff = await api.staff("payments.manage")
    login = await clients[1].post("/api/v1/auth/token", json={"email": staff.email, "password": PASSWORD})
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    url = f"/api/v1/admin/payments/{paid.json()['id']}/refunds"
    answers = await asyncio.gather(*(clients[n % 2].post(url, headers=auth, json={
        "amount": {"amount": "30.00", "currency": "TRY"}, "reason": f"refund {n}"}) for n in range(5)))  # fmt: skip
    refunded = [a for a in answers if a.status_code == 201]
    assert len(refunded) == 3 and all(a.json()["status"] == "succeeded" for a in refunded), [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code != 201} == {"refund_exceeds_captured"}
    detail = (await clients[0].get(f"/api/v1/admin/payments/{paid.json()['id']}", headers=auth)).json()
    assert Decimal(detail["refunded_amount"]["amount"]) == 90
    async with api.resolve(UnitOfWork) as uow:
        assert (await uow.orders.get(order_id)).refunded_amount == 90


async def test_racing_callbacks_over_two_processes_have_one_effect(api: Api, clients: list[Client]) -> None:
    order_id, headers = await guest_order(api)
    started = await pay(clients[0], order_id, headers, THREE_DS)
    assert started.json()["status"] == "requires_action", started.text
    redirect = urlsplit(started.json()["redirect_url"])
    page = (await clients[1].get(f"{redirect.path}?{redirect.query}")).text
    action, approve = form_of(page, "approve")
    _, deny = form_of(page, "deny")
    deliveries = [approve] * 8 + [deny] * 2  # the browser, the provider's retries, and a racing "deny"
    answers = await asyncio.gather(*(clients[n % 2].post(urlsplit(action).path, data=fields)
                                     for n, fields in enumerate(deliveries)))  # fmt: skip
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    final = await clients[1].get(f"/api/v1/orders/{order_id}/payments/{started.json()['id']}", headers=headers)
    status = final.json()["status"]
    assert status in ("succeeded", "failed")
    names = ["payment.succeeded", "payment.failed"]
    assert await count(api, sa.select(sa.func.count()).select_from(outbox).where(outbox.c.name.in_(names))) == 1
    async with api.resolve(UnitOfWork) as uow:
        assert (await uow.orders.get(order_id)).status == ("confirmed" if status == "succeeded" else "pending")


async def test_iyzico_notifications_racing_callbacks_over_two_processes_have_one_effect(
    api: Api, clients: list[Client]
) -> None:
    with serving(secret=SECRET) as fake:
        await iyzico_provider(api.resolve(UnitOfWork), api_key=fake.api_key, base_url=fake.url, three_ds=True)
        order_id, headers = await guest_order(api, "99.90")
        started = await clients[0].post(f"/api/v1/orders/{order_id}/payments",
                                        json={"payment_method": "card", "card": {**CARD, "number": APPROVED}},
                                        headers={**headers, "Idempotency-Key": uuid.uuid4().hex})  # fmt: skip
        assert started.json()["status"] == "requires_action", started.text
        callback, fields = bank_form((await clients[1].get(urlsplit(started.json()["redirect_url"]).path)).text)
        payload = notice_about(fields["conversationId"], fields["paymentId"])
        webhook = {"X-IYZ-SIGNATURE-V3": signature(payload)}
        answers = await asyncio.gather(*(
            clients[n % 2].post(callback, data=fields) if n % 4 < 2
            else clients[n % 2].post("/api/v1/payments/webhooks/iyzico", json=payload, headers=webhook)
            for n in range(8)))  # fmt: skip
        assert all(a.status_code in (200, 204) for a in answers), [a.text for a in answers]
        assert [p for p, _ in fake.requests].count("/payment/3dsecure/auth") <= 1
    names = ["payment.succeeded", "payment.failed"]
    assert await count(api, sa.select(sa.func.count()).select_from(outbox).where(outbox.c.name.in_(names))) == 1
    async with api.resolve(UnitOfWork) as uow:
        assert (await uow.orders.get(order_id)).status == "confirmed"
