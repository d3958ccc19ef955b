"""Staff routes for the catalog (`catalog.manage`): categories, brands, option keys, products, variants, prices."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from core.catalog.model import Brand, Category, OptionKey, Price, Product, Variant
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import (
    ChangeProduct,
    ChangeVariant,
    CreateProduct,
    CreateVariant,
    DeleteProduct,
    DeleteVariant,
    GenerateVariants,
    GetProduct,
    GetVariant,
    ListProducts,
    NewPrice,
    NewProduct,
    NewVariant,
    SetVariantPrice,
    VariantMatrix,
)
from core.catalog.use_cases.taxonomy import (
    ChangeBrand,
    ChangeCategory,
    ChangeOptionKey,
    CreateBrand,
    CreateCategory,
    CreateOptionKey,
    DeleteBrand,
    DeleteCategory,
    DeleteOptionKey,
    GetBrand,
    GetCategory,
    GetOptionKey,
    ListBrands,
    ListCategories,
    ListOptionKeys,
    NewBrand,
    NewCategory,
    NewOptionKey,
    OptionKeyRevision,
    ValueIn,
)
from core.shared.errors import Invalid
from core.shared.money import Money
from entrypoints.http.api import Ctx, Items, PageOut, PageQuery, Routes, page_out, page_request

routes = Routes("staff: catalog")
MANAGE = "catalog.manage"
ADMIN = "/api/v1/admin/catalog"
MAIN_CURRENCY = "TRY"


def changes(ctx: Ctx) -> dict[str, Any]:
    """A PATCH body as the fields the client sent (null included); the use case checks each one."""
    return {name: getattr(ctx.body, name) for name in ctx.provided}


def percent(rate: Decimal) -> Decimal:
    """A rate as the API writes it, without trailing zeros or a negative zero: 20.00 -> "20"."""
    plain = Decimal(format(rate.normalize(), "f"))
    return plain if plain else Decimal(0)


# --- categories -------------------------------------------------------------------------------------------


@attrs.frozen
class CategoryIn:
    name: str
    code: str
    parent_id: uuid.UUID | None = None
    sorting: int = 0
    slug: str | None = None
    meta_title: str = ""
    meta_description: str = ""


@attrs.frozen
class CategoryPatch:
    """Send only what changes; `parent_id: null` moves the category to the top level."""

    name: str | None = None
    code: str | None = None
    slug: str | None = None
    parent_id: uuid.UUID | None = None
    sorting: int | None = None
    meta_title: str | None = None
    meta_description: str | None = None
    is_active: bool | None = None


@attrs.frozen
class CategoryOut:
    id: uuid.UUID
    name: str
    code: str
    slug: str
    parent_id: uuid.UUID | None
    sorting: int
    meta_title: str
    meta_description: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


def category_out(c: Category) -> CategoryOut:
    return CategoryOut(c.id, c.name, c.code, c.slug, c.parent_id, c.sorting, c.meta_title, c.meta_description,
                       c.is_active, c.created_at, c.updated_at)  # fmt: skip


@routes.post(f"{ADMIN}/categories", body=CategoryIn, response=CategoryOut, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def create_category(ctx: Ctx) -> CategoryOut:
    """Create a category, at the top level or under `parent_id`; the slug comes from the name when not given."""
    b: CategoryIn = ctx.body
    cmd = NewCategory(ctx.me, b.name, b.code, b.parent_id, b.sorting, b.slug, b.meta_title, b.meta_description)
    return category_out(await ctx.use(CreateCategory)(cmd))


@routes.get(f"{ADMIN}/categories", response=Items[CategoryOut], permission=MANAGE)
async def list_categories(ctx: Ctx) -> Items[CategoryOut]:
    """Every category, active or not, by `sorting` then name (the flat list; `parent_id` gives the tree)."""
    return Items([category_out(c) for c in await ctx.use(ListCategories)()])


@routes.get(f"{ADMIN}/categories/{{category_id:uuid}}", response=CategoryOut, permission=MANAGE)
async def get_category(ctx: Ctx) -> CategoryOut:
    """One category."""
    return category_out(await ctx.use(GetCategory)(ctx.params["category_id"]))


@routes.patch(f"{ADMIN}/categories/{{category_id:uuid}}", body=CategoryPatch, response=CategoryOut,
              permission=MANAGE, errors=(409,))  # fmt: skip
async def change_category(ctx: Ctx) -> CategoryOut:
    """Change or move a category; a move under itself or its own descendant is 409 `category_cycle`."""
    cmd = Revision(ctx.me, ctx.params["category_id"], changes(ctx))
    return category_out(await ctx.use(ChangeCategory)(cmd))


@routes.delete(f"{ADMIN}/categories/{{category_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_category(ctx: Ctx) -> None:
    """Delete a category (soft); one with live subcategories or products is 409 `category_not_empty`."""
    await ctx.use(DeleteCategory)(ctx.me, ctx.params["category_id"])


# --- brands -----------------------------------------------------------------------------------------------


@attrs.frozen
class BrandIn:
    name: str
    code: str
    description: str = ""
    slug: str | None = None


@attrs.frozen
class BrandPatch:
    """Send only what changes."""

    name: str | None = None
    code: str | None = None
    slug: str | None = None
    description: str | None = None
    is_active: bool | None = None


@attrs.frozen
class BrandOut:
    id: uuid.UUID
    name: str
    code: str
    slug: str
    description: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


def brand_out(b: Brand) -> BrandOut:
    return BrandOut(b.id, b.name, b.code, b.slug, b.description, b.is_active, b.created_at, b.updated_at)


@attrs.frozen
class SearchQuery(PageQuery):
    """A page, optionally narrowed by `q` (name and code, Turkish letters folded)."""

    q: str | None = None


@routes.post(f"{ADMIN}/brands", body=BrandIn, response=BrandOut, status=201, permission=MANAGE, errors=(409,))
async def create_brand(ctx: Ctx) -> BrandOut:
    """Create a brand; the slug comes from the name when not given."""
    b: BrandIn = ctx.body
    return brand_out(await ctx.use(CreateBrand)(NewBrand(ctx.me, b.name, b.code, b.description, b.slug)))


@routes.get(f"{ADMIN}/brands", query=SearchQuery, response=PageOut[BrandOut], permission=MANAGE)
async def list_brands(ctx: Ctx) -> PageOut[BrandOut]:
    """Brands, active or not, newest first; `q` matches name and code."""
    return page_out(await ctx.use(ListBrands)(page_request(ctx.query), q=ctx.query.q), brand_out)


@routes.get(f"{ADMIN}/brands/{{brand_id:uuid}}", response=BrandOut, permission=MANAGE)
async def get_brand(ctx: Ctx) -> BrandOut:
    """One brand."""
    return brand_out(await ctx.use(GetBrand)(ctx.params["brand_id"]))


@routes.patch(f"{ADMIN}/brands/{{brand_id:uuid}}", body=BrandPatch, response=BrandOut, permission=MANAGE,
              errors=(409,))  # fmt: skip
async def change_brand(ctx: Ctx) -> BrandOut:
    """Change a brand."""
    return brand_out(await ctx.use(ChangeBrand)(Revision(ctx.me, ctx.params["brand_id"], changes(ctx))))


@routes.delete(f"{ADMIN}/brands/{{brand_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_brand(ctx: Ctx) -> None:
    """Delete a brand (soft); one that live products carry is 409 `brand_in_use`."""
    await ctx.use(DeleteBrand)(ctx.me, ctx.params["brand_id"])


# --- option keys ------------------------------------------------------------------------------------------


@attrs.frozen
class OptionValueIn:
    value: str
    sorting: int = 0


@attrs.frozen
class OptionValuePatch:
    """A value to add (no `id`) or to change (its `id`); values not named stay as they are."""

    value: str
    sorting: int | None = None
    id: uuid.UUID | None = None


@attrs.frozen
class OptionKeyIn:
    key: str
    is_variant_creator: bool = True
    description: str = ""
    values: list[OptionValueIn] = attrs.field(factory=list)


@attrs.frozen
class OptionKeyPatch:
    """Send only what changes; `values` adds new values and changes named ones."""

    key: str | None = None
    description: str | None = None
    is_variant_creator: bool | None = None
    is_active: bool | None = None
    values: list[OptionValuePatch] | None = None


@attrs.frozen
class OptionValueOut:
    id: uuid.UUID
    value: str
    sorting: int


@attrs.frozen
class OptionKeyOut:
    id: uuid.UUID
    key: str
    description: str
    is_variant_creator: bool
    values: list[OptionValueOut]
    is_active: bool
    created_at: datetime
    updated_at: datetime


def option_key_out(k: OptionKey) -> OptionKeyOut:
    values = [OptionValueOut(v.id, v.value, v.sorting) for v in k.sorted_values()]
    return OptionKeyOut(k.id, k.key, k.description, k.is_variant_creator, values, k.is_active, k.created_at,
                        k.updated_at)  # fmt: skip


@routes.post(f"{ADMIN}/option-keys", body=OptionKeyIn, response=OptionKeyOut, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def create_option_key(ctx: Ctx) -> OptionKeyOut:
    """Create an option key ("Renk") with its values ("Kırmızı", "Mavi"); the answer carries the values' ids."""
    b: OptionKeyIn = ctx.body
    values = [ValueIn(v.value, v.sorting) for v in b.values]
    cmd = NewOptionKey(ctx.me, b.key, b.is_variant_creator, b.description, values)
    return option_key_out(await ctx.use(CreateOptionKey)(cmd))


