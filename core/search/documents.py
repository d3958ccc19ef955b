"""What the search index holds per product, what a search asks and what it answers (items, cursor, facets)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import attrs

from core.catalog.views import ProductCard, ProductQuery, Ref
from core.shared.money import Money
from core.shared.text import search_key

# Price-range facet boundaries, in units of the asked currency: [0, 100), [100, 250), ... [10000, ∞).
PRICE_STEPS: tuple[Decimal, ...] = tuple(Decimal(x) for x in (0, 100, 250, 500, 1000, 2500, 5000, 10000))

# Field weights: the product's own name, code and barcodes count most; brand, categories and variants next;
# description and specification values least.
WEIGHTS = {"a": Decimal("1.0"), "b": Decimal("0.4"), "c": Decimal("0.1")}


@attrs.frozen
class SearchDocument:
    """A visible product (active, live, under an active brand and category) as the index stores it."""

    id: uuid.UUID
    version: int
    name: str
    slug: str
    code: str
    barcode: str | None
    brand: Ref
    category: Ref
    category_path: tuple[str, ...]  # the category's name and its ancestors'
    variant_texts: tuple[str, ...]  # variant codes, names and barcodes
    description: str
    specifications: tuple[str, ...]  # specification values (and keys)
    tax_rate: Decimal
    created_at: datetime
    prices: dict[str, tuple[Decimal, Decimal | None]]  # currency -> (lowest price paid, its price before discount)
    in_stock: bool = False  # an active variant has units to sell (inventory)

    def texts(self) -> dict[str, str]:
        """The weighted text fields, folded (`search_key`): a, b, c from most to least weight."""
        return {
            "a": search_key(" ".join([self.name, self.code, self.barcode or ""])),
            "b": search_key(" ".join([self.brand.name, *self.category_path, *self.variant_texts])),
            "c": search_key(" ".join([self.description, *self.specifications])),
        }

    def card(self, currency: str) -> ProductCard:
        price = self.prices.get(currency)
        return ProductCard(
            self.id, self.name, self.slug, self.code, self.brand, self.category,
            Money.rounded(price[0], currency) if price else None,
            Money.rounded(price[1], currency) if price and price[1] is not None else None,
            self.tax_rate, self.in_stock, self.created_at,
        )  # fmt: skip


@attrs.frozen
class SearchQuery:
    """The product list's query for the index: `relevance` orders by score (q given, no explicit sort)."""

    products: ProductQuery
    relevance: bool = False
    facets: bool = False


@attrs.frozen
class FacetCount:
    id: uuid.UUID
    slug: str
    name: str
    count: int


@attrs.frozen
class PriceRange:
    """Prices from `min` (inclusive) up to `max` (exclusive; None: no upper end)."""

    min: Decimal
    max: Decimal | None
    count: int


@attrs.frozen
class Facets:
    brands: list[FacetCount]
    categories: list[FacetCount]
    price_ranges: list[PriceRange]


@attrs.frozen
class SearchResult:
    items: list[ProductCard]
    next_cursor: str | None
    facets: Facets | None = None


def price_bucket(amount: Decimal) -> int:
    """The index of the PRICE_STEPS range holding `amount`."""
    return max(i for i, low in enumerate(PRICE_STEPS) if amount >= low)


def price_ranges(counts: dict[int, int]) -> list[PriceRange]:
    """Non-empty ranges from bucket counts, cheapest first."""
    ends = [*PRICE_STEPS[1:], None]
    return [PriceRange(PRICE_STEPS[i], ends[i], n) for i, n in sorted(counts.items()) if n]


def ordered_facets(rows: list[FacetCount]) -> list[FacetCount]:
    return sorted(rows, key=lambda f: (-f.count, search_key(f.name), str(f.id)))
