"""A basket priced with its promotions: the bundle deals and campaigns (automatic ones, and those its coupon codes
bring) it is offered, evaluated by the engine on the lines as the catalog prices them now.

The basket read, the coupon routes and checkout all price through `price`, so the discount a customer sees is
the discount the order gets; checkout then counts the uses (`core/promotions/redeem.py`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from core.basket.pricing import Offer, PricedLine, Totals, discounted, money_json, priced_lines, totals_of
from core.promotions.discounts import lineage
from core.promotions.engine import BundleOffer, Candidate, Customer, Item, NotApplied, Outcome, evaluate
from core.promotions.rules import CustomerRole, FirstOrder
from core.shared.errors import NotFound
from core.shared.money import Money

if TYPE_CHECKING:
    from core.basket.model import Basket
    from core.promotions.model import BundleDeal, Campaign, Coupon
    from ports.services import RuntimeSettings
    from ports.uow import UnitOfWork

NO_ID = uuid.UUID(int=0)


@attrs.frozen
class Buyer:
    """Who the basket is priced for: a user, or a guest (whose e-mail is known only at checkout)."""

    user_id: uuid.UUID | None = None
    email: str | None = None

    @property
    def key(self) -> str | None:
        """Whom per-customer coupon limits count: the user, else the guest's e-mail address."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"email:{self.email}" if self.email else None


@attrs.frozen
class Priced:
    lines: list[PricedLine]
    totals: Totals
    outcome: Outcome | None  # None: nothing was on offer
    coupons: dict[str, Coupon]  # the basket's codes that exist, by code (checkout counts their uses)


async def price(uow: UnitOfWork, settings: RuntimeSettings, basket: Basket, buyer: Buyer, at: datetime) -> Priced:
    lines, offers = await priced_lines(uow, basket)
    automatic, bundles = await uow.promotions.offered(basket.currency, at)
    candidates, coupons, unknown = await _candidates(uow, basket, buyer, automatic, at)
    sold = [ln for ln in lines if ln.purchasable]
    if not candidates and not bundles and not unknown:
        return Priced(lines, await totals_of(settings, lines, basket.currency), None, coupons)
    outcome = Outcome({}, (), unknown, False, basket.currency)
    if sold and (candidates or bundles):
        items = await _items(uow, sold, offers)
        customer = await _customer(uow, buyer, candidates)
        outcome = evaluate(items, candidates, [_bundle(b) for b in bundles], customer, basket.currency)
        outcome = attrs.evolve(outcome, not_applied=outcome.not_applied + unknown)
    elif candidates:  # an empty basket: the codes wait for goods
        outcome = attrs.evolve(outcome, not_applied=unknown + tuple(_waiting(c) for c in candidates))
    lines = [discounted(ln, outcome.discounts[ln.line_id]) if ln.line_id in outcome.discounts else ln
             for ln in lines]  # fmt: skip
    totals = await totals_of(settings, lines, basket.currency, free_shipping=outcome.free_shipping)
    return Priced(lines, totals, outcome, coupons)


def _waiting(c: Candidate) -> NotApplied:
    reason = c.blocked or "not_applicable"
    return NotApplied(
        "campaign", c.campaign_id, c.name, c.coupon_code, reason, c.blocked_detail or "the basket is empty"
    )


async def _candidates(uow: UnitOfWork, basket: Basket, buyer: Buyer, offered: list[Campaign], at: datetime,
                      ) -> tuple[list[Candidate], dict[str, Coupon], tuple[NotApplied, ...]]:  # fmt: skip
    automatic = [c for c in offered if c.live(at) and (c.usage_limit is None or c.used_count < c.usage_limit)]
    candidates = [candidate(c, None) for c in automatic]
    seen = {c.id for c in automatic}
    coupons: dict[str, Coupon] = {}
    unknown: list[NotApplied] = []
    for code in basket.coupon_codes:
        coupon = await uow.promotions.coupon_by_code(code)
        campaign = await _campaign(uow, coupon.campaign_id) if coupon is not None else None
        if coupon is None or campaign is None:
            unknown.append(NotApplied("coupon", NO_ID, code, code, "coupon_not_found", f"no coupon {code}"))
            continue
        coupons[code] = coupon
        if campaign.id in seen:
            continue
        seen.add(campaign.id)
        used = await uow.promotions.customer_uses(coupon.id, buyer.key) if buyer.key else 0
        blocked = coupon.blocked_reason(campaign, at, used)
        candidates.append(candidate(campaign, code, blocked))
    return candidates, coupons, tuple(unknown)


