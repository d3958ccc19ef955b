"""SQL repositories of the payments context."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, keyset_page
from core.payments.model import PaymentMethod, PaymentProvider, PaymentRefund, PaymentTransaction
from core.shared.errors import NotFound
from core.shared.pagination import Page, PageRequest


class SqlPaymentProviders(_Repo):
    model, entity_name = PaymentProvider, "payment provider"

    async def find(self, provider_id: uuid.UUID) -> PaymentProvider | None:
        return self._seen(await self.session.get(PaymentProvider, provider_id))  # type: ignore[no-any-return]

    async def by_code(self, code: str) -> PaymentProvider | None:
        return await self._first(sa.select(PaymentProvider).where(t.payment_providers.c.code == code))  # type: ignore[no-any-return]

    async def list(self) -> list[PaymentProvider]:
        found = await self.session.scalars(sa.select(PaymentProvider).order_by(t.payment_providers.c.code))
        return [self._seen(p) for p in found.all()]


class SqlPaymentMethods(_Repo):
    model, entity_name = PaymentMethod, "payment method"

    async def by_code(self, code: str) -> PaymentMethod | None:
        return await self._first(sa.select(PaymentMethod).where(t.payment_methods.c.code == code))  # type: ignore[no-any-return]

    async def list(self) -> list[PaymentMethod]:
        found = await self.session.scalars(sa.select(PaymentMethod).order_by(t.payment_methods.c.code))
        return [self._seen(m) for m in found.all()]

    async def uses_provider(self, provider_id: uuid.UUID) -> bool:
        return (
            await self._first(sa.select(PaymentMethod).where(t.payment_methods.c.provider_id == provider_id))
            is not None
        )


class SqlPaymentTransactions(_Repo):
    model, entity_name = PaymentTransaction, "payment"

    async def locked(self, transaction_id: uuid.UUID) -> PaymentTransaction:
        stmt = (sa.select(PaymentTransaction).where(t.payment_transactions.c.id == transaction_id)
                .with_for_update().execution_options(populate_existing=True))  # fmt: skip
        found = await self._first(stmt)
        if found is None:
            raise NotFound(f"no payment with id {transaction_id}")
        return found  # type: ignore[no-any-return]

    async def by_provider_id(self, provider_code: str, provider_transaction_id: str) -> PaymentTransaction | None:
        c = t.payment_transactions.c
        stmt = sa.select(PaymentTransaction).where(c.provider_code == provider_code,
                                                   c.provider_transaction_id == provider_transaction_id)  # fmt: skip
        return await self._first(stmt)  # type: ignore[no-any-return]

    async def of_order(self, order_id: uuid.UUID) -> list[PaymentTransaction]:
        c = t.payment_transactions.c
        found = await self.session.scalars(
            sa.select(PaymentTransaction).where(c.order_id == order_id).order_by(c.created_at, c.id)
        )
        return [self._seen(x) for x in found.all()]

    async def list(self, page: PageRequest, *, order_id: uuid.UUID | None = None) -> Page[PaymentTransaction]:
        c = t.payment_transactions.c
        stmt = sa.select(PaymentTransaction)
        if order_id is not None:
            stmt = stmt.where(c.order_id == order_id)
        return await keyset_page(self.session, stmt, page, [c.created_at, c.id])


class SqlPaymentRefunds(_Repo):
    model, entity_name = PaymentRefund, "refund"

    async def of_transaction(self, transaction_id: uuid.UUID) -> list[PaymentRefund]:
        c = t.payment_refunds.c
        found = await self.session.scalars(
            sa.select(PaymentRefund).where(c.transaction_id == transaction_id).order_by(c.created_at, c.id)
        )
        return [self._seen(x) for x in found.all()]
