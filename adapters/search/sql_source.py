"""The catalog as the search index needs it, read from the SQL tables (committed rows)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import tables as t
from adapters.sql.catalog_views import reading
from core.catalog.model import descendants
from core.catalog.views import Ref
from core.search.documents import SearchDocument

p, b, c, v, li = t.products.c, t.brands.c, t.categories.c, t.variants.c, t.product_listing.c


def _visible(cols: Any) -> Any:
    return sa.and_(cols.is_active, ~cols.is_deleted)


class SqlSearchSource:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = reading(engine)

    async def affected(self, entity: str, entity_id: uuid.UUID, since: datetime) -> list[uuid.UUID]:
        if entity == "product":
            return [entity_id]
        async with self.engine.connect() as conn:
            if entity == "catalog":
                return list((await conn.scalars(_touched(since))).all())
            if entity == "variant":
                stmt = sa.select(v.product_id).where(v.id == entity_id)
            elif entity == "brand":
                stmt = sa.select(p.id).where(p.brand_id == entity_id, ~p.is_deleted)
            elif entity == "category":
                parents = {row.id: row.parent_id for row in await conn.execute(sa.select(c.id, c.parent_id))}
                under = descendants(entity_id, parents) if entity_id in parents else {entity_id}
                stmt = sa.select(p.id).where(p.category_id.in_(under), ~p.is_deleted)
            else:
                return []
            return list((await conn.scalars(stmt)).all())

    async def product_ids(self) -> list[uuid.UUID]:
        async with self.engine.connect() as conn:
            return list((await conn.scalars(sa.select(p.id).where(~p.is_deleted).order_by(p.id))).all())

    async def documents(self, product_ids: Sequence[uuid.UUID]) -> list[SearchDocument]:
        if not product_ids:
            return []
        ids = list(product_ids)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(
                sa.select(p.id, p.version, p.name, p.slug, p.code, p.barcode, p.description, p.specifications,
                          p.tax_rate, p.created_at, b.id.label("brand_id"), b.name.label("brand_name"),
                          b.slug.label("brand_slug"), c.id.label("cat_id"), c.name.label("cat_name"),
                          c.slug.label("cat_slug"))
                .join(t.brands, b.id == p.brand_id).join(t.categories, c.id == p.category_id)
                .where(p.id.in_(ids), _visible(p), _visible(b), _visible(c))
            )).mappings().all()  # fmt: skip
            tree = {r.id: (r.parent_id, r.name) for r in await conn.execute(sa.select(c.id, c.parent_id, c.name))}
            variants: dict[uuid.UUID, list[str]] = {}
            for r in await conn.execute(sa.select(v.product_id, v.code, v.name, v.barcode)
                                        .where(v.product_id.in_(ids), _visible(v))):  # fmt: skip
                variants.setdefault(r.product_id, []).extend(x for x in (r.code, r.name, r.barcode) if x)
            prices: dict[uuid.UUID, dict[str, tuple[Decimal, Decimal | None]]] = {}
            for r in await conn.execute(sa.select(li.product_id, li.currency, li.min_price, li.compare_at)
                                        .where(li.product_id.in_(ids))):  # fmt: skip
                prices.setdefault(r.product_id, {})[r.currency] = (r.min_price, r.compare_at)
            stocked = set((await conn.scalars(_stocked(ids))).all())
        return [_document(r, _path(r["cat_id"], tree), variants.get(r["id"], []), prices.get(r["id"], {}),
                          r["id"] in stocked) for r in rows]  # fmt: skip


def _touched(since: datetime) -> Any:
    """Products changed at `since` or later, themselves or through their variants, prices, brand or category."""
    pr = t.variant_prices.c
    variants = sa.select(v.product_id).where(v.updated_at >= since)
    prices = sa.select(v.product_id).join(t.variant_prices, pr.variant_id == v.id).where(pr.updated_at >= since)
    return (
        sa.select(p.id).join(t.brands, b.id == p.brand_id).join(t.categories, c.id == p.category_id)
        .where(sa.or_(p.updated_at >= since, b.updated_at >= since, c.updated_at >= since,
                      p.id.in_(variants), p.id.in_(prices)))
    )  # fmt: skip


def _path(category_id: uuid.UUID, tree: dict[uuid.UUID, tuple[uuid.UUID | None, str]]) -> tuple[str, ...]:
    names: list[str] = []
    node: uuid.UUID | None = category_id
    while node is not None and node in tree and len(names) < 50:
        parent, name = tree[node]
        names.append(name)
        node = parent
    return tuple(names)


def _stocked(ids: list[uuid.UUID]) -> Any:
    """Those of the products with an active variant on sale (stock in an active warehouse above what is reserved)."""
    st, wh = t.stock.c, t.warehouses.c
    return (sa.select(v.product_id).distinct().join(t.stock, st.variant_id == v.id)
            .join(t.warehouses, wh.id == st.warehouse_id)
            .where(v.product_id.in_(ids), _visible(v), _visible(wh), st.quantity > st.reserved_quantity))  # fmt: skip


def _document(r: Any, path: tuple[str, ...], variants: list[str],
              prices: dict[str, tuple[Decimal, Decimal | None]], in_stock: bool) -> SearchDocument:  # fmt: skip
    return SearchDocument(
        id=r["id"], version=r["version"], name=r["name"], slug=r["slug"], code=r["code"], barcode=r["barcode"],
        brand=Ref(r["brand_id"], r["brand_name"], r["brand_slug"]), category=Ref(r["cat_id"], r["cat_name"],
        r["cat_slug"]), category_path=path, variant_texts=tuple(variants), description=r["description"],
        specifications=tuple(x for s in r["specifications"] for x in (s["key"], s["value"])),
        tax_rate=r["tax_rate"], created_at=r["created_at"], prices=prices, in_stock=in_stock,
    )  # fmt: skip
