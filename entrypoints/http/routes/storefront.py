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


@routes.get(f"{PUBLIC}/products", query=BrowseQuery, response=PageOut[ProductCard], auth="none")
async def browse_products(ctx: Ctx) -> Plain:
    """Active products, each with its lowest price in `currency` (default TRY).

    `category` (its descendants included) and `brand` take an id or a slug; `q` matches name, code and barcode
    with Turkish letters folded; `min_price`/`max_price` are decimal strings in `currency`; `sort` is price,
    -price, name or -created_at (the default)."""
    return Plain(await ctx.use(BrowseProducts)(ctx.query))


@routes.get(f"{PUBLIC}/products/{{ref}}", response=ProductDetail, auth="none")
async def show_product(ctx: Ctx) -> Plain:
    """An active product by id or slug, with its active variants, their options and prices."""
    ref: str = ctx.params["ref"]
    if "\x00" in ref or len(ref) > 200:
        raise NotFound(f"no product {ref[:50]!r}")
    return Plain(await ctx.use(ShowProduct)(ref))
