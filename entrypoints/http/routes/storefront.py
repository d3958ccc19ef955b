"""The public catalog: the category tree, the product list with its filters, and a product's page.

The use cases answer with JSON-ready dicts (cached as they are); the classes here describe their shape for
the OpenAPI document.
"""

from __future__ import annotations

import typing
import uuid

import attrs

from core.catalog.use_cases.storefront import BrowseProducts, BrowseQuery, CategoryTree, ShowProduct
from core.catalog.views import ProductCard, ProductDetail, Sort
from core.search.documents import Facets
from core.shared.errors import NotFound
from entrypoints.http.api import Ctx, Items, PageOut, Plain, Routes

routes = Routes("catalog")
PUBLIC = "/api/v1/catalog"
SORTS: tuple[str, ...] = typing.get_args(Sort)


@attrs.frozen
class CategoryTreeNode:
    """An active category with its active subcategories, each level ordered by `sorting`."""

    id: uuid.UUID
    name: str
    slug: str
    sorting: int
    children: list[CategoryTreeNode]


@routes.get(f"{PUBLIC}/categories", response=Items[CategoryTreeNode], auth="none")
async def category_tree(ctx: Ctx) -> Plain:
    """The category tree, ordered by `sorting` at each level."""
    return Plain(await ctx.use(CategoryTree)())


@attrs.frozen
class FacetedProductPage:
    """A page of product cards with the facets of all matches (asked for with `facets=true`)."""

    items: list[ProductCard]
    next_cursor: str | None
    facets: Facets


@routes.get(f"{PUBLIC}/products", query=BrowseQuery, response=PageOut[ProductCard] | FacetedProductPage, auth="none")
async def browse_products(ctx: Ctx) -> Plain:
    """Active products, each with its lowest price in `currency` (default TRY).

    `category` (its descendants included) and `brand` take an id or a slug; `min_price`/`max_price` are decimal
    strings in `currency`. `q` searches name, code, barcodes, brand, categories, variants, description and
    specifications: Turkish letters and case folded, every word must match (as a word, its beginning, or with a
    typo or two), best matches first unless `sort` (price, -price, name, -created_at; the default without `q`)
    is given. `facets=true` adds counts over all matches: `brands` and `categories` ({id, slug, name, count})
    and `price_ranges` ({min, max, count}; max exclusive, null for the top range)."""
    return Plain(await ctx.use(BrowseProducts)(ctx.query))


@routes.get(f"{PUBLIC}/products/{{ref}}", response=ProductDetail, auth="none")
async def show_product(ctx: Ctx) -> Plain:
    """An active product by id or slug, with its active variants, their options and prices."""
    ref: str = ctx.params["ref"]
    if "\x00" in ref or len(ref) > 200:
        raise NotFound(f"no product {ref[:50]!r}")
    return Plain(await ctx.use(ShowProduct)(ref))
