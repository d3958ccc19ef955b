"""SQL repositories of the catalog's aggregates."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, keyset_page, like_escaped
from core.catalog.model import Brand, Category, OptionKey, Product, Variant
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key


def _like(q: str) -> str:
    return f"%{like_escaped(search_key(q))}%"


class _Coded(_Repo):
    table: sa.Table

    async def by_code(self, code: str) -> Any | None:
        return await self._first(sa.select(self.model).where(self.table.c.code == code))

    async def by_slug(self, slug: str) -> Any | None:
        return await self._first(sa.select(self.model).where(self.table.c.slug == slug))

    async def slugs_like(self, base: str) -> set[str]:
        escaped = like_escaped(base)
        stmt = sa.select(self.table.c.slug).where(
            ~self.table.c.is_deleted,
            sa.or_(self.table.c.slug == base, self.table.c.slug.like(f"{escaped}-%", escape="\\")))  # fmt: skip
        return set((await self.session.scalars(stmt)).all())


class SqlCategories(_Coded):
    model, entity_name, table = Category, "category", t.categories

    async def parents(self) -> dict[uuid.UUID, uuid.UUID | None]:
        rows = await self.session.execute(sa.select(t.categories.c.id, t.categories.c.parent_id)
                                          .where(~t.categories.c.is_deleted))  # fmt: skip
        return {row.id: row.parent_id for row in rows}

    async def list(self) -> list[Category]:
        return [self._seen(c) for c in (await self.session.scalars(sa.select(Category))).all()]


class SqlBrands(_Coded):
    model, entity_name, table = Brand, "brand", t.brands

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Brand]:
        stmt = sa.select(Brand)
        if q:
            # Brands keep no search_key column and SQL's lower() does not fold Turkish letters (SQLite's
            # not even non-ASCII case): match the folded text here, as the memory adapter does.
            b = t.brands.c
            wanted = search_key(q)
            rows = await self.session.execute(sa.select(b.id, b.name, b.code).where(~b.is_deleted))
            stmt = stmt.where(b.id.in_([r.id for r in rows if wanted in search_key(f"{r.name} {r.code}")]))
        return await keyset_page(self.session, stmt, page, [t.brands.c.created_at, t.brands.c.id])


class SqlOptionKeys(_Repo):
    model, entity_name = OptionKey, "option key"

    async def by_key(self, key: str) -> OptionKey | None:
        for found in (await self.session.scalars(sa.select(OptionKey))).all():
            if search_key(found.key) == search_key(key):
                return self._seen(found)  # type: ignore[no-any-return]
        return None

    async def of_values(self, value_ids: list[uuid.UUID]) -> list[OptionKey]:
        if not value_ids:
            return []
        owners = sa.select(t.option_values.c.option_key_id).where(t.option_values.c.id.in_(value_ids))
        found = await self.session.scalars(sa.select(OptionKey).where(t.option_keys.c.id.in_(owners)))
        return [self._seen(k) for k in found.all()]

    async def list(self) -> list[OptionKey]:
        return [self._seen(k) for k in (await self.session.scalars(sa.select(OptionKey))).all()]


class SqlProducts(_Coded):
    model, entity_name, table = Product, "product", t.products

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Product]:
        stmt = sa.select(Product)
        if q:
            stmt = stmt.where(t.products.c.search_key.like(_like(q), escape="\\"))
        return await keyset_page(self.session, stmt, page, [t.products.c.created_at, t.products.c.id])

    async def uses(self, *, brand_id: uuid.UUID | None = None, category_id: uuid.UUID | None = None) -> bool:
        p = t.products.c
        stmt = sa.select(p.id).where(~p.is_deleted, sa.or_(p.brand_id == brand_id, p.category_id == category_id))
        return (await self.session.execute(stmt.limit(1))).first() is not None

    async def refresh_listing(self, product_id: uuid.UUID) -> None:
        await self.session.flush()
        # One refresh per product at a time (PostgreSQL; SQLite's writers queue anyway): a concurrent one would
        # compute without this transaction's prices and collide on the listing's key. NO KEY UPDATE, because
        # the variants just inserted hold KEY SHARE on the product (their foreign key).
        await self.session.execute(sa.select(t.products.c.id).where(t.products.c.id == product_id)
                                   .with_for_update(key_share=True))  # fmt: skip
        v, pr = t.variants.c, t.variant_prices.c
        rows = await self.session.execute(
            sa.select(pr.currency, pr.amount, pr.discount).join(t.variants, v.id == pr.variant_id)
            .where(v.product_id == product_id, v.is_active, ~v.is_deleted, pr.is_active, ~pr.is_deleted))  # fmt: skip
        best: dict[str, tuple[Any, Any]] = {}
        for currency, amount, discount in rows:
            sale = amount - discount
            if currency not in best or sale < best[currency][0]:
                best[currency] = (sale, amount if discount else None)
        await self.session.execute(sa.delete(t.product_listing).where(t.product_listing.c.product_id == product_id))
        if best:
            await self.session.execute(sa.insert(t.product_listing), [
                {"product_id": product_id, "currency": c, "min_price": sale, "compare_at": compare}
                for c, (sale, compare) in best.items()
            ])  # fmt: skip


class SqlVariants(_Coded):
    model, entity_name, table = Variant, "variant", t.variants

    async def of_product(self, product_id: uuid.UUID) -> list[Variant]:
        stmt = sa.select(Variant).where(t.variants.c.product_id == product_id).order_by(
            t.variants.c.created_at, t.variants.c.code)  # fmt: skip
        return [self._seen(v) for v in (await self.session.scalars(stmt)).all()]

    async def uses_values(self, value_ids: list[uuid.UUID]) -> bool:
        if not value_ids:
            return False
        v = t.variants.c
        stmt = sa.select(v.id).where(~v.is_deleted, sa.or_(*(v.combination.contains(str(i)) for i in value_ids)))
        return (await self.session.execute(stmt.limit(1))).first() is not None
