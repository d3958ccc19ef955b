"""Counting what an order got, inside the checkout transaction, and giving it back when the order is cancelled.

Every use is a conditional increment (`used_count < limit`) the database decides, so any number of concurrent
checkouts produce exactly as many uses as remain; the losers get 409 and their whole transaction (order, stock,
basket) rolls back — never an order silently placed without the discount it was priced with. Rows are claimed
in one order (per-customer rows and coupons by coupon id, then campaigns by id) after the stock rows, so two
checkouts never wait on each other crosswise.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from core.promotions.apply import Buyer, Priced
from core.promotions.model import OrderPromotion
from core.shared.errors import Conflict

if TYPE_CHECKING:
    from ports.uow import UnitOfWork

REFUSALS = {
    "coupon_not_found": "there is no such coupon",
    "coupon_expired": "this coupon has expired",
    "coupon_not_started": "this coupon is not valid yet",
    "coupon_exhausted": "this coupon has been used up",
    "coupon_user_limit_reached": "you have used this coupon as often as it allows",
    "minimum_not_met": "the basket does not reach this coupon's minimum",
    "not_applicable": "this coupon does not apply to this basket",
}


def refuse(reason: str, code: str | None, detail: str = "") -> Conflict:
    what = f"{code[:64]}: " if code else ""
    return Conflict(f"{what}{detail or REFUSALS.get(reason, reason)}", code=reason)


async def redeem(uow: UnitOfWork, priced: Priced, order_id: uuid.UUID, currency: str, buyer: Buyer,
                 at: datetime) -> None:  # fmt: skip
    """Count the uses of the coupons and campaigns the order got and record what it got. A coupon in the basket
    that does not apply any more refuses the checkout with its reason."""
    outcome = priced.outcome
    if outcome is None:
        return
    for skipped in outcome.not_applied:
        if skipped.coupon_code is not None:
            raise refuse(skipped.reason, skipped.coupon_code, skipped.detail)
    key = buyer.key
    assert key is not None, "a checkout always knows its customer"
    campaigns = [a for a in outcome.applied if a.kind == "campaign"]
    coupons = sorted((priced.coupons[a.coupon_code] for a in campaigns if a.coupon_code), key=lambda c: c.id)
    for coupon in coupons:
        reason = await uow.promotions.claim_coupon(coupon.id, key, coupon.usage_limit_per_user)
        if reason is not None:
            raise refuse(reason, coupon.code)
    for applied in sorted(campaigns, key=lambda a: a.id):
        if not await uow.promotions.claim_campaign(applied.id):
            if applied.coupon_code:
                raise refuse("coupon_exhausted", applied.coupon_code, "this coupon's campaign has been used up")
            raise Conflict(f"the promotion {applied.name} has just been used up: see the basket again",
                           code="promotion_exhausted")  # fmt: skip
    await uow.promotions.record([
        OrderPromotion(
            order_id=order_id, kind=a.kind, campaign_id=a.id if a.kind == "campaign" else None,
            bundle_id=a.id if a.kind == "bundle" else None,
            coupon_id=priced.coupons[a.coupon_code].id if a.coupon_code else None, coupon_code=a.coupon_code,
            customer_key=key, name=a.name, amount=a.amount.amount, currency=currency, created_at=at,
        )
        for a in outcome.applied
    ])  # fmt: skip


async def release(uow: UnitOfWork, order_id: uuid.UUID, at: datetime) -> None:
    """A cancelled order's uses are free again (once, however often it is called)."""
    await uow.promotions.release(order_id, at)
