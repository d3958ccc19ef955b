"""What the catalog use cases need: repositories for the aggregates, the storefront's read queries, and
the text services (slugs, barcodes) that come from libraries."""

from __future__ import annotations

import uuid
from typing import Protocol, TypeVar

from core.catalog.model import Brand, Category, OptionKey, Product, Variant
from core.catalog.views import CategoryNode, ProductCard, ProductDetail, ProductQuery, Ref
from core.shared.pagination import Page, PageRequest

T = TypeVar("T")


class CodedRepository(Protocol[T]):
    """Live (not soft-deleted) rows; `code` and `slug` are unique among them."""

    async def add(self, item: T) -> None: ...
    async def get(self, item_id: uuid.UUID) -> T:
        """The item, or NotFound."""
        ...

    async def by_code(self, code: str) -> T | None: ...
    async def by_slug(self, slug: str) -> T | None: ...
    async def slugs_like(self, base: str) -> set[str]:
        """Taken slugs equal to `base` or starting with `base-` (to pick the next free suffix)."""
        ...


class CategoryRepository(CodedRepository[Category], Protocol):
    async def parents(self) -> dict[uuid.UUID, uuid.UUID | None]:
        """Every live category's parent: the tree, for cycle checks and descendant filters."""
        ...

    async def list(self) -> list[Category]: ...


class BrandRepository(CodedRepository[Brand], Protocol):
    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Brand]: ...


class OptionKeyRepository(Protocol):
    async def add(self, key: OptionKey) -> None: ...
    async def get(self, key_id: uuid.UUID) -> OptionKey: ...
    async def by_key(self, key: str) -> OptionKey | None: ...
    async def of_values(self, value_ids: list[uuid.UUID]) -> list[OptionKey]:
        """The live keys holding any of these values."""
        ...

    async def list(self) -> list[OptionKey]: ...


class ProductRepository(CodedRepository[Product], Protocol):
    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Product]: ...
    async def uses(self, *, brand_id: uuid.UUID | None = None, category_id: uuid.UUID | None = None) -> bool:
        """Whether a live product belongs to the brand or category."""
        ...

    async def refresh_listing(self, product_id: uuid.UUID) -> None:
        """Recompute the product's lowest prices per currency that the storefront lists and sorts by
        (after its variants or their prices changed), in this transaction."""
        ...


class VariantRepository(CodedRepository[Variant], Protocol):
    async def of_product(self, product_id: uuid.UUID) -> list[Variant]: ...
    async def uses_values(self, value_ids: list[uuid.UUID]) -> bool: ...


class CatalogViews(Protocol):
    """The storefront's reads: active, live items only."""

    async def category_nodes(self) -> list[CategoryNode]: ...
    async def brand(self, ref: str) -> Ref | None:
        """An active brand by id or slug."""
        ...

    async def product(self, ref: str) -> ProductDetail | None:
        """An active product by id or slug, with its active variants."""
        ...


class ProductSearch(Protocol):
    """The product list: filters, a folded-substring `q`, sorting and keyset pages. The storefront asks the
    search index (ports/search.py) instead when `q` or facets are given."""

    async def search(self, query: ProductQuery) -> Page[ProductCard]: ...

    async def with_discounts(self, cards: list[ProductCard], currency: str) -> list[ProductCard]:
        """The cards with the live standalone discounts taken into their price and compare-at price (for cards
        another index found)."""
        ...


class Slugs(Protocol):
    def slugify(self, text: str) -> str:
        """URL-safe lower-case ASCII (`Çiçek Şalı` -> `cicek-sali`); empty when nothing is left."""
        ...


class Barcodes(Protocol):
    def check(self, barcode: str) -> str:
        """The barcode (EAN-13, EAN-8 or UPC-A) with its check digit verified, or Invalid naming `barcode`."""
        ...
