"""The catalog on the memory store: repositories for the use cases and the storefront's read queries."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import attrs

from adapters.memory.discounts import category_lineages, live_discounts
from adapters.memory.repositories import _created, _page, _Repo, fields_of, rebuild
from adapters.memory.store import MemoryStore
from core.catalog.model import Brand, Category, OptionKey, OptionValue, Price, Product, Variant
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
from core.promotions.discounts import Target, compare_at, discounted, lowest, target_of
from core.search.documents import SearchQuery
from core.search.matching import page_hits
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key
from core.shared.time import utcnow


class _Coded(_Repo):
    async def by_code(self, code: str) -> Any | None:
        return next((r for r in self._all() if r.code == code), None)

    async def by_slug(self, slug: str) -> Any | None:
        return next((r for r in self._all() if r.slug == slug), None)

    async def slugs_like(self, base: str) -> set[str]:
        return {r.slug for r in self._all() if r.slug == base or r.slug.startswith(base + "-")}


class MemoryCategories(_Coded):
    table, entity_name, model = "categories", "category", Category

    async def parents(self) -> dict[uuid.UUID, uuid.UUID | None]:
        return {c.id: c.parent_id for c in self._all()}

    async def list(self) -> list[Category]:
        return self._all()


class MemoryBrands(_Coded):
    table, entity_name, model = "brands", "brand", Brand

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Brand]:
        rows = [b for b in self._all() if not q or search_key(q) in search_key(f"{b.name} {b.code}")]
        return _page(rows, page, _created)


class MemoryOptionKeys(_Repo):
    table, entity_name, model = "option_keys", "option key", OptionKey

    def dump(self, row: Any) -> Any:
        return {**super().dump(row), "values": [fields_of(v) for v in row.values]}

    def restore(self, data: Any) -> Any:
        return super().restore({**data, "values": [rebuild(OptionValue, v) for v in data["values"]]})

    async def by_key(self, key: str) -> OptionKey | None:
        return next((k for k in self._all() if search_key(k.key) == search_key(key)), None)

    async def of_values(self, value_ids: list[uuid.UUID]) -> list[OptionKey]:
        wanted = set(value_ids)
        return [k for k in self._all() if any(v.id in wanted for v in k.values)]

    async def list(self) -> list[OptionKey]:
        return self._all()


class MemoryProducts(_Coded):
    table, entity_name, model = "products", "product", Product

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Product]:
        rows = [p for p in self._all() if not q or search_key(q) in p.search_text()]
        return _page(rows, page, _created)

    async def uses(self, *, brand_id: uuid.UUID | None = None, category_id: uuid.UUID | None = None) -> bool:
        return any((brand_id is not None and p.brand_id == brand_id)
                   or (category_id is not None and p.category_id == category_id) for p in self._all())  # fmt: skip

    async def refresh_listing(self, product_id: uuid.UUID) -> None:
        """Nothing to keep: the memory search computes lowest prices as it reads."""


class MemoryVariants(_Coded):
    table, entity_name, model = "variants", "variant", Variant

    def dump(self, row: Any) -> Any:
        return {**super().dump(row), "prices": [fields_of(p) for p in row.prices]}

    def restore(self, data: Any) -> Any:
        return super().restore({**data, "prices": [rebuild(Price, p) for p in data["prices"]]})

    async def of_product(self, product_id: uuid.UUID) -> list[Variant]:
        return sorted((v for v in self._all() if v.product_id == product_id), key=lambda v: (v.created_at, v.code))

    async def uses_values(self, value_ids: list[uuid.UUID]) -> bool:
        wanted = set(value_ids)
        return any(wanted & set(v.option_value_ids) for v in self._all())


# --- the storefront's reads -----------------------------------------------------------------------------


@attrs.define
class _Snapshot:
    """Committed, live and active rows of the catalog tables, as plain dicts."""

    store: MemoryStore

    def rows(self, table: str) -> list[dict[str, Any]]:
        return [r for r in self.store.rows(table) if r["is_active"] and not r["is_deleted"]]


def _shown(row: dict[str, Any]) -> bool:
    return bool(row["is_active"]) and not row["is_deleted"]


def variants_on_sale(store: MemoryStore) -> set[uuid.UUID]:
    """Variants with units to sell: a stock row in an active warehouse with quantity above what is reserved."""
    warehouses = {w["id"] for w in store.rows("warehouses") if _shown(w)}
    return {r["variant_id"] for r in store.rows("stock")
            if r["warehouse_id"] in warehouses and r["quantity"] > r["reserved_quantity"]}  # fmt: skip


def _ref(row: dict[str, Any]) -> Ref:
    return Ref(row["id"], row["name"], row["slug"])


def _sale(price: dict[str, Any]) -> Money:
    return Money.rounded(price["amount"] - price["discount"], price["currency"])


def _compare_at(price: dict[str, Any] | None) -> Money | None:
    return Money.rounded(price["amount"], price["currency"]) if price and price["discount"] else None


class MemoryCatalogViews:
    def __init__(self, store: MemoryStore) -> None:
        self.db = _Snapshot(store)

    async def category_nodes(self) -> list[CategoryNode]:
        return [CategoryNode(r["id"], r["parent_id"], r["name"], r["slug"], r["sorting"])
                for r in self.db.rows("categories")]  # fmt: skip

    async def brand(self, ref: str) -> Ref | None:
        return next((_ref(b) for b in self.db.rows("brands") if str(b["id"]) == ref or b["slug"] == ref), None)

    async def product(self, ref: str) -> ProductDetail | None:
        row = next((p for p in self.db.rows("products") if str(p["id"]) == ref or p["slug"] == ref), None)
        brands = {b["id"]: b for b in self.store_rows("brands")}
        categories = {c["id"]: c for c in self.store_rows("categories")}
        if row is None or not _shown(brands[row["brand_id"]]) or not _shown(categories[row["category_id"]]):
            return None
        values: dict[uuid.UUID, tuple[str, dict[str, Any]]] = {}
        for key in self.store_rows("option_keys"):
            for value in key["values"]:
                values[value["id"]] = (key["key"], value)
        variants = sorted((v for v in self.db.rows("variants") if v["product_id"] == row["id"]),
                          key=lambda v: (v["created_at"], v["code"]))  # fmt: skip
        views: list[VariantView] = []
        on_sale = variants_on_sale(self.db.store)
        discounts = live_discounts(self.db.store, None, utcnow())  # standalone discounts, every currency
        lineage = frozenset(c["id"] for c in _path(categories, row["category_id"]))

        def pay(variant_id: uuid.UUID, price: dict[str, Any]) -> Money:
            target = Target(variant_id, row["id"], row["brand_id"], lineage)
            return discounted(Money.rounded(price["amount"], price["currency"]), _sale(price), target, discounts)

        groups: dict[str, dict[str, tuple[int, str]]] = {}
        for v in variants:
            options = [(values[i][0], values[i][1]) for i in v["option_value_ids"] if i in values]
            options.sort(key=lambda kv: kv[0])
            for key_name, value in options:
                groups.setdefault(key_name, {})[value["value"]] = (value["sorting"], value["value"])
            prices = [p for p in v["prices"] if p["is_active"] and not p["is_deleted"]]
            main = next((p for p in prices if p["currency"] == "TRY"), prices[0] if prices else None)
            paid = pay(v["id"], main) if main else None
            views.append(VariantView(
                v["id"], v["code"], v["slug"], v["name"], v["barcode"],
                [OptionView(key, value["value"]) for key, value in options],
                paid, compare_at(Money.rounded(main["amount"], main["currency"]), paid) if main and paid else None,
                sorted((pay(v["id"], p) for p in prices), key=lambda m: m.currency), v["id"] in on_sale))  # fmt: skip
        path = [_ref(node) for node in _path(categories, row["category_id"])]
        return ProductDetail(
            row["id"], row["name"], row["slug"], row["code"], row["barcode"], row["description"],
            row["specifications"], row["tax_rate"], row["meta_title"], row["meta_description"],
            _ref(brands[row["brand_id"]]), _ref(categories[row["category_id"]]), path,
            [OptionGroup(k, [v for _, v in sorted(vals.values())]) for k, vals in sorted(groups.items())],
            views, row["created_at"], row["updated_at"],
        )  # fmt: skip

    def store_rows(self, table: str) -> list[dict[str, Any]]:
        return self.db.store.rows(table)


def _path(categories: dict[uuid.UUID, dict[str, Any]], category_id: uuid.UUID) -> list[dict[str, Any]]:
    """The category and its ancestors, root first."""
    path: list[dict[str, Any]] = []
    node = categories.get(category_id)
    while node is not None and node not in path:
        path.insert(0, node)
        node = categories.get(node["parent_id"])
    return path


class MemoryProductSearch:
    """Filters, folded-text match and keyset pages over the store, like the SQL adapter."""

    def __init__(self, store: MemoryStore) -> None:
        self.db = _Snapshot(store)

    async def search(self, query: ProductQuery) -> Page[ProductCard]:
        folded = search_key(query.q) if query.q else None

        def found(row: dict[str, Any]) -> bool:
            return not folded or folded in search_key(f"{row['name']} {row['code']} {row['barcode'] or ''}")

        cards = [card for row, card in listed_cards(self.db.store, query) if found(row)]
        page = page_hits([(Decimal(0), card) for card in cards], SearchQuery(query))  # the same keyset pages
        return Page(with_discounts(self.db.store, page.items, query.currency), page.next_cursor)

    async def with_discounts(self, cards: list[ProductCard], currency: str) -> list[ProductCard]:
        return with_discounts(self.db.store, cards, currency)


def with_discounts(store: MemoryStore, cards: list[ProductCard], currency: str) -> list[ProductCard]:
    """The cards' price and compare-at with the live standalone discounts taken in (filters and sorting by
    price stay on the catalog's own sale price, as in SQL)."""
    discounts = live_discounts(store, currency, utcnow())
    if not cards or not discounts:
        return cards
    lineages = category_lineages(store, discounts)
    by_id = {card.id: card for card in cards}
    offers: dict[uuid.UUID, list[tuple[Target, Money, Money]]] = {}
    for v in _Snapshot(store).rows("variants"):
        card = by_id.get(v["product_id"])
        for p in v["prices"]:
            if card is not None and p["currency"] == currency and _shown(p):
                target = target_of(v["id"], card.id, card.brand.id, card.category.id, lineages)
                offers.setdefault(card.id, []).append((target, Money.rounded(p["amount"], currency), _sale(p)))
    out = []
    for card in cards:
        best = lowest(offers.get(card.id, []), discounts)
        out.append(card if best is None else attrs.evolve(card, price=best[0], compare_at_price=best[1]))
    return out


