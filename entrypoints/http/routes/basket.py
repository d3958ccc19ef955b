"""Baskets: `/api/v1/baskets` (guests with `X-Basket-Token`, or a logged-in user) and the merge at login.

Every answer is the basket priced by the server now: lines never carry a client's price, and a price changed
since the customer last touched a line shows as `price_changed_from`.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

import attrs

from core.basket.use_cases.baskets import (
    Access,
    AddItem,
    AddToBasket,
    ChangeBasketItem,
    ChangeItem,
    Open,
    OpenBasket,
    ReadBasket,
    RemoveBasketItem,
    RemoveItem,
)
from core.basket.use_cases.coupons import ApplyCoupon, CouponCode, RemoveCoupon
from core.basket.use_cases.lifecycle import Merge, MergeBasket
from core.basket.views import basket_json
from core.shared.actor import Actor, current_actor
from core.shared.money import Money
from entrypoints.http.api import Ctx, Plain, Routes

log = logging.getLogger("carsi.basket")
routes = Routes("basket")
BASKETS = "/api/v1/baskets"
ONE = f"{BASKETS}/{{basket_id:uuid}}"
ITEM = f"{ONE}/items/{{item_id:uuid}}"
TOKEN_HEADER = "x-basket-token"
GUEST = ("X-Basket-Token",)


@attrs.frozen
class BasketIn:
    """`currency` defaults to the shop's first basket currency (runtime setting `basket.currencies`)."""

    currency: str | None = None


@attrs.frozen
class ItemIn:
    """Prices are never taken from the client: the server prices every line from the catalog."""

    variant_id: uuid.UUID
    quantity: int


@attrs.frozen
class QuantityIn:
    quantity: int


@attrs.frozen
class MergeIn:
    basket_id: uuid.UUID
    token: str


@attrs.frozen
class LineOut:
    id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID | None
    name: str
    sku: str
    quantity: int
    unit_price: Money
    total_price: Money
    discount_amount: Money
    tax_rate: Decimal
    price_changed_from: Money | None  # the price the customer last agreed to, when today's differs
    purchasable: bool  # false: no longer sold (or no price in the basket's currency); not in the totals


@attrs.frozen
class TaxLineOut:
    rate: Decimal
    amount: Money


@attrs.frozen
class TotalsOut:
    """KDV-inclusive: `total = subtotal - discount + shipping`; `tax` is the KDV contained in `total`."""

    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money
    tax_lines: list[TaxLineOut]
    total: Money


@attrs.frozen
class CouponIn:
    """A coupon code, as the customer types it (case does not matter)."""

    code: str


@attrs.frozen
class AppliedOut:
    """A promotion the basket got: a bundle deal (`times` sets) or a campaign (`coupon_code` when a coupon
    brought it); `amount` is the discount it gave."""

    kind: Literal["bundle", "campaign"]
    id: uuid.UUID
    name: str
    coupon_code: str | None
    amount: Money
    free_shipping: bool
    times: int


@attrs.frozen
class NotAppliedOut:
    """A promotion on offer that did not apply, and why: `coupon_not_found`, `coupon_expired`,
    `coupon_not_started`, `coupon_exhausted`, `coupon_user_limit_reached`, `minimum_not_met` or
    `not_applicable` (`detail` says more, e.g. which promotion it does not combine with)."""

    kind: Literal["bundle", "campaign", "coupon"]
    id: uuid.UUID | None
    name: str
    coupon_code: str | None
    reason: str
    detail: str


@attrs.frozen
class PromotionsOut:
    applied: list[AppliedOut]
    not_applied: list[NotAppliedOut]


@attrs.frozen
class BasketOut:
    """`token` is a guest basket's secret, given once when it is created (send it as `X-Basket-Token`)."""

    id: uuid.UUID
    token: str | None
    status: Literal["active", "merged", "abandoned", "converted"]
    currency: str
    user_id: uuid.UUID | None
    items: list[LineOut]
    totals: TotalsOut
    coupons: list[str]  # the coupon codes entered (normalised to upper case)
    promotions: PromotionsOut
    created_at: datetime
    updated_at: datetime


