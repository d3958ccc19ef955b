"""What shoppers read: the category tree, the product list and a product's page — cached, JSON-ready."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.model import descendants
from core.catalog.use_cases.common import CatalogCache
from core.catalog.views import CategoryNode, ImageView, ProductDetail, ProductQuery, Sort, as_json
from core.search.documents import Facets, SearchQuery
from core.shared.errors import FieldError, Invalid, NotFound
from core.shared.money import Money, check_currency
from core.shared.pagination import PageRequest

if TYPE_CHECKING:
    from ports.catalog import CatalogViews, ProductSearch
    from ports.files import FileStorage
    from ports.search import SearchIndex
    from ports.uow import UnitOfWork

DEFAULT_CURRENCY = "TRY"


def _tree(nodes: list[CategoryNode]) -> list[dict[str, Any]]:
    children: dict[uuid.UUID | None, list[CategoryNode]] = {}
    for node in nodes:  # a child of an inactive category hangs under an id the walk from the roots never meets
        children.setdefault(node.parent_id, []).append(node)

    def build(parent: uuid.UUID | None) -> list[dict[str, Any]]:
        ordered = sorted(children.get(parent, []), key=lambda n: (n.sorting, n.name, str(n.id)))
        return [{"id": str(n.id), "name": n.name, "slug": n.slug, "sorting": n.sorting, "children": build(n.id)}
                for n in ordered]  # fmt: skip

    return build(None)


@attrs.define
class CategoryTree:
    views: CatalogViews
    catalog_cache: CatalogCache

    async def __call__(self) -> dict[str, Any]:
        async def produce() -> dict[str, Any]:
            return {"items": _tree(await self.views.category_nodes())}

        return await self.catalog_cache.read("tree", produce)  # type: ignore[no-any-return]


@attrs.frozen
class BrowseQuery:
    """The public list's query string, as given (category and brand by id or slug)."""

    limit: int = 20
    cursor: str | None = None
    category: str | None = None
    brand: str | None = None
    q: str | None = None
    min_price: str | None = None
    max_price: str | None = None
    currency: str | None = None
    in_stock: bool | None = None
    sort: Sort | None = None  # -created_at, or by relevance when q is given
    facets: bool = False


def _amount(name: str, raw: str | None, currency: str) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        Decimal(raw)
    except InvalidOperation:
        raise Invalid(
            f"{name} is not a decimal amount", errors=[FieldError(("query", name), "not a decimal")]
        ) from None
    try:
        return Money.of(raw, currency).amount
    except Invalid as exc:
        raise Invalid(f"{name}: {exc.detail}", errors=[FieldError(("query", name), exc.detail)]) from None


@attrs.define
class BrowseProducts:
    """The list without `q` or facets reads the listing index (ProductSearch); with either it asks the search
    index, which ranks by relevance when `q` is given and no sort is."""

    views: CatalogViews
    search: ProductSearch
    index: SearchIndex
    catalog_cache: CatalogCache

    async def __call__(self, query: BrowseQuery) -> dict[str, Any]:
        page = PageRequest(limit=query.limit, cursor=query.cursor)
        currency = query.currency or DEFAULT_CURRENCY
        try:
            check_currency(currency)
        except Invalid:
            raise Invalid("unknown currency", errors=[FieldError(("query", "currency"), "unknown currency")]) from None
        low, high = _amount("min_price", query.min_price, currency), _amount("max_price", query.max_price, currency)
        if low is not None and high is not None and low > high:
            raise Invalid("min_price is above max_price",
                          errors=[FieldError(("query", "min_price"), "must not exceed max_price")])  # fmt: skip
        q = (query.q or "").strip()[:200] or None
        key = "list:" + "|".join(str(v) for v in attrs.astuple(query)) + f"|{currency}"

        nothing: dict[str, Any] = {"items": [], "next_cursor": None}
        if query.facets:
            nothing["facets"] = as_json(Facets([], [], []))

        async def produce() -> dict[str, Any]:
            category_ids = await self._categories(query.category)
            brand_id: uuid.UUID | None = None
            if query.brand:
                brand = await self.views.brand(query.brand)
                if brand is None:
                    return nothing
                brand_id = brand.id
            if category_ids is not None and not category_ids:
                return nothing
            products = ProductQuery(
                page=page, currency=currency, category_ids=category_ids, brand_id=brand_id, q=q,
                min_price=low, max_price=high, in_stock=query.in_stock, sort=query.sort or "-created_at")  # fmt: skip
            if not q and not query.facets:
                found = await self.search.search(products)
                return {"items": as_json(list(found.items)), "next_cursor": found.next_cursor}
            result = await self.index.search(
                SearchQuery(products, relevance=bool(q) and query.sort is None, facets=query.facets)
            )
            items = await self.search.with_discounts(list(result.items), currency)  # the index keeps own prices
            body = {"items": as_json(items), "next_cursor": result.next_cursor}
            if result.facets is not None:
                body["facets"] = as_json(result.facets)
            return body

        return await self.catalog_cache.read(key, produce)  # type: ignore[no-any-return]

    async def _categories(self, ref: str | None) -> frozenset[uuid.UUID] | None:
        if not ref:
            return None
        nodes = await self.views.category_nodes()
        root = next((n for n in nodes if str(n.id) == ref or n.slug == ref), None)
        if root is None:
            return frozenset()
        return frozenset(descendants(root.id, {n.id: n.parent_id for n in nodes}))


@attrs.define
class ShowProduct:
    """A product's page by id or slug: 404 when it is unknown, inactive or deleted. Its images come from the
    gallery (those of hidden variants left out), with URLs from the file storage."""

    views: CatalogViews
    catalog_cache: CatalogCache
    uow: UnitOfWork
    files: FileStorage

    async def __call__(self, ref: str) -> dict[str, Any]:
        async def produce() -> dict[str, Any] | None:
            detail = await self.views.product(ref)
            return None if detail is None else as_json(attrs.evolve(detail, images=await self._images(detail)))

        found = await self.catalog_cache.read(f"product:{ref}", produce)
        if found is None:
            raise NotFound(f"no product {ref!r}")
        return found  # type: ignore[no-any-return]

    async def _images(self, detail: ProductDetail) -> list[ImageView]:
        async with self.uow:
            placed = await self.uow.product_images.of_product(detail.id)
            media = {m.id: m for m in await self.uow.media.of_ids([p.media_id for p in placed])}
        shown = {v.id for v in detail.variants}
        images = []
        for p in placed:
            m = media.get(p.media_id)
            if m is None or (p.variant_id is not None and p.variant_id not in shown):
                continue
            thumbs = {size: self.files.public_url(key) for size, key in sorted(m.thumbnails.items(),
                                                                              key=lambda i: int(i[0]))}  # fmt: skip
            images.append(ImageView(self.files.public_url(m.storage_key), thumbs, p.alt_text or m.alt_text,
                                    p.variant_id))  # fmt: skip
        return images