@routes.get(f"{ADMIN}/option-keys", response=Items[OptionKeyOut], permission=MANAGE)
async def list_option_keys(ctx: Ctx) -> Items[OptionKeyOut]:
    """Every option key with its values, by key."""
    return Items([option_key_out(k) for k in await ctx.use(ListOptionKeys)()])


@routes.get(f"{ADMIN}/option-keys/{{key_id:uuid}}", response=OptionKeyOut, permission=MANAGE)
async def get_option_key(ctx: Ctx) -> OptionKeyOut:
    """One option key with its values."""
    return option_key_out(await ctx.use(GetOptionKey)(ctx.params["key_id"]))


@routes.patch(f"{ADMIN}/option-keys/{{key_id:uuid}}", body=OptionKeyPatch, response=OptionKeyOut,
              permission=MANAGE, errors=(409,))  # fmt: skip
async def change_option_key(ctx: Ctx) -> OptionKeyOut:
    """Change an option key; `values` without an id are added, those with one changed."""
    b: OptionKeyPatch = ctx.body
    fields = {name: value for name, value in changes(ctx).items() if name != "values"}
    values = None
    if "values" in ctx.provided:
        if b.values is None:
            raise Invalid.field("values", "must be a list (leave it out to keep the values)")
        values = [ValueIn(v.value, v.sorting, v.id) for v in b.values]
    cmd = OptionKeyRevision(ctx.me, ctx.params["key_id"], fields, values)
    return option_key_out(await ctx.use(ChangeOptionKey)(cmd))


