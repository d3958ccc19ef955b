"""Payments on the memory store. `locked` is a plain read here: the store's version check at commit refuses
the second of two concurrent writers (409 stale_write), which keeps the same guarantees as the row lock."""

from __future__ import annotations

import uuid

from adapters.memory.repositories import _created, _page, _Repo
from core.payments.model import OPEN_STATUSES, PaymentMethod, PaymentProvider, PaymentRefund, PaymentTransaction
from core.shared.errors import Conflict
from core.shared.pagination import Page, PageRequest


class MemoryPaymentProviders(_Repo):
    table, entity_name, model = "payment_providers", "payment provider", PaymentProvider

    async def find(self, provider_id: uuid.UUID) -> PaymentProvider | None:
        return self._load(provider_id)  # type: ignore[no-any-return]

    async def by_code(self, code: str) -> PaymentProvider | None:
        return next((p for p in self._all() if p.code == code), None)

    async def list(self) -> list[PaymentProvider]:
        return sorted(self._all(), key=lambda p: p.code)


class MemoryPaymentMethods(_Repo):
    table, entity_name, model = "payment_methods", "payment method", PaymentMethod

    async def by_code(self, code: str) -> PaymentMethod | None:
        return next((m for m in self._all() if m.code == code), None)

    async def list(self) -> list[PaymentMethod]:
        return sorted(self._all(), key=lambda m: m.code)

    async def uses_provider(self, provider_id: uuid.UUID) -> bool:
        return any(m.provider_id == provider_id for m in self._all())


class MemoryPaymentTransactions(_Repo):
    table, entity_name, model = "payment_transactions", "payment", PaymentTransaction

    async def add(self, row: PaymentTransaction) -> None:
        """As the SQL unique index: one open (pending, requires_action, succeeded) payment per order."""
        if row.status in OPEN_STATUSES and any(
            x.order_id == row.order_id and x.status in OPEN_STATUSES and x.id != row.id for x in self._all()
        ):
            raise Conflict("another payment of this order is under way", code="payment_in_progress")
        await super().add(row)

    async def locked(self, transaction_id: uuid.UUID) -> PaymentTransaction:
        return await self.get(transaction_id)  # type: ignore[no-any-return]

    async def by_provider_id(self, provider_code: str, provider_transaction_id: str) -> PaymentTransaction | None:
        return next((x for x in self._all() if x.provider_code == provider_code
                     and x.provider_transaction_id == provider_transaction_id), None)  # fmt: skip

    async def of_order(self, order_id: uuid.UUID) -> list[PaymentTransaction]:
        return sorted((x for x in self._all() if x.order_id == order_id), key=_created)

    async def list(self, page: PageRequest, *, order_id: uuid.UUID | None = None) -> Page[PaymentTransaction]:
        return _page([x for x in self._all() if order_id is None or x.order_id == order_id], page, _created)


class MemoryPaymentRefunds(_Repo):
    table, entity_name, model = "payment_refunds", "refund", PaymentRefund

    async def of_transaction(self, transaction_id: uuid.UUID) -> list[PaymentRefund]:
        return sorted((r for r in self._all() if r.transaction_id == transaction_id), key=_created)
