"""The storefront's reads in SQL: a few Core queries per page, no aggregates loaded (cosmicpython's views)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import tables as t
from adapters.sql.discounts import category_lineages, live_discounts
from adapters.sql.repositories import like_escaped
from core.catalog.views import (
    CategoryNode,
    OptionGroup,
    OptionView,
    ProductCard,
    ProductDetail,
    ProductQuery,
    Ref,
    VariantView,
)
from core.promotions.discounts import Discount, Target, compare_at, discounted, lowest, target_of
from core.shared.money import Money
from core.shared.pagination import Page, bad_cursor, encode_cursor
from core.shared.text import search_key
from core.shared.time import utcnow

p, b, c, v, pr, li = t.products.c, t.brands.c, t.categories.c, t.variants.c, t.variant_prices.c, t.product_listing.c
_brand, _category = t.brands.alias("brand"), t.categories.alias("category")


def _visible(cols: Any) -> Any:
    return sa.and_(cols.is_active, ~cols.is_deleted)


def _on_sale(variant_id: Any) -> Any:
    """Whether the variant has units to sell: a stock row in an active warehouse with quantity above what is
    reserved (each row's available is never negative, so this is `sum(available) > 0`; ix_stock_variant)."""
    st, wh = t.stock.c, t.warehouses.c
    return (sa.select(sa.literal(1)).select_from(t.stock).join(t.warehouses, wh.id == st.warehouse_id)
            .where(st.variant_id == variant_id, st.quantity > st.reserved_quantity, _visible(wh)).exists())  # fmt: skip


def _in_stock() -> Any:
    """Whether any active, live variant of the listed product is on sale."""
    sv = t.variants.alias("stocked_variant").c
    return sa.select(sa.literal(1)).where(sv.product_id == p.id, _visible(sv), _on_sale(sv.id)).exists()


def _ref_of(row: Any, prefix: str) -> Ref:
    return Ref(row[f"{prefix}_id"], row[f"{prefix}_name"], row[f"{prefix}_slug"])


def _as_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


def _built_once() -> dict[str, Any]:
    """The storefront's fixed statements, built at import with bound parameters: SQLAlchemy then compiles each
    once (its statement cache) and psycopg prepares it on the server, instead of rebuilding per request."""
    bc, cc = _brand.c, _category.c
    product = (
        sa.select(t.products, bc.id.label("brand_id_"), bc.name.label("brand_name"), bc.slug.label("brand_slug"),
                  cc.id.label("cat_id"), cc.name.label("cat_name"), cc.slug.label("cat_slug"))
        .join(_brand, bc.id == p.brand_id).join(_category, cc.id == p.category_id)
        .where(_visible(p), _visible(bc), _visible(cc))
    )  # fmt: skip
    chain = sa.select(c.id, c.parent_id, c.name, c.slug, sa.literal(0).label("depth")).where(
        c.id == sa.bindparam("category_id", type_=sa.Uuid())).cte("chain", recursive=True)  # fmt: skip
    up = t.categories.alias("up")
    chain = chain.union_all(sa.select(up.c.id, up.c.parent_id, up.c.name, up.c.slug, chain.c.depth + 1)
                            .where(up.c.id == chain.c.parent_id))  # fmt: skip
    variants = (
        sa.select(v.id, v.code, v.slug, v.name, v.barcode, v.option_value_ids, v.created_at,
                  pr.currency, pr.amount, pr.discount, _on_sale(v.id).label("available"))
        .outerjoin(t.variant_prices, sa.and_(pr.variant_id == v.id, _visible(pr)))
        .where(v.product_id == sa.bindparam("product_id", type_=sa.Uuid()), _visible(v))
        .order_by(v.created_at, v.code, pr.currency)
    )  # fmt: skip
    ov, ok = t.option_values.c, t.option_keys.c
    return {
        "product_by_id": product.where(p.id == sa.bindparam("ref", type_=sa.Uuid())),
        "product_by_slug": product.where(p.slug == sa.bindparam("ref", type_=sa.String())),
        "breadcrumbs": sa.select(chain.c.id, chain.c.name, chain.c.slug).order_by(chain.c.depth.desc()),
        "variants": variants,
        "option_values": sa.select(ov.id, ok.key, ov.value, ov.sorting)
        .join(t.option_keys, ok.id == ov.option_key_id)
        .where(ov.id.in_(sa.bindparam("ids", expanding=True, type_=sa.Uuid()))),
        "nodes": sa.select(c.id, c.parent_id, c.name, c.slug, c.sorting).where(_visible(c)),
        "brand_by_id": sa.select(b.id, b.name, b.slug).where(_visible(b), b.id == sa.bindparam("ref", type_=sa.Uuid())),
        "brand_by_slug": sa.select(b.id, b.name, b.slug).where(_visible(b), b.slug == sa.bindparam("ref")),
    }


_Q = _built_once()


def reading(engine: AsyncEngine) -> AsyncEngine:
    """Reads that need no transaction: on PostgreSQL each statement runs on its own (no BEGIN/ROLLBACK round
    trips). SQLite keeps its transactions (the engine's BEGIN IMMEDIATE hook)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else engine


class SqlCatalogViews:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = reading(engine)

    async def category_nodes(self) -> list[CategoryNode]:
        async with self.engine.connect() as conn:
            return [CategoryNode(*row) for row in await conn.execute(_Q["nodes"])]

    async def brand(self, ref: str) -> Ref | None:
        key = _as_uuid(ref)
        async with self.engine.connect() as conn:
            stmt = _Q["brand_by_id"] if key else _Q["brand_by_slug"]
            row = (await conn.execute(stmt, {"ref": key or ref})).first()
        return Ref(*row) if row else None

    async def product(self, ref: str) -> ProductDetail | None:
        key = _as_uuid(ref)
        async with self.engine.connect() as conn:
            stmt = _Q["product_by_id"] if key else _Q["product_by_slug"]
            row = (await conn.execute(stmt, {"ref": key or ref})).mappings().first()
            if row is None:
                return None
            crumbs = [Ref(*r) for r in await conn.execute(_Q["breadcrumbs"], {"category_id": row["category_id"]})]
            variant_rows = (await conn.execute(_Q["variants"], {"product_id": row["id"]})).all()
            value_ids = {i for r in variant_rows for i in r.option_value_ids}
            values: dict[uuid.UUID, tuple[str, str, int]] = {}
            if value_ids:
                found = await conn.execute(_Q["option_values"], {"ids": list(value_ids)})
                values = {r.id: (r.key, r.value, r.sorting) for r in found}
            discounts = await live_discounts(conn, None, utcnow())  # standalone discounts, every currency
        lineage = frozenset(c.id for c in crumbs)
        price = _pricing(discounts, row["id"], row["brand_id_"], lineage)
        return ProductDetail(
            row["id"], row["name"], row["slug"], row["code"], row["barcode"], row["description"],
            row["specifications"], row["tax_rate"], row["meta_title"], row["meta_description"],
            Ref(row["brand_id_"], row["brand_name"], row["brand_slug"]),
            Ref(row["cat_id"], row["cat_name"], row["cat_slug"]), crumbs,
            _groups(values), _variants(variant_rows, values, price), row["created_at"], row["updated_at"],
        )  # fmt: skip


def _groups(values: dict[uuid.UUID, tuple[str, str, int]]) -> list[OptionGroup]:
    by_key: dict[str, list[tuple[int, str]]] = {}
    for key, value, sorting in values.values():
        by_key.setdefault(key, []).append((sorting, value))
    return [OptionGroup(key, [value for _, value in sorted(vals)]) for key, vals in sorted(by_key.items())]


Pricing = Callable[[uuid.UUID, Money, Money], Money]
"""(variant id, list price, the catalog's sale price) -> what the customer pays."""


def _pricing(discounts: list[Discount], product_id: uuid.UUID, brand_id: uuid.UUID,
             lineage: frozenset[uuid.UUID]) -> Pricing:  # fmt: skip
    """A product page's prices with the live standalone discounts taken in (lineage: its category path)."""

    def price(variant_id: uuid.UUID, list_price: Money, sale_price: Money) -> Money:
        if not discounts:
            return sale_price
        return discounted(list_price, sale_price, Target(variant_id, product_id, brand_id, lineage), discounts)

    return price


def _variants(rows: Sequence[Any], values: dict[uuid.UUID, tuple[str, str, int]], pay: Pricing) -> list[VariantView]:
    grouped: dict[uuid.UUID, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.id, []).append(row)
    out = []
    for same in grouped.values():
        first = same[0]
        listed = [(Money.rounded(r.amount, r.currency), Money.rounded(r.amount - r.discount, r.currency))
                  for r in same if r.currency is not None]  # fmt: skip
        prices = [(pay(first.id, lp, sale), lp) for lp, sale in listed]
        main = next((x for x in prices if x[0].currency == "TRY"), prices[0] if prices else None)
        options = sorted((OptionView(values[i][0], values[i][1]) for i in first.option_value_ids if i in values),
                         key=lambda o: o.key)  # fmt: skip
        out.append(VariantView(
            first.id, first.code, first.slug, first.name, first.barcode, options,
            main[0] if main else None, compare_at(main[1], main[0]) if main else None,
            [m for m, _ in prices], bool(first.available)))  # fmt: skip
    return out


class SqlProductSearch:
    """Filters on indexed columns, `q` as a folded substring of the product's search key (the storefront's
    ranked full-text search is the search index's: adapters/search), keyset pages on (sort value, id)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = reading(engine)

    async def search(self, query: ProductQuery) -> Page[ProductCard]:
        stmt = listing_select(query)
        if query.q:
            stmt = stmt.where(p.search_key.like(f"%{like_escaped(search_key(query.q))}%", escape="\\"))
        async with self.engine.connect() as conn:
            cards, cursor = await listing_page(conn, stmt, query)
            return Page(await with_discounts(conn, cards, query.currency), cursor)

    async def with_discounts(self, cards: list[ProductCard], currency: str) -> list[ProductCard]:
        async with self.engine.connect() as conn:
            return await with_discounts(conn, cards, currency)


_SORTS = {"price": (li.min_price, li.product_id), "-price": (li.min_price, li.product_id),
          "name": (p.name, p.id), "-created_at": (p.created_at, p.id)}  # fmt: skip


async def listing_page(conn: AsyncConnection, stmt: Any, query: ProductQuery,
                       score: Any = None) -> tuple[list[ProductCard], str | None]:  # fmt: skip
    """One keyset page of `listing_select(query)` (narrowed as the caller likes) and the next cursor: by `score`
    (a NUMERIC column of `stmt`, highest first) when given, else by the query's sort; then by id. The cards carry
    the catalog's own prices (`with_discounts` takes the discounts in)."""
    if score is not None:
        sort_col, id_col, descending = score, p.id, True
    else:
        sort_col, id_col = _SORTS[query.sort]
        descending = query.sort.startswith("-")
    position = query.page.position()
    if position is not None:
        after = _position(position, sort_col)
        keys, values = sa.tuple_(sort_col, id_col), sa.tuple_(sa.literal(after[0], sort_col.type),
                                                              sa.literal(after[1], sa.Uuid()))  # fmt: skip
        stmt = stmt.where(keys < values if descending else keys > values)
    order = [sort_col.desc(), id_col.desc()] if descending else [sort_col, id_col]
    rows = (await conn.execute(stmt.order_by(*order).limit(query.page.limit + 1))).mappings().all()
    cards = [card_from_row(r, query.currency) for r in rows[: query.page.limit]]
    if len(rows) <= query.page.limit:
        return cards, None
    last = rows[query.page.limit - 1]
    value = last[sort_col.key]
    return cards, encode_cursor([value.isoformat() if isinstance(value, datetime) else value, last["id"]])


def _position(position: list[Any], column: Any) -> tuple[Any, uuid.UUID]:
    if len(position) != 2:
        raise bad_cursor()
    raw, key = position
    try:
        if column is li.min_price or isinstance(column.type, sa.Numeric):  # a price, or a search score
            value: Any = Decimal(raw)
            if not value.is_finite():
                raise ValueError(raw)
        elif column is p.created_at:
            value = datetime.fromisoformat(raw)
            if value.tzinfo is None:
                raise ValueError(raw)
        else:
            value = raw
        return value, uuid.UUID(key)
    except (ValueError, ArithmeticError):
        raise bad_cursor() from None


def card_from_row(row: Any, currency: str) -> ProductCard:
    price = Money.rounded(row["min_price"], currency) if row["min_price"] is not None else None
    compare = Money.rounded(row["compare_at"], currency) if row["compare_at"] is not None else None
    return ProductCard(row["id"], row["name"], row["slug"], row["code"], _ref_of(row, "brand"),
                       Ref(row["cat_id"], row["cat_name"], row["cat_slug"]), price, compare,
                       row["tax_rate"], bool(row["in_stock"]), row["created_at"])  # fmt: skip


async def with_discounts(conn: AsyncConnection, cards: list[ProductCard], currency: str) -> list[ProductCard]:
    """The cards' price and compare-at with the live standalone discounts taken in: one small query for those
    discounts and, only when there are some, one for the page's variant prices (and the category tree when a
    discount targets a category). Filters and sorting by price stay on the catalog's own sale price."""
    if not cards:
        return cards
    discounts = await live_discounts(conn, currency, utcnow())
    if not discounts:
        return cards
    lineages = await category_lineages(conn, discounts)
    by_id = {card.id: card for card in cards}
    offers: dict[uuid.UUID, list[tuple[Target, Money, Money]]] = {}
    rows = await conn.execute(
        sa.select(v.id, v.product_id, pr.amount, pr.discount).join(t.variant_prices, pr.variant_id == v.id)
        .where(v.product_id.in_(list(by_id)), pr.currency == currency, _visible(v), _visible(pr)))  # fmt: skip
    for r in rows:
        card = by_id[r.product_id]
        target = target_of(r.id, r.product_id, card.brand.id, card.category.id, lineages)
        offers.setdefault(r.product_id, []).append(
            (target, Money.rounded(r.amount, currency), Money.rounded(r.amount - r.discount, currency))
        )
    out = []
    for card in cards:
        best = lowest(offers.get(card.id, []), discounts)
        out.append(card if best is None else attrs.evolve(card, price=best[0], compare_at_price=best[1]))
    return out


def listing_select(query: ProductQuery) -> Any:
    """The visible products' cards with the query's filters (not `q`), unordered: what the list and the search
    index adapters start from."""
    by_price = query.sort in ("price", "-price")
    priced = by_price or query.min_price is not None or query.max_price is not None
    listing = sa.and_(li.product_id == p.id, li.currency == query.currency)
    stmt = (
        sa.select(p.id, p.name, p.slug, p.code, p.tax_rate, p.created_at,
                  b.id.label("brand_id"), b.name.label("brand_name"), b.slug.label("brand_slug"),
                  c.id.label("cat_id"), c.name.label("cat_name"), c.slug.label("cat_slug"),
                  li.min_price, li.compare_at, _in_stock().label("in_stock"))
        .select_from(t.products)
        .join(t.brands, b.id == p.brand_id).join(t.categories, c.id == p.category_id)
        .join(t.product_listing, listing, isouter=not priced)
        .where(_visible(p), _visible(b), _visible(c))
    )  # fmt: skip
    if query.category_ids is not None:
        stmt = stmt.where(p.category_id.in_(query.category_ids))
    if query.brand_id is not None:
        stmt = stmt.where(p.brand_id == query.brand_id)
    if query.min_price is not None:
        stmt = stmt.where(li.min_price >= query.min_price)
    if query.max_price is not None:
        stmt = stmt.where(li.min_price <= query.max_price)
    if query.in_stock is not None:
        stmt = stmt.where(_in_stock() if query.in_stock else ~_in_stock())
    return stmt
