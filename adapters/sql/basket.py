"""SQL repository of baskets, and the catalog read that prices them."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.discounts import category_lineages
from adapters.sql.repositories import _Repo
from core.basket.model import Basket
from core.basket.pricing import Offer
from core.promotions.discounts import discounted, target_of
from core.shared.money import Money
from core.shared.time import utcnow


class SqlBaskets(_Repo):
    model, entity_name = Basket, "basket"

    async def get(self, basket_id: uuid.UUID, *, for_update: bool = False) -> Basket | None:
        """`for_update` locks the basket's row (PostgreSQL) so concurrent changes queue instead of colliding."""
        stmt = sa.select(Basket).where(t.baskets.c.id == basket_id)
        if for_update:
            stmt = stmt.with_for_update(of=t.baskets).execution_options(populate_existing=True)
        return await self._first(stmt)  # type: ignore[no-any-return]

    async def for_user(self, user_id: uuid.UUID) -> Basket | None:
        b = t.baskets.c
        return await self._first(sa.select(Basket).where(b.user_id == user_id, b.status == "active"))  # type: ignore[no-any-return]

    async def offers(self, variant_ids: Collection[uuid.UUID], currency: str) -> dict[uuid.UUID, Offer]:
        if not variant_ids:
            return {}
        v, p, vp = t.variants.c, t.products.c, t.variant_prices.c
        stmt = (
            sa.select(v.id, v.product_id, v.name, v.code, v.is_active, p.name.label("product_name"),
                      p.is_active.label("product_active"), p.tax_rate, p.brand_id, p.category_id, vp.amount,
                      vp.discount)
            .select_from(t.variants.join(t.products, p.id == v.product_id).outerjoin(
                t.variant_prices,
                sa.and_(vp.variant_id == v.id, vp.currency == currency, vp.is_active, vp.is_deleted == sa.false())))
            .where(v.id.in_(set(variant_ids)), v.is_deleted == sa.false(), p.is_deleted == sa.false())
        )  # fmt: skip
        found: dict[uuid.UUID, Offer] = {}
        rows = (await self.session.execute(stmt)).all()
        discounts = await self.uow.discounts.live(currency, utcnow())  # standalone discounts lower the price
        lineages = await category_lineages(self.session, discounts)
        for row in rows:
            sale = None if row.amount is None else Money.rounded(row.amount - row.discount, currency)
            if sale is not None and discounts:
                target = target_of(row.id, row.product_id, row.brand_id, row.category_id, lineages)
                sale = discounted(Money.rounded(row.amount, currency), sale, target, discounts)
            found[row.id] = Offer(variant_id=row.id, product_id=row.product_id,
                                  product_name=row.product_name, variant_name=row.name, sku=row.code, price=sale,
                                  tax_rate=row.tax_rate, active=bool(row.is_active and row.product_active),
                                  brand_id=row.brand_id, category_id=row.category_id)  # fmt: skip
        return found

    async def abandon_idle(self, before: datetime, batch: int) -> int:
        b = t.baskets.c
        idle = (sa.select(b.id).where(b.status == "active", b.last_activity_at < before, b.is_deleted == sa.false())
                .order_by(b.last_activity_at).limit(batch))  # fmt: skip
        stmt = (sa.update(t.baskets).where(b.id.in_(idle.scalar_subquery()), b.status == "active")
                .values(status="abandoned", version=b.version + 1))  # fmt: skip
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
