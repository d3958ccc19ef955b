"""Staff routes for promotions (`promotions.manage`): campaigns with their rules, coupons (one by one,
generated in bulk, exported as CSV) and bundle deals. Every change is audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import attrs
from starlette.responses import Response

from core.catalog.use_cases.common import Revision
from core.promotions.model import BundleDeal, BundleItem, Campaign, Coupon
from core.promotions.rules import rules_json
from core.promotions.use_cases.admin_bundles import (
    ChangeBundle,
    CreateBundle,
    DeleteBundle,
    GetBundle,
    ListBundles,
    NewBundle,
)
from core.promotions.use_cases.admin_campaigns import (
    ChangeCampaign,
    CreateCampaign,
    DeleteCampaign,
    GetCampaign,
    ListCampaigns,
    NewCampaign,
)
from core.promotions.use_cases.admin_coupons import (
    ChangeCoupon,
    CouponBatch,
    CreateCoupon,
    DeleteCoupon,
    ExportCoupons,
    GenerateCoupons,
    GetCoupon,
    ListCoupons,
    NewCoupon,
)
from core.shared.money import minor_digits
from entrypoints.http.api import Ctx, PageOut, PageQuery, Routes, page_out, page_request
from entrypoints.http.routes.catalog import changes, percent

routes = Routes("staff: promotions")
MANAGE = "promotions.manage"
ADMIN = "/api/v1/admin/promotions"
CAMPAIGN = f"{ADMIN}/campaigns/{{campaign_id:uuid}}"
COUPON = f"{ADMIN}/coupons/{{coupon_id:uuid}}"
BUNDLE = f"{ADMIN}/bundles/{{bundle_id:uuid}}"
DiscountType = Literal["percentage", "fixed_amount"]


def _amount(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else str(value.quantize(Decimal(1).scaleb(-minor_digits(currency))))


# --- campaigns ---------------------------------------------------------------------------------------------


@attrs.frozen
class CampaignIn:
    """`discount_value` is a decimal string: `"10"` is 10 % for `percentage`, 10.00 in `currency` for
    `fixed_amount`. Dates are ISO 8601 with an offset; `end_date` null or left out: no end. `rules`: each
    `{rule_type: all|any, conditions: [...], actions: [...]}` — conditions `category`/`brand`/`product`/
    `variant` (`ids`), `min_quantity`, `min_amount`, `first_order`, `customer_role` (`roles`); actions
    `order_percentage`, `order_fixed`, `lines_percentage`, `lines_fixed`, `free_shipping`, `buy_x_get_y`,
    `set_price` (a rule without actions gives the campaign's own discount). `automatic` campaigns apply without
    a coupon; higher `priority` applies first; an `exclusive` one combines with nothing else."""

    name: str
    discount_type: DiscountType
    discount_value: str
    start_date: datetime
    end_date: datetime | None = None
    minimum_cart_amount: str | None = None
    usage_limit: int | None = None
    rules: list[dict[str, Any]] | None = None
    description: str = ""
    automatic: bool = False
    currency: str = "TRY"
    priority: int = 0
    exclusive: bool = False
    is_active: bool = True


@attrs.frozen
class CampaignPatch:
    """Send only what changes; `rules` replaces every rule; null removes `end_date`, `minimum_cart_amount`,
    `usage_limit` (and `rules`)."""

    name: str | None = None
    discount_type: DiscountType | None = None
    discount_value: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    minimum_cart_amount: str | None = None
    usage_limit: int | None = None
    rules: list[dict[str, Any]] | None = None
    description: str | None = None
    automatic: bool | None = None
    currency: str | None = None
    priority: int | None = None
    exclusive: bool | None = None
    is_active: bool | None = None


@attrs.frozen
class CampaignOut:
    id: uuid.UUID
    name: str
    description: str
    automatic: bool
    discount_type: str
    discount_value: str
    currency: str
    minimum_cart_amount: str | None
    start_date: datetime
    end_date: datetime | None
    usage_limit: int | None
    used_count: int
    priority: int
    exclusive: bool
    is_active: bool
    rules: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime


def campaign_out(c: Campaign) -> CampaignOut:
    value = str(percent(c.discount_value)) if c.discount_type == "percentage" else _amount(c.discount_value, c.currency)
    return CampaignOut(c.id, c.name, c.description, c.automatic, c.discount_type, value or "0", c.currency,
                       _amount(c.minimum_cart_amount, c.currency), c.start_date, c.end_date, c.usage_limit,
                       c.used_count, c.priority, c.exclusive, c.is_active, rules_json(c.rules), c.created_at,
                       c.updated_at)  # fmt: skip


@attrs.frozen
class CampaignQuery(PageQuery):
    """A page, optionally narrowed by `q` (the name, Turkish letters folded) and `automatic`."""

    q: str | None = None
    automatic: bool | None = None


@routes.post(f"{ADMIN}/campaigns", body=CampaignIn, response=CampaignOut, status=201, permission=MANAGE)
async def create_campaign(ctx: Ctx) -> CampaignOut:
    """Create a campaign; its rules are checked field by field (422 `invalid_rule` naming the place)."""
    b: CampaignIn = ctx.body
    cmd = NewCampaign(ctx.me, b.name, b.discount_type, b.discount_value, b.start_date, b.end_date,
                      b.minimum_cart_amount, b.usage_limit, b.rules, b.description, b.automatic, b.currency,
                      b.priority, b.exclusive, b.is_active)  # fmt: skip
    return campaign_out(await ctx.use(CreateCampaign)(cmd))


@routes.get(f"{ADMIN}/campaigns", query=CampaignQuery, response=PageOut[CampaignOut], permission=MANAGE)
async def list_campaigns(ctx: Ctx) -> PageOut[CampaignOut]:
    """Campaigns, newest first."""
    q: CampaignQuery = ctx.query
    return page_out(await ctx.use(ListCampaigns)(page_request(q), q=q.q, automatic=q.automatic), campaign_out)


@routes.get(CAMPAIGN, response=CampaignOut, permission=MANAGE)
async def get_campaign(ctx: Ctx) -> CampaignOut:
    """One campaign, with its rules and how often it was used."""
    return campaign_out(await ctx.use(GetCampaign)(ctx.params["campaign_id"]))


@routes.patch(CAMPAIGN, body=CampaignPatch, response=CampaignOut, permission=MANAGE, errors=(409,))
async def change_campaign(ctx: Ctx) -> CampaignOut:
    """Change a campaign; a `usage_limit` below the uses so far is 409 `limit_below_uses`."""
    return campaign_out(await ctx.use(ChangeCampaign)(Revision(ctx.me, ctx.params["campaign_id"], changes(ctx))))


@routes.delete(CAMPAIGN, status=204, permission=MANAGE)
async def delete_campaign(ctx: Ctx) -> None:
    """Delete a campaign (soft): it stops applying, and its coupons stop working."""
    await ctx.use(DeleteCampaign)(ctx.me, ctx.params["campaign_id"])


# --- coupons -----------------------------------------------------------------------------------------------


@attrs.frozen
class CouponIn:
    """`code`: 3 to 64 of A-Z, 0-9, - and _ (upper-cased: codes are case-insensitive). Dates left out are the
    campaign's; limits left out are none."""

    code: str
    campaign_id: uuid.UUID
    total_usage_limit: int | None = None
    usage_limit_per_user: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool = True


@attrs.frozen
class CouponPatch:
    code: str | None = None
    campaign_id: uuid.UUID | None = None
    total_usage_limit: int | None = None
    usage_limit_per_user: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool | None = None


@attrs.frozen
class CouponOut:
    id: uuid.UUID
    code: str
    campaign_id: uuid.UUID
    total_usage_limit: int | None
    usage_limit_per_user: int | None
    start_date: datetime | None
    end_date: datetime | None
    used_count: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


def coupon_out(c: Coupon) -> CouponOut:
    return CouponOut(c.id, c.code, c.campaign_id, c.total_usage_limit, c.usage_limit_per_user, c.start_date,
                     c.end_date, c.used_count, c.is_active, c.created_at, c.updated_at)  # fmt: skip


@attrs.frozen
class CouponQuery(PageQuery):
    """A page, optionally one campaign's (`campaign_id`) and codes starting with `q`."""

    campaign_id: uuid.UUID | None = None
    q: str | None = None


@attrs.frozen
class GenerateIn:
    """`count` (1..10000) codes: `prefix` (up to 20 characters) then `length` (6..32) random characters without
    0/O/1/I; each coupon usable `total_usage_limit` times (default 1; null: no limit)."""

    count: int
    prefix: str = ""
    length: int = 10
    total_usage_limit: int | None = 1
    usage_limit_per_user: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


@attrs.frozen
class GeneratedOut:
    count: int
    codes: list[str]


@routes.post(f"{ADMIN}/coupons", body=CouponIn, response=CouponOut, status=201, permission=MANAGE, errors=(409,))
async def create_coupon(ctx: Ctx) -> CouponOut:
    """Create a coupon for a campaign; a code a live coupon has (in any case) is 409 `duplicate_coupon_code`."""
    b: CouponIn = ctx.body
    cmd = NewCoupon(ctx.me, b.code, b.campaign_id, b.total_usage_limit, b.usage_limit_per_user, b.start_date,
                    b.end_date, b.is_active)  # fmt: skip
    return coupon_out(await ctx.use(CreateCoupon)(cmd))


@routes.get(f"{ADMIN}/coupons", query=CouponQuery, response=PageOut[CouponOut], permission=MANAGE)
async def list_coupons(ctx: Ctx) -> PageOut[CouponOut]:
    """Coupons, newest first."""
    q: CouponQuery = ctx.query
    return page_out(await ctx.use(ListCoupons)(page_request(q), campaign_id=q.campaign_id, q=q.q), coupon_out)


@routes.get(COUPON, response=CouponOut, permission=MANAGE)
async def get_coupon(ctx: Ctx) -> CouponOut:
    """One coupon, with how often it was used."""
    return coupon_out(await ctx.use(GetCoupon)(ctx.params["coupon_id"]))


@routes.patch(COUPON, body=CouponPatch, response=CouponOut, permission=MANAGE, errors=(409,))
async def change_coupon(ctx: Ctx) -> CouponOut:
    """Change a coupon; a taken code is 409 `duplicate_coupon_code`, a `total_usage_limit` below the uses so
    far 409 `limit_below_uses`."""
    return coupon_out(await ctx.use(ChangeCoupon)(Revision(ctx.me, ctx.params["coupon_id"], changes(ctx))))


@routes.delete(COUPON, status=204, permission=MANAGE)
async def delete_coupon(ctx: Ctx) -> None:
    """Delete a coupon (soft): its code stops working and is free for a new coupon."""
    await ctx.use(DeleteCoupon)(ctx.me, ctx.params["coupon_id"])


@routes.post(f"{CAMPAIGN}/coupons/generate", body=GenerateIn, response=GeneratedOut, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def generate_coupons(ctx: Ctx) -> GeneratedOut:
    """Generate `count` coupons with unique random codes for a campaign."""
    b: GenerateIn = ctx.body
    cmd = CouponBatch(ctx.me, ctx.params["campaign_id"], b.count, b.prefix, b.length, b.total_usage_limit,
                      b.usage_limit_per_user, b.start_date, b.end_date)  # fmt: skip
    made = await ctx.use(GenerateCoupons)(cmd)
    return GeneratedOut(made.count, made.codes)


@routes.get(f"{CAMPAIGN}/coupons.csv", permission=MANAGE)
async def export_coupons(ctx: Ctx) -> Response:
    """A campaign's coupons as CSV (text/csv): code, total_usage_limit, usage_limit_per_user, used_count,
    start_date, end_date, is_active."""
    campaign_id = ctx.params["campaign_id"]
    body = await ctx.use(ExportCoupons)(campaign_id)
    headers = {"Content-Disposition": f'attachment; filename="coupons-{campaign_id}.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


# --- bundles -----------------------------------------------------------------------------------------------


@attrs.frozen
class BundleItemIn:
    variant_id: uuid.UUID
    quantity: int = 1


@attrs.frozen
class BundleIn:
    """A set of 1..20 distinct variants (`quantity` each per set) sold for `price` (decimal string in
    `currency`) or `percent` off their prices: exactly one of the two. Applies once per whole set."""

    name: str
    items: list[BundleItemIn]
    price: str | None = None
    percent: str | None = None
    currency: str = "TRY"
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool = True


@attrs.frozen
class BundlePatch:
    name: str | None = None
    items: list[BundleItemIn] | None = None
    price: str | None = None
    percent: str | None = None
    currency: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool | None = None


@attrs.frozen
class BundleOut:
    id: uuid.UUID
    name: str
    items: list[BundleItem]
    price: str | None
    percent: str | None
    currency: str
    start_date: datetime | None
    end_date: datetime | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


def bundle_out(b: BundleDeal) -> BundleOut:
    off = None if b.percent is None else str(percent(b.percent))
    return BundleOut(b.id, b.name, list(b.items), _amount(b.price, b.currency), off, b.currency, b.start_date,
                     b.end_date, b.is_active, b.created_at, b.updated_at)  # fmt: skip


@routes.post(f"{ADMIN}/bundles", body=BundleIn, response=BundleOut, status=201, permission=MANAGE)
async def create_bundle(ctx: Ctx) -> BundleOut:
    """Create a bundle deal; unknown variants are 422 naming the item."""
    b: BundleIn = ctx.body
    cmd = NewBundle(ctx.me, b.name, list(b.items), b.price, b.percent, b.currency, b.start_date, b.end_date,
                    b.is_active)  # fmt: skip
    return bundle_out(await ctx.use(CreateBundle)(cmd))


@routes.get(f"{ADMIN}/bundles", query=PageQuery, response=PageOut[BundleOut], permission=MANAGE)
async def list_bundles(ctx: Ctx) -> PageOut[BundleOut]:
    """Bundle deals, newest first."""
    return page_out(await ctx.use(ListBundles)(page_request(ctx.query)), bundle_out)


@routes.get(BUNDLE, response=BundleOut, permission=MANAGE)
async def get_bundle(ctx: Ctx) -> BundleOut:
    """One bundle deal."""
    return bundle_out(await ctx.use(GetBundle)(ctx.params["bundle_id"]))


@routes.patch(BUNDLE, body=BundlePatch, response=BundleOut, permission=MANAGE)
async def change_bundle(ctx: Ctx) -> BundleOut:
    """Change a bundle deal; `items` replaces every item."""
    return bundle_out(await ctx.use(ChangeBundle)(Revision(ctx.me, ctx.params["bundle_id"], changes(ctx))))


@routes.delete(BUNDLE, status=204, permission=MANAGE)
async def delete_bundle(ctx: Ctx) -> None:
    """Delete a bundle deal (soft)."""
    await ctx.use(DeleteBundle)(ctx.me, ctx.params["bundle_id"])