def listed_cards(store: MemoryStore, query: ProductQuery) -> list[tuple[dict[str, Any], ProductCard]]:
    """Visible products with the query's filters (not `q`), each as (its committed row, its card)."""
    db = _Snapshot(store)
    brands = {b["id"]: b for b in store.rows("brands")}
    categories = {c["id"]: c for c in store.rows("categories")}
    lowest: dict[uuid.UUID, dict[str, Any]] = {}
    on_sale = variants_on_sale(store)
    stocked = {v["product_id"] for v in db.rows("variants") if v["id"] in on_sale}
    for v in db.rows("variants"):
        for p in v["prices"]:
            if p["currency"] == query.currency and p["is_active"] and not p["is_deleted"]:
                best = lowest.get(v["product_id"])
                if best is None or _sale(p).amount < _sale(best).amount:
                    lowest[v["product_id"]] = p
    out = []
    for p in db.rows("products"):
        if not _shown(brands[p["brand_id"]]) or not _shown(categories[p["category_id"]]):
            continue
        price = lowest.get(p["id"])
        amount = _sale(price).amount if price else None
        if query.category_ids is not None and p["category_id"] not in query.category_ids:
            continue
        if query.brand_id is not None and p["brand_id"] != query.brand_id:
            continue
        if query.in_stock is not None and query.in_stock != (p["id"] in stocked):
            continue
        if query.min_price is not None or query.max_price is not None or query.sort in ("price", "-price"):
            if amount is None:
                continue
            if (query.min_price is not None and amount < query.min_price) or (
                    query.max_price is not None and amount > query.max_price):  # fmt: skip
                continue
        out.append((p, ProductCard(p["id"], p["name"], p["slug"], p["code"], _ref(brands[p["brand_id"]]),
                                   _ref(categories[p["category_id"]]), _sale(price) if price else None,
                                   _compare_at(price), p["tax_rate"], p["id"] in stocked,
                                   p["created_at"])))  # fmt: skip
    return out
