"""The payments repositories: the same answers from the memory, SQLite and PostgreSQL adapters
(ports/payments.py), including one open payment per order and refunds within the capture."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from core.payments.model import PaymentMethod, PaymentProvider, PaymentRefund, PaymentTransaction
from core.shared.errors import Conflict, NotFound
from core.shared.money import Money
from core.shared.pagination import PageRequest
from tests.integration.contract.conftest import Backend
from tests.unit.payments.orders import place_order


async def method(backend: Backend, code: str = "card") -> PaymentMethod:
    async with backend.uow() as uow:
        provider = PaymentProvider(name="Sandbox", code=f"p-{uuid.uuid4().hex[:8]}", configuration={"k": "v"})
        made = PaymentMethod(name="Kart", code=code, provider_id=provider.id, min_amount=Decimal("1.50"))
        await uow.payment_providers.add(provider)
        await uow.payment_methods.add(made)
        await uow.commit()
    return made


def transaction(order_id: uuid.UUID, m: PaymentMethod, **fields: object) -> PaymentTransaction:
    return PaymentTransaction(order_id=order_id, method_id=m.id, method_code=m.code, provider_code="sandbox",
                              amount=Decimal("100.00"), currency="TRY", **fields)  # type: ignore[arg-type]  # fmt: skip


async def test_providers_and_methods_round_trip(backend: Backend) -> None:
    m = await method(backend)
    async with backend.uow() as uow:
        found = await uow.payment_methods.by_code("card")
        assert found is not None and found.min_amount == Decimal("1.50") and found.max_amount is None
        provider = await uow.payment_providers.find(found.provider_id)
        assert provider is not None and provider.configuration == {"k": "v"}
        assert await uow.payment_methods.uses_provider(provider.id)
        assert [x.code for x in await uow.payment_methods.list()] == ["card"]
        found.delete(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.payment_methods.by_code("card") is None
        with pytest.raises(NotFound):
            await uow.payment_methods.get(m.id)
        assert await uow.payment_providers.find(uuid.uuid4()) is None


async def test_transactions_by_order_provider_id_and_pages(backend: Backend) -> None:
    m = await method(backend)
    order_id, _ = await place_order(backend.uow())
    other, _ = await place_order(backend.uow())
    async with backend.uow() as uow:
        first = transaction(order_id, m, status="failed", provider_transaction_id="p-1")
        await uow.payment_transactions.add(first)
        await uow.commit()
    async with backend.uow() as uow:
        second = transaction(order_id, m, status="succeeded", provider_transaction_id="p-2")
        await uow.payment_transactions.add(second)
        await uow.payment_transactions.add(transaction(other, m, status="failed"))
        await uow.commit()
    async with backend.uow() as uow:
        assert [t.id for t in await uow.payment_transactions.of_order(order_id)] == [first.id, second.id]
        found = await uow.payment_transactions.by_provider_id("sandbox", "p-2")
        assert found is not None and found.id == second.id
        assert await uow.payment_transactions.by_provider_id("sandbox", "nope") is None
        page = await uow.payment_transactions.list(PageRequest(limit=1), order_id=order_id)
        assert [t.id for t in page.items] == [second.id] and page.next_cursor
        rest = await uow.payment_transactions.list(PageRequest(limit=5, cursor=page.next_cursor), order_id=order_id)
        assert [t.id for t in rest.items] == [first.id]
        assert len((await uow.payment_transactions.list(PageRequest(limit=10))).items) == 3


async def test_one_open_payment_per_order(backend: Backend) -> None:
    m = await method(backend)
    order_id, _ = await place_order(backend.uow())
    async with backend.uow() as uow:
        await uow.payment_transactions.add(transaction(order_id, m, status="requires_action"))
        await uow.commit()
    async with backend.uow() as uow:
        with pytest.raises(Conflict) as caught:
            await uow.payment_transactions.add(transaction(order_id, m, status="pending"))
            await uow.commit()
    assert caught.value.code == "payment_in_progress"


async def test_refund_reservations_and_refunds(backend: Backend) -> None:
    m = await method(backend)
    order_id, _ = await place_order(backend.uow())
    tx = transaction(order_id, m, status="succeeded")
    async with backend.uow() as uow:
        await uow.payment_transactions.add(tx)
        await uow.commit()
    async with backend.uow() as uow:
        locked = await uow.payment_transactions.locked(tx.id)
        locked.reserve_refund(Money.of("70.00", "TRY"))
        await uow.payment_refunds.add(PaymentRefund(transaction_id=tx.id, order_id=order_id, amount=Decimal("70.00"),
                                                    currency="TRY", reason="x"))  # fmt: skip
        await uow.commit()
    async with backend.uow() as uow:
        locked = await uow.payment_transactions.locked(tx.id)
        assert locked.refundable == Money.of("30.00", "TRY")
        with pytest.raises(Conflict):
            locked.reserve_refund(Money.of("30.01", "TRY"))
        assert [r.money for r in await uow.payment_refunds.of_transaction(tx.id)] == [Money.of("70.00", "TRY")]
        with pytest.raises(NotFound):
            await uow.payment_transactions.locked(uuid.uuid4())
