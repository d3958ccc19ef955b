"""Staff routes for standalone discounts (`promotions.manage`): a percentage or an amount off the list price of a
product, a variant, a category (and the categories under it) or a brand, for a while. The storefront shows the
discounted price with the list price as `compare_at_price`; the basket sells at it."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

import attrs

from core.catalog.use_cases.common import Revision
from core.promotions.discounts import Discount
from core.promotions.use_cases.discounts import (
    ChangeDiscount,
    CreateDiscount,
    DeleteDiscount,
    GetDiscount,
    ListDiscounts,
    NewDiscount,
)
from core.shared.money import Money
from entrypoints.http.api import Ctx, PageOut, PageQuery, Routes, page_out, page_request
from entrypoints.http.routes.catalog import changes, percent

routes = Routes("staff: promotions")
MANAGE = "promotions.manage"
ADMIN = "/api/v1/admin/promotions/discounts"
TargetType = Literal["product", "variant", "category", "brand"]
DiscountType = Literal["percentage", "fixed_amount"]


@attrs.frozen
class DiscountIn:
    """`value`: a percentage (above 0, at most 100) or an amount in `currency` (above 0), as a decimal string;
    `start_date` defaults to now, no `end_date` runs until changed; the target must exist."""

    name: str
    target_type: TargetType
    target_id: uuid.UUID
    discount_type: DiscountType
    value: Decimal
    currency: str = "TRY"
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool = True


@attrs.frozen
class DiscountPatch:
    """Send only what changes; `end_date: null` makes it open-ended."""

    name: str | None = None
    target_type: TargetType | None = None
    target_id: uuid.UUID | None = None
    discount_type: DiscountType | None = None
    value: Decimal | None = None
    currency: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool | None = None


@attrs.frozen
class DiscountOut:
    id: uuid.UUID
    name: str
    target_type: str
    target_id: uuid.UUID
    discount_type: str
    value: Decimal
    currency: str
    start_date: datetime
    end_date: datetime | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class DiscountQuery(PageQuery):
    """A page, optionally of one target type and/or one target."""

    target_type: TargetType | None = None
    target_id: uuid.UUID | None = None


def discount_out(d: Discount) -> DiscountOut:
    value = percent(d.value) if d.discount_type == "percentage" else Money.rounded(d.value, d.currency).amount
    return DiscountOut(d.id, d.name, d.target_type, d.target_id, d.discount_type, value, d.currency, d.start_date,
                       d.end_date, d.is_active, d.created_at, d.updated_at)  # fmt: skip


@routes.post(ADMIN, body=DiscountIn, response=DiscountOut, status=201, permission=MANAGE)
async def create_discount(ctx: Ctx) -> DiscountOut:
    """Create a discount; an unknown target is 422 on `target_id`."""
    b: DiscountIn = ctx.body
    cmd = NewDiscount(ctx.me, b.name, b.target_type, b.target_id, b.discount_type, b.value, b.currency, b.start_date,
                      b.end_date, b.is_active)  # fmt: skip
    return discount_out(await ctx.use(CreateDiscount)(cmd))


@routes.get(ADMIN, query=DiscountQuery, response=PageOut[DiscountOut], permission=MANAGE)
async def list_discounts(ctx: Ctx) -> PageOut[DiscountOut]:
    """Discounts, newest first."""
    q: DiscountQuery = ctx.query
    found = await ctx.use(ListDiscounts)(page_request(q), target_type=q.target_type, target_id=q.target_id)
    return page_out(found, discount_out)


@routes.get(f"{ADMIN}/{{discount_id:uuid}}", response=DiscountOut, permission=MANAGE)
async def get_discount(ctx: Ctx) -> DiscountOut:
    """One discount."""
    return discount_out(await ctx.use(GetDiscount)(ctx.params["discount_id"]))


@routes.patch(f"{ADMIN}/{{discount_id:uuid}}", body=DiscountPatch, response=DiscountOut, permission=MANAGE)
async def change_discount(ctx: Ctx) -> DiscountOut:
    """Change a discount; the storefront shows it on the next read."""
    return discount_out(await ctx.use(ChangeDiscount)(Revision(ctx.me, ctx.params["discount_id"], changes(ctx))))


@routes.delete(f"{ADMIN}/{{discount_id:uuid}}", status=204, permission=MANAGE)
async def delete_discount(ctx: Ctx) -> None:
    """Delete a discount (soft): prices go back to the catalog's."""
    await ctx.use(DeleteDiscount)(ctx.me, ctx.params["discount_id"])
