"""What the storefront reads: flat, ready-to-serve shapes built by query functions, not by aggregates."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import attrs

from core.shared.money import Money
from core.shared.pagination import PageRequest

Sort = Literal["price", "-price", "name", "-created_at"]


@attrs.frozen
class CategoryNode:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    slug: str
    sorting: int


@attrs.frozen
class Ref:
    """A brand or category as a product names it."""

    id: uuid.UUID
    name: str
    slug: str


@attrs.frozen
class ProductCard:
    """A product in a list: its lowest price in the asked currency (what the customer pays)."""

    id: uuid.UUID
    name: str
    slug: str
    code: str
    brand: Ref
    category: Ref
    price: Money | None
    compare_at_price: Money | None
    tax_rate: Decimal
    in_stock: bool
    created_at: datetime


@attrs.frozen
class OptionView:
    key: str
    value: str


@attrs.frozen
class VariantView:
    id: uuid.UUID
    code: str
    slug: str
    name: str
    barcode: str | None
    options: list[OptionView]
    price: Money | None
    compare_at_price: Money | None
    prices: list[Money]
    available: bool


@attrs.frozen
class OptionGroup:
    key: str
    values: list[str]


@attrs.frozen
class ImageView:
    """A product image on its page, in `sorting` order: the original's URL, its WebP thumbnails (longest side ->
    URL, once made), and the variant it is for (null: the whole product)."""

    url: str
    thumbnails: dict[str, str]
    alt_text: str
    variant_id: uuid.UUID | None


@attrs.frozen
class ProductDetail:
    id: uuid.UUID
    name: str
    slug: str
    code: str
    barcode: str | None
    description: str
    specifications: list[dict[str, str]]
    tax_rate: Decimal
    meta_title: str
    meta_description: str
    brand: Ref
    category: Ref
    breadcrumbs: list[Ref]
    options: list[OptionGroup]
    variants: list[VariantView]
    created_at: datetime
    updated_at: datetime
    images: list[ImageView] = attrs.field(factory=list)  # added by ShowProduct from the gallery


@attrs.frozen
class ProductQuery:
    """Filters of the public product list, already resolved to ids."""

    page: PageRequest
    currency: str
    category_ids: frozenset[uuid.UUID] | None = None
    brand_id: uuid.UUID | None = None
    q: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    sort: Sort = "-created_at"


def as_json(value: Any) -> Any:
    """A read model as the JSON the API serves (and the cache keeps): money as {amount, currency} strings."""
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if attrs.has(type(value)):
        return {f.name: as_json(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
