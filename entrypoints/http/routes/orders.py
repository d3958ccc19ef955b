"""Checkout and orders: `POST /api/v1/checkout`, a customer's (or guest's) orders, and staff status changes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

import attrs

from core.ordering.model import Order, OrderLine
from core.ordering.use_cases.checkout import Checkout, InlineAddress, PlaceOrder
from core.ordering.use_cases.orders import (
    CancelMine,
    CancelOrder,
    ChangeOrderStatus,
    GetOrder,
    ListMyOrders,
    ListOrders,
    NewStatus,
    OrderRef,
)
from core.shared.money import Money
from entrypoints.http.api import Ctx, PageOut, PageQuery, Routes, page_out, page_request
from entrypoints.http.routes.basket import TaxLineOut, TotalsOut
from entrypoints.http.routes.catalog import percent

routes = Routes("orders")
ORDER = "/api/v1/orders/{order_id:uuid}"
StatusName = Literal["pending", "confirmed", "processing", "shipped", "delivered", "cancelled"]


@attrs.frozen
class AddressIn:
    """For Turkey `city`, `township` (required) and `district` are ids or names checked against the address
    tree; other countries take free text. `phone` is stored in E.164 form."""

    recipient_name: str
    phone: str
    country: str
    city: str
    line: str
    township: str | None = None
    district: str | None = None
    postal_code: str | None = None


@attrs.frozen
class CheckoutIn:
    """A guest sends `email` and the basket's `X-Basket-Token`; a logged-in customer's order takes the account's
    e-mail, and may name saved addresses by id. Billing defaults to shipping. `notes` (at most 1000 characters)
    are the customer's, for the shop. Prices are never sent: the server prices the basket, with its promotions and
    coupon codes (a code that no longer applies answers 409 with its reason). `reward_points`: a signed-in
    customer pays part of the goods with points (409 `insufficient_points`, `points_limit`)."""

    basket_id: uuid.UUID
    payment_method: str
    email: str | None = None
    shipping_address_id: uuid.UUID | None = None
    shipping_address: AddressIn | None = None
    billing_address_id: uuid.UUID | None = None
    billing_address: AddressIn | None = None
    notes: str = ""
    reward_points: int = 0


@attrs.frozen
class OrderLineOut:
    id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID | None
    product_name: str
    variant_name: str
    sku: str
    quantity: int
    unit_price: Money
    total_price: Money
    discount_amount: Money
    tax_rate: Decimal
    tax_amount: Money


@attrs.frozen
class OrderAddressOut:
    recipient_name: str
    phone: str
    country: str
    city_id: uuid.UUID | None
    city: str
    township_id: uuid.UUID | None
    township: str
    district_id: uuid.UUID | None
    district: str | None
    postal_code: str | None
    line: str


@attrs.frozen
class StatusChangeOut:
    from_status: str | None
    to_status: str
    changed_by: uuid.UUID | None
    changed_at: datetime
    note: str


@attrs.frozen
class OrderPromotionOut:
    """Part of the order's discount: a bundle deal, a campaign (with the coupon code that brought it) or reward
    points (`kind` "rewards", `id` null)."""

    kind: Literal["bundle", "campaign", "rewards"]
    id: uuid.UUID | None
    name: str
    coupon_code: str | None
    amount: Money


@attrs.frozen
class OrderOut:
    id: uuid.UUID
    number: str
    status: StatusName
    email: str | None
    currency: str
    items: list[OrderLineOut]
    totals: TotalsOut
    promotions: list[OrderPromotionOut]
    reward_points: int
    refunded: Money
    payment_method: str
    shipping_address: OrderAddressOut
    billing_address: OrderAddressOut
    estimated_delivery_date: date | None
    actual_delivery_date: date | None
    paid_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    notes: str
    history: list[StatusChangeOut]
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class PlacedOrderOut(OrderOut):
    """The new order; a guest's `access_token` (send it as `X-Order-Token` to read or cancel the order) is
    shown here once and never again."""

    access_token: str | None = None


def _money(amount: Decimal, currency: str) -> Money:
    return Money.rounded(amount, currency)


def _line_out(line: OrderLine, currency: str) -> OrderLineOut:
    return OrderLineOut(line.id, line.variant_id, line.product_id, line.product_name, line.variant_name, line.sku,
                        line.quantity, _money(line.unit_price, currency), _money(line.total_price, currency),
                        _money(line.discount_amount, currency), percent(line.tax_rate),
                        _money(line.tax_amount, currency))  # fmt: skip


def _optional(value: object) -> str | None:
    return None if value is None else str(value)


def _address_out(a: dict[str, object]) -> OrderAddressOut:
    def ref(key: str) -> uuid.UUID | None:
        value = a.get(key)
        return uuid.UUID(str(value)) if value else None

    return OrderAddressOut(str(a["recipient_name"]), str(a["phone"]), str(a["country"]), ref("city_id"),
                           str(a["city"]), ref("township_id"), str(a.get("township") or ""), ref("district_id"),
                           _optional(a.get("district")), _optional(a.get("postal_code")),
                           str(a["line"]))  # fmt: skip


def _fields(o: Order) -> dict[str, object]:
    tax_lines = [TaxLineOut(percent(Decimal(t["rate"])), _money(Decimal(t["amount"]), o.currency)) for t in o.tax_lines]
    return {
        "id": o.id, "number": o.number, "status": o.status, "email": o.email, "currency": o.currency,
        "items": [_line_out(line, o.currency) for line in o.lines],
        "totals": TotalsOut(subtotal=o.subtotal, discount=o.discount, shipping=o.shipping, tax=o.tax,
                            tax_lines=tax_lines, total=o.total),
        "promotions": [OrderPromotionOut(p["kind"], uuid.UUID(p["id"]) if p.get("id") else None, p["name"],
                                         p.get("coupon_code"), _money(Decimal(p["amount"]), o.currency))
                       for p in o.promotions],
        "reward_points": o.reward_points,
        "refunded": o.refunded, "payment_method": o.payment_method,
        "shipping_address": _address_out(o.shipping_address), "billing_address": _address_out(o.billing_address),
        "estimated_delivery_date": o.estimated_delivery_date, "actual_delivery_date": o.actual_delivery_date,
        "paid_at": o.paid_at, "cancelled_at": o.cancelled_at, "cancel_reason": o.cancel_reason,
        "notes": o.notes,
        "history": [StatusChangeOut(h.from_status, h.to_status, h.changed_by, h.changed_at, h.note)
                    for h in o.history],
        "created_at": o.created_at, "updated_at": o.updated_at,
    }  # fmt: skip


def order_out(o: Order) -> OrderOut:
    return OrderOut(**_fields(o))  # type: ignore[arg-type]


def _inline(a: AddressIn | None) -> InlineAddress | None:
    if a is None:
        return None
    return InlineAddress(a.recipient_name, a.phone, a.country, a.city, a.line, a.township, a.district, a.postal_code)


def _language(ctx: Ctx) -> str:
    wanted = ctx.request.headers.get("accept-language", "").strip().lower()
    return "en" if wanted.startswith("en") else "tr"


def _ref(ctx: Ctx) -> OrderRef:
    return OrderRef(ctx.actor, ctx.params["order_id"], ctx.request.headers.get("x-order-token"))


@routes.post("/api/v1/checkout", body=CheckoutIn, response=PlacedOrderOut, status=201, auth="optional",
             idempotency="required", errors=(404, 409), headers=("X-Basket-Token",))  # fmt: skip
async def checkout(ctx: Ctx) -> PlacedOrderOut:
    """Turn a basket into an order (Idempotency-Key required): priced by the server, stock reserved, the basket
    converted, in one transaction. 409 `basket_empty`, `item_unavailable`, `insufficient_stock` (nothing is
    reserved then), `payment_method_unavailable` or `payment_amount_out_of_range`. The order's language comes
    from `Accept-Language` (tr or en)."""
    b: CheckoutIn = ctx.body
    cmd = PlaceOrder(
        actor=ctx.actor, basket_id=b.basket_id, payment_method=b.payment_method,
        basket_token=ctx.request.headers.get("x-basket-token"), email=b.email,
        shipping_address_id=b.shipping_address_id, shipping_address=_inline(b.shipping_address),
        billing_address_id=b.billing_address_id, billing_address=_inline(b.billing_address), language=_language(ctx),
        notes=b.notes, reward_points=b.reward_points,
    )  # fmt: skip
    placed = await ctx.use(Checkout)(cmd)
    return PlacedOrderOut(**_fields(placed.order), access_token=placed.access_token)  # type: ignore[arg-type]


@routes.get("/api/v1/me/orders", query=PageQuery, response=PageOut[OrderOut])
async def my_orders(ctx: Ctx) -> PageOut[OrderOut]:
    """My orders, newest first."""
    return page_out(await ctx.use(ListMyOrders)(ctx.me, page_request(ctx.query)), order_out)


@routes.get(ORDER, response=OrderOut, auth="optional", errors=(404,), headers=("X-Order-Token",))
async def get_order(ctx: Ctx) -> OrderOut:
    """One order: its owner's, a guest's with the order's `X-Order-Token`, or any for staff with orders.manage;
    anyone else gets 404."""
    return order_out(await ctx.use(GetOrder)(_ref(ctx)))


@routes.post(f"{ORDER}/cancel", response=OrderOut, auth="optional", errors=(404, 409), headers=("X-Order-Token",))
async def cancel_order(ctx: Ctx) -> OrderOut:
    """Cancel my order (a guest: with `X-Order-Token`) while it is pending, confirmed or processing: its stock
    is released and captured payments are refunded. Later → 409 `invalid_transition`."""
    return order_out(await ctx.use(CancelOrder)(CancelMine(_ref(ctx))))


# --- staff ------------------------------------------------------------------------------------------------


@attrs.frozen
class OrderQuery(PageQuery):
    status: StatusName | None = None


@attrs.frozen
class StatusIn:
    status: StatusName
    reason: str = ""


@routes.get("/api/v1/admin/orders", query=OrderQuery, response=PageOut[OrderOut], permission="orders.manage")
async def list_orders(ctx: Ctx) -> PageOut[OrderOut]:
    """Every order, newest first; `status` filters."""
    q: OrderQuery = ctx.query
    return page_out(await ctx.use(ListOrders)(page_request(q), q.status), order_out)


@routes.get("/api/v1/admin/orders/{order_id:uuid}", response=OrderOut, permission="orders.manage",
            errors=(404,))  # fmt: skip
async def staff_get_order(ctx: Ctx) -> OrderOut:
    """One order."""
    return order_out(await ctx.use(GetOrder)(_ref(ctx)))


@routes.post("/api/v1/admin/orders/{order_id:uuid}/status", body=StatusIn, response=OrderOut,
             permission="orders.manage", errors=(404, 409))  # fmt: skip
async def change_status(ctx: Ctx) -> OrderOut:
    """Move an order along pending → confirmed → processing → shipped → delivered, or cancel it from pending,
    confirmed or processing; anything else is 409 `invalid_transition`. Shipping consumes the reserved stock,
    cancelling releases it; delivering sets `actual_delivery_date`."""
    b: StatusIn = ctx.body
    return order_out(await ctx.use(ChangeOrderStatus)(NewStatus(ctx.me, ctx.params["order_id"], b.status, b.reason)))