async def _campaign(uow: UnitOfWork, campaign_id: uuid.UUID) -> Campaign | None:
    try:
        return await uow.promotions.get_campaign(campaign_id)
    except NotFound:
        return None


def candidate(c: Campaign, code: str | None, blocked: tuple[str, str] | None = None) -> Candidate:
    minimum = Money.rounded(c.minimum_cart_amount, c.currency) if c.minimum_cart_amount is not None else None
    return Candidate(
        campaign_id=c.id, name=c.name, coupon_code=code, priority=c.priority, exclusive=c.exclusive,
        discount_type=c.discount_type, discount_value=c.discount_value, minimum_cart_amount=minimum,
        rules=tuple(c.rules), blocked=blocked[0] if blocked else None, blocked_detail=blocked[1] if blocked else "",
        currency=c.currency,
    )  # fmt: skip


def _bundle(b: BundleDeal) -> BundleOffer:
    price = Money.rounded(b.price, b.currency) if b.price is not None else None
    return BundleOffer(bundle_id=b.id, name=b.name, items=b.offer_items(), price=price,
                       percent=b.percent)  # fmt: skip


async def _items(uow: UnitOfWork, sold: list[PricedLine], offers: dict[uuid.UUID, Offer]) -> list[Item]:
    parents = await uow.categories.parents()
    items = []
    for ln in sold:
        offer = offers[ln.variant_id]
        items.append(Item(line_id=ln.line_id, variant_id=ln.variant_id, product_id=offer.product_id,
                          brand_id=offer.brand_id, category_ids=lineage(offer.category_id, parents),
                          quantity=ln.quantity, unit_price=ln.unit_price))  # fmt: skip
    return items


async def _customer(uow: UnitOfWork, buyer: Buyer, candidates: list[Candidate]) -> Customer:
    """The customer as the rules see them; read only when some rule asks about them."""
    conditions = [c for cand in candidates if not cand.blocked for rule in cand.rules for c in rule.conditions]
    if not any(isinstance(c, FirstOrder | CustomerRole) for c in conditions):
        return Customer(buyer.user_id, frozenset(), None)
    if buyer.user_id is not None:
        account = await uow.accounts.get(buyer.user_id)
        roles = frozenset(r.code for r in account.roles if not r.is_deleted)
        return Customer(buyer.user_id, roles, not await uow.orders.placed_by(user_id=buyer.user_id))
    if buyer.email:
        return Customer(None, frozenset(), not await uow.orders.placed_by(email=buyer.email))
    return Customer(None, frozenset(), None)


def applied_json(outcome: Outcome | None) -> list[dict[str, Any]]:
    """What an order keeps of the promotions it got (amounts as decimal strings)."""
    return [{"kind": a.kind, "id": str(a.id), "name": a.name, "coupon_code": a.coupon_code,
             "amount": str(a.amount.amount)} for a in (outcome.applied if outcome else ())]  # fmt: skip


def promotions_json(outcome: Outcome | None) -> dict[str, Any]:
    if outcome is None:
        return {"applied": [], "not_applied": []}
    return {
        "applied": [{"kind": a.kind, "id": str(a.id), "name": a.name, "coupon_code": a.coupon_code,
                     "amount": money_json(a.amount), "free_shipping": a.free_shipping, "times": a.times}
                    for a in outcome.applied],
        "not_applied": [{"kind": n.kind, "id": None if n.id == NO_ID else str(n.id), "name": n.name,
                         "coupon_code": n.coupon_code, "reason": n.reason, "detail": n.detail}
                        for n in outcome.not_applied],
    }  # fmt: skip