def access(ctx: Ctx) -> Access:
    return Access(ctx.actor, ctx.params["basket_id"], ctx.request.headers.get(TOKEN_HEADER))


@routes.post(BASKETS, body=BasketIn, response=BasketOut, status=201, auth="optional", errors=(409,))
async def open_basket(ctx: Ctx) -> Plain:
    """Open a basket: a guest's without a bearer token (keep the `token`), else the caller's own — their
    active basket when they have one."""
    return Plain(basket_json(await ctx.use(OpenBasket)(Open(ctx.actor, ctx.body.currency))))


@routes.get(ONE, response=BasketOut, auth="optional", errors=(404,), headers=GUEST)
async def get_basket(ctx: Ctx) -> Plain:
    """A basket priced now. A guest basket needs `X-Basket-Token`; anyone else's basket is 404."""
    return Plain(basket_json(await ctx.use(ReadBasket)(access(ctx))))


@routes.post(
    f"{ONE}/items", body=ItemIn, response=BasketOut, status=201, auth="optional", errors=(404, 409), headers=GUEST
)
async def add_item(ctx: Ctx) -> Plain:
    """Add units of a variant (to its line when it is already in the basket). 409 `insufficient_stock`,
    `quantity_limit`, `basket_line_limit` or `basket_not_active`; 422 for a variant not for sale."""
    b: ItemIn = ctx.body
    return Plain(basket_json(await ctx.use(AddToBasket)(AddItem(access(ctx), b.variant_id, b.quantity))))


@routes.patch(ITEM, body=QuantityIn, response=BasketOut, auth="optional", errors=(404, 409), headers=GUEST)
async def change_item(ctx: Ctx) -> Plain:
    """Set a line's quantity; its agreed price becomes today's."""
    cmd = ChangeItem(access(ctx), ctx.params["item_id"], ctx.body.quantity)
    return Plain(basket_json(await ctx.use(ChangeBasketItem)(cmd)))


@routes.delete(ITEM, status=204, auth="optional", errors=(404, 409), headers=GUEST)
async def remove_item(ctx: Ctx) -> None:
    """Take a line out of the basket."""
    await ctx.use(RemoveBasketItem)(RemoveItem(access(ctx), ctx.params["item_id"]))


@routes.post(f"{ONE}/coupons", body=CouponIn, response=BasketOut, auth="optional", errors=(404, 409),
             headers=GUEST)  # fmt: skip
async def apply_coupon(ctx: Ctx) -> Plain:
    """Enter a coupon code. It is kept only when it applies to the basket now; otherwise 409 with the reason:
    `coupon_not_found`, `coupon_expired`, `coupon_not_started`, `coupon_exhausted`, `coupon_user_limit_reached`,
    `minimum_not_met`, `not_applicable` (or `coupon_limit` when the basket holds as many codes as it takes)."""
    return Plain(basket_json(await ctx.use(ApplyCoupon)(CouponCode(access(ctx), ctx.body.code))))


@routes.delete(f"{ONE}/coupons/{{code}}", status=204, auth="optional", errors=(404, 409), headers=GUEST)
async def remove_coupon(ctx: Ctx) -> None:
    """Take a coupon code out of the basket (404 when it is not in it)."""
    await ctx.use(RemoveCoupon)(CouponCode(access(ctx), ctx.params["code"]))


@routes.post("/api/v1/me/basket/merge", body=MergeIn, response=BasketOut, errors=(404, 409))
async def merge_basket(ctx: Ctx) -> Plain:
    """Merge a guest basket (its id and token) into the caller's active basket, or make it theirs when they
    have none. The guest basket becomes `merged`."""
    b: MergeIn = ctx.body
    return Plain(basket_json(await ctx.use(MergeBasket)(Merge(ctx.me, b.basket_id, b.token))))


async def merge_at_login(ctx: Ctx, actor: Actor, basket_id: uuid.UUID, token: str) -> None:
    """The token route's merge after a successful login: a failure is logged, never the login's."""
    previous = current_actor.set(actor)
    try:
        await ctx.use(MergeBasket)(Merge(actor, basket_id, token))
    except Exception:
        log.warning("the guest basket %s was not merged at login", basket_id, exc_info=True)
    finally:
        current_actor.reset(previous)