@routes.delete(f"{ADMIN}/option-keys/{{key_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_option_key(ctx: Ctx) -> None:
    """Delete an option key (soft); one whose values variants use is 409 `option_key_in_use`."""
    await ctx.use(DeleteOptionKey)(ctx.me, ctx.params["key_id"])


# --- products ---------------------------------------------------------------------------------------------


@attrs.frozen
class Specification:
    """One line of a product's specifications: `{"key": "Malzeme", "value": "Pamuk"}`."""

    key: str
    value: str


@attrs.frozen
class ProductIn:
    """`tax_rate` is the KDV percentage as a string: "0", "1", "10" or "20" (the default)."""

    name: str
    code: str
    brand_id: uuid.UUID
    category_id: uuid.UUID
    barcode: str | None = None
    description: str = ""
    specifications: list[Specification] = attrs.field(factory=list)
    tax_rate: Decimal = Decimal(20)
    slug: str | None = None
    meta_title: str = ""
    meta_description: str = ""


@attrs.frozen
class ProductPatch:
    """Send only what changes; `{"is_active": false}` takes the product off the storefront."""

    name: str | None = None
    code: str | None = None
    slug: str | None = None
    brand_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None
    barcode: str | None = None
    description: str | None = None
    specifications: list[Specification] | None = None
    tax_rate: Decimal | None = None
    meta_title: str | None = None
    meta_description: str | None = None
    is_active: bool | None = None


@attrs.frozen
class ProductOut:
    id: uuid.UUID
    name: str
    code: str
    slug: str
    brand_id: uuid.UUID
    category_id: uuid.UUID
    barcode: str | None
    description: str
    specifications: list[Specification]
    tax_rate: Decimal
    meta_title: str
    meta_description: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


def product_out(p: Product) -> ProductOut:
    specs = [Specification(s["key"], s["value"]) for s in p.specifications]
    return ProductOut(p.id, p.name, p.code, p.slug, p.brand_id, p.category_id, p.barcode, p.description, specs,
                      percent(p.tax_rate), p.meta_title, p.meta_description, p.is_active, p.created_at,
                      p.updated_at)  # fmt: skip


@attrs.frozen
class ProductDetailOut(ProductOut):
    """A product with its variants (active or not)."""

    variants: list[VariantOut]


def as_dicts(specs: list[Specification] | None) -> list[dict[str, str]] | None:
    return None if specs is None else [{"key": s.key, "value": s.value} for s in specs]


@routes.post(f"{ADMIN}/products", body=ProductIn, response=ProductOut, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def create_product(ctx: Ctx) -> ProductOut:
    """Create a product of a brand in a category; its variants and prices come next."""
    b: ProductIn = ctx.body
    cmd = NewProduct(ctx.me, b.name, b.code, b.brand_id, b.category_id, b.barcode, b.description,
                     as_dicts(b.specifications) or [], b.tax_rate, b.slug, b.meta_title,
                     b.meta_description)  # fmt: skip
    return product_out(await ctx.use(CreateProduct)(cmd))


@routes.get(f"{ADMIN}/products", query=SearchQuery, response=PageOut[ProductOut], permission=MANAGE)
async def list_products(ctx: Ctx) -> PageOut[ProductOut]:
    """Products, active or not, newest first; `q` matches name, code and barcode."""
    return page_out(await ctx.use(ListProducts)(page_request(ctx.query), q=ctx.query.q), product_out)


@routes.get(f"{ADMIN}/products/{{product_id:uuid}}", response=ProductDetailOut, permission=MANAGE)
async def get_product(ctx: Ctx) -> ProductDetailOut:
    """One product with its variants (active or not) and their prices."""
    found = await ctx.use(GetProduct)(ctx.params["product_id"])
    out = product_out(found.product)
    return ProductDetailOut(**attrs.asdict(out, recurse=False), variants=[variant_out(v) for v in found.variants])


@routes.patch(f"{ADMIN}/products/{{product_id:uuid}}", body=ProductPatch, response=ProductOut,
              permission=MANAGE, errors=(409,))  # fmt: skip
async def change_product(ctx: Ctx) -> ProductOut:
    """Change a product."""
    fields = changes(ctx)
    if "specifications" in fields:
        fields["specifications"] = as_dicts(fields["specifications"])
    return product_out(await ctx.use(ChangeProduct)(Revision(ctx.me, ctx.params["product_id"], fields)))


@routes.delete(f"{ADMIN}/products/{{product_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_product(ctx: Ctx) -> None:
    """Delete a product and its variants (soft)."""
    await ctx.use(DeleteProduct)(ctx.me, ctx.params["product_id"])


# --- variants and prices ----------------------------------------------------------------------------------


@attrs.frozen
class VariantIn:
    """One variant: at most one value per option key (none for a product without options)."""

    code: str
    option_value_ids: list[uuid.UUID]
    price: Money
    name: str | None = None
    barcode: str | None = None
    slug: str | None = None
    discount: Money | None = None


@attrs.frozen
class VariantMatrixIn:
    """Values of one or more option keys: a variant is made for every combination the product lacks."""

    option_value_ids: list[uuid.UUID]
    price: Money


@attrs.frozen
class VariantPatch:
    """Send only what changes; prices change with PUT .../price."""

    name: str | None = None
    code: str | None = None
    slug: str | None = None
    barcode: str | None = None
    is_active: bool | None = None


@attrs.frozen
class PriceIn:
    """The variant's price in the money's currency (tax included), replacing the current one."""

    price: Money
    discount: Money | None = None


@attrs.frozen
class VariantPriceOut:
    """`price` is the list price, `sale_price` what the customer pays (`price - discount`)."""

    price: Money
    discount: Money
    sale_price: Money


@attrs.frozen
class VariantOut:
    """`price` is the sale price in TRY (or else the first currency), null while the variant has none."""

    id: uuid.UUID
    product_id: uuid.UUID
    name: str
    code: str
    slug: str
    barcode: str | None
    option_value_ids: list[uuid.UUID]
    price: Money | None
    prices: list[VariantPriceOut]
    is_active: bool
    created_at: datetime
    updated_at: datetime


def price_out(p: Price) -> VariantPriceOut:
    price, discount = Money.rounded(p.amount, p.currency), Money.rounded(p.discount, p.currency)
    return VariantPriceOut(price, discount, price - discount)


def variant_out(v: Variant) -> VariantOut:
    live = sorted((p for p in v.prices if p.is_active and not p.is_deleted), key=lambda p: p.currency)
    prices = [price_out(p) for p in live]
    main = next((p for p in prices if p.price.currency == MAIN_CURRENCY), prices[0] if prices else None)
    return VariantOut(v.id, v.product_id, v.name, v.code, v.slug, v.barcode, list(v.option_value_ids),
                      main.sale_price if main else None, prices, v.is_active, v.created_at,
                      v.updated_at)  # fmt: skip


@routes.post(f"{ADMIN}/products/{{product_id:uuid}}/variants", body=VariantIn, response=VariantOut, status=201,
             permission=MANAGE, errors=(409,))  # fmt: skip
async def create_variant(ctx: Ctx) -> VariantOut:
    """Add a variant with its price.

    At most one value per option key; a combination the product has already is 409 `duplicate_combination`."""
    b: VariantIn = ctx.body
    cmd = NewVariant(ctx.me, ctx.params["product_id"], b.code, list(b.option_value_ids), b.price, b.name,
                     b.barcode, b.slug, b.discount)  # fmt: skip
    return variant_out(await ctx.use(CreateVariant)(cmd))


@routes.post(f"{ADMIN}/products/{{product_id:uuid}}/variants/generate", body=VariantMatrixIn,
             response=Items[VariantOut], status=201, permission=MANAGE)  # fmt: skip
async def generate_variants(ctx: Ctx) -> Items[VariantOut]:
    """Make a variant for every combination of the given option values.

    One per combination across the values' keys (2 colours x 3 sizes: 6), all at `price`; combinations the
    product has already are skipped, so the list may be empty."""
    b: VariantMatrixIn = ctx.body
    cmd = VariantMatrix(ctx.me, ctx.params["product_id"], list(b.option_value_ids), b.price)
    return Items([variant_out(v) for v in await ctx.use(GenerateVariants)(cmd)])


@routes.get(f"{ADMIN}/variants/{{variant_id:uuid}}", response=VariantOut, permission=MANAGE)
async def get_variant(ctx: Ctx) -> VariantOut:
    """One variant with its prices."""
    return variant_out(await ctx.use(GetVariant)(ctx.params["variant_id"]))


@routes.patch(f"{ADMIN}/variants/{{variant_id:uuid}}", body=VariantPatch, response=VariantOut,
              permission=MANAGE, errors=(409,))  # fmt: skip
async def change_variant(ctx: Ctx) -> VariantOut:
    """Change a variant's name, code, slug or barcode, or (de)activate it."""
    return variant_out(await ctx.use(ChangeVariant)(Revision(ctx.me, ctx.params["variant_id"], changes(ctx))))


@routes.put(f"{ADMIN}/variants/{{variant_id:uuid}}/price", body=PriceIn, response=VariantOut, permission=MANAGE,
            errors=(409,))  # fmt: skip
async def set_variant_price(ctx: Ctx) -> VariantOut:
    """Set the variant's price in one currency; a discount above the price is 422."""
    b: PriceIn = ctx.body
    return variant_out(await ctx.use(SetVariantPrice)(NewPrice(ctx.me, ctx.params["variant_id"], b.price,
                                                                b.discount)))  # fmt: skip


@routes.delete(f"{ADMIN}/variants/{{variant_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_variant(ctx: Ctx) -> None:
    """Delete a variant (soft)."""
    await ctx.use(DeleteVariant)(ctx.me, ctx.params["variant_id"])
