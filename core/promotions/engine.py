"""The promotions engine: a basket's lines, the campaigns and bundle deals offered to it, and out come each line's
discount, free shipping and why each offer did or did not apply. Pure and exact.

Bundles go first (the best combination, `bundles.py`), then campaigns by priority (highest first; automatic
before coupons, then name, then id). Each works on what is left of every line after everything before it, so a
line's discount never exceeds its gross. Units a bundle used stay matchable by campaigns, at their reduced amount.
Unit-level actions (lines_fixed, buy_x_get_y, set_price) price a unit at its line's remaining amount / quantity.
Order-level actions (order_percentage, order_fixed) take off the whole order, spread over every line; line-level
ones only off the lines the rule's item conditions match.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from decimal import Decimal

import attrs

from core.promotions.bundles import best_bundles
from core.promotions.rules import (
    Action,
    BuyXGetY,
    CustomerRole,
    FirstOrder,
    FreeShipping,
    ItemCondition,
    LinesFixed,
    LinesPercentage,
    MinAmount,
    MinQuantity,
    OrderFixed,
    OrderPercentage,
    Rule,
    SetPrice,
)  # fmt: skip
from core.shared.money import Money


@attrs.frozen
class Item:
    """One purchasable basket line."""

    line_id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    brand_id: uuid.UUID | None
    category_ids: frozenset[uuid.UUID]  # the product's category and all its ancestors
    quantity: int
    unit_price: Money  # today's unit price (standalone discounts already in)


@attrs.frozen
class Customer:
    user_id: uuid.UUID | None
    roles: frozenset[str]
    first_order: bool | None  # None: not known yet (a guest basket)


@attrs.frozen
class Candidate:
    """A campaign offered to this basket."""

    campaign_id: uuid.UUID
    name: str
    coupon_code: str | None  # the code that brought it; None = automatic
    priority: int
    exclusive: bool
    discount_type: str  # "percentage" | "fixed_amount"
    discount_value: Decimal
    minimum_cart_amount: Money | None
    rules: tuple[Rule, ...]
    blocked: str | None = None  # a reason found before evaluation (coupon_expired...)
    blocked_detail: str = ""
    currency: str | None = None  # the campaign's; None: the basket's


@attrs.frozen
class BundleOffer:
    bundle_id: uuid.UUID
    name: str
    items: tuple[tuple[uuid.UUID, int], ...]  # (variant_id, quantity) per set
    price: Money | None = None  # exactly one of price and percent
    percent: Decimal | None = None


@attrs.frozen
class Applied:
    kind: str  # "bundle" | "campaign"
    id: uuid.UUID
    name: str
    coupon_code: str | None
    amount: Money
    free_shipping: bool
    times: int = 1


@attrs.frozen
class NotApplied:
    kind: str
    id: uuid.UUID
    name: str
    coupon_code: str | None
    reason: str
    detail: str


@attrs.frozen
class Outcome:
    discounts: dict[uuid.UUID, Money]  # line_id -> that line's whole discount (every item present; zero if none)
    applied: tuple[Applied, ...]
    not_applied: tuple[NotApplied, ...]
    free_shipping: bool
    currency: str | None = None

    @property
    def total(self) -> Money:
        amounts = list(self.discounts.values())
        if not amounts and self.currency is None:
            raise ValueError("an empty outcome without a currency has no total")
        return sum(amounts, Money.zero(amounts[0].currency if amounts else str(self.currency)))


def spread(amount: Money, weights: Sequence[tuple[uuid.UUID, Money]]) -> dict[uuid.UUID, Money]:
    """An order-level amount over lines in proportion to their amounts: exact (largest remainder), never more
    than a line's amount (an amount above their sum is cut to it)."""
    zero = Money.zero(amount.currency)
    positive = [(key, w if w > zero else zero) for key, w in weights]
    total = sum((w for _, w in positive), zero)
    out = dict.fromkeys((key for key, _ in weights), zero)
    if total.is_zero or amount <= zero:
        return out
    parts = min(amount, total).allocate([w.amount for _, w in positive])
    for (key, _), part in zip(positive, parts, strict=True):
        out[key] += part
    return out


def evaluate(items: Sequence[Item], candidates: Sequence[Candidate], bundles: Sequence[BundleOffer],
             customer: Customer, currency: str) -> Outcome:  # fmt: skip
    ledger = _Ledger(items, currency)
    applied: list[Applied] = []
    not_applied: list[NotApplied] = []
    uses, unused = best_bundles(items, bundles, currency)
    for use in uses:
        taken = ledger.take(spread(use.saving, use.used))
        applied.append(Applied("bundle", use.offer.bundle_id, use.offer.name, None, taken, False, use.times))
    not_applied += [NotApplied("bundle", o.bundle_id, o.name, None, "not_applicable", why) for o, why in unused]
    subtotal = ledger.remaining_of(items)
    winner: str | None = None  # the exclusive campaign that applied
    stacked: list[str] = []  # the campaigns that applied
    free_shipping = False
    for c in sorted(candidates, key=lambda c: (-c.priority, c.coupon_code is not None, c.name, c.campaign_id)):
        why = _refusal(c, currency, subtotal, winner or (stacked[0] if c.exclusive and stacked else None))
        if why is None:
            before = ledger.total()
            ships, why = _run(c, ledger, customer)
            taken = ledger.total() - before
            if why is None:
                applied.append(Applied("campaign", c.campaign_id, c.name, c.coupon_code, taken, ships))
                free_shipping |= ships
                stacked.append(c.name)
                winner = c.name if c.exclusive else winner
                continue
        not_applied.append(NotApplied("campaign", c.campaign_id, c.name, c.coupon_code, *why))
    return Outcome(dict(ledger.discounts), tuple(applied), tuple(not_applied), free_shipping, currency)


def _refusal(c: Candidate, currency: str, subtotal: Money, rival: str | None) -> tuple[str, str] | None:
    """Why a candidate cannot apply before its rules are looked at, if it cannot."""
    if c.blocked:
        return c.blocked, c.blocked_detail or c.blocked.replace("_", " ")
    minimum = c.minimum_cart_amount
    for other in (c.currency, minimum.currency if minimum else None):
        if other is not None and other != currency:
            return "not_applicable", f"the campaign is in {other}, the basket in {currency}"
    if rival is not None:
        return "not_applicable", f"does not combine with {rival}"
    if minimum is not None and subtotal < minimum:
        return "minimum_not_met", f"needs a subtotal of at least {minimum}"
    return None


@attrs.define
class _Ledger:
    """The lines and the discounts given so far; `take` never lets a line's discount pass its gross."""

    items: Sequence[Item]
    currency: str
    discounts: dict[uuid.UUID, Money] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.discounts = {it.line_id: Money.zero(self.currency) for it in self.items}

    def remaining(self, item: Item) -> Money:
        return item.unit_price * item.quantity - self.discounts[item.line_id]

    def remaining_of(self, items: Sequence[Item]) -> Money:
        return sum((self.remaining(it) for it in items), Money.zero(self.currency))

    def total(self) -> Money:
        return sum(self.discounts.values(), Money.zero(self.currency))

    def take(self, parts: dict[uuid.UUID, Money]) -> Money:
        zero, taken = Money.zero(self.currency), Money.zero(self.currency)
        for it in self.items:
            part = min(parts.get(it.line_id, zero), self.remaining(it))
            if part > zero:
                self.discounts[it.line_id] += part
                taken += part
        return taken


def _run(c: Candidate, ledger: _Ledger, customer: Customer) -> tuple[bool, tuple[str, str] | None]:
    """Apply every rule of a campaign whose conditions hold: (free shipping, why it gave nothing or None)."""
    ships, gave, first_failure = False, False, None
    for rule in c.rules or (Rule(),):
        lines = [it for it in ledger.items if _matches(rule, it)]
        failure = _cart_failure(rule, lines, ledger, customer)
        if failure is not None:
            first_failure = first_failure or failure
            continue
        for action in rule.actions or _default_actions(c, rule):
            if isinstance(action, FreeShipping):
                ships = gave = True
            elif not ledger.take(_discounts(action, lines, ledger)).is_zero:
                gave = True
    if gave:
        return ships, None
    return False, first_failure or ("not_applicable", "nothing left to discount")


def _matches(rule: Rule, item: Item) -> bool:
    hits = [_hit(c, item) for c in rule.conditions if isinstance(c, ItemCondition)]
    return not hits or (all(hits) if rule.rule_type == "all" else any(hits))


def _hit(c: ItemCondition, item: Item) -> bool:
    if c.kind == "category":
        return not item.category_ids.isdisjoint(c.ids)
    return {"brand": item.brand_id, "product": item.product_id, "variant": item.variant_id}[c.kind] in c.ids


def _cart_failure(rule: Rule, lines: list[Item], ledger: _Ledger, customer: Customer) -> tuple[str, str] | None:
    if not lines:
        return "not_applicable", "no item in the basket qualifies"
    for c in rule.conditions:
        if isinstance(c, MinQuantity) and sum(it.quantity for it in lines) < c.quantity:
            return "minimum_not_met", f"needs at least {c.quantity} qualifying items"
        least = Money.rounded(c.amount, ledger.currency) if isinstance(c, MinAmount) else None
        if least is not None and ledger.remaining_of(lines) < least:
            return "minimum_not_met", f"needs qualifying items worth at least {least}"
        if isinstance(c, FirstOrder) and customer.first_order is not True:
            return "not_applicable", "for a first order only" + (" (sign in)" if customer.first_order is None else "")
        if isinstance(c, CustomerRole) and customer.roles.isdisjoint(c.roles):
            return "not_applicable", "not offered to this customer"
    return None


def _default_actions(c: Candidate, rule: Rule) -> tuple[Action, ...]:
    """The campaign's own discount: off the matching lines when the rule picks items, else off the order."""
    lines = any(isinstance(x, ItemCondition) for x in rule.conditions)
    if c.discount_type == "percentage":
        return (LinesPercentage(c.discount_value) if lines else OrderPercentage(c.discount_value),)
    return (LinesFixed(c.discount_value) if lines else OrderFixed(c.discount_value),)


def _discounts(action: Action, lines: list[Item], ledger: _Ledger) -> dict[uuid.UUID, Money]:
    """What one action takes off each line (before the ledger's cap)."""
    cur, rem = ledger.currency, ledger.remaining
    if isinstance(action, OrderPercentage | OrderFixed):
        weights = [(it.line_id, rem(it)) for it in ledger.items]
        base = ledger.remaining_of(ledger.items)
        if isinstance(action, OrderPercentage):
            return spread(Money.rounded(base.amount * action.percent / 100, cur), weights)
        return spread(Money.rounded(action.amount, cur), weights)
    if isinstance(action, LinesPercentage):
        return {it.line_id: Money.rounded(rem(it).amount * action.percent / 100, cur) for it in lines}
    if isinstance(action, LinesFixed):
        return {it.line_id: Money.rounded(action.amount, cur) * it.quantity for it in lines}
    units = sorted(
        ((it, rem(it).amount / it.quantity, it.quantity) for it in lines if it.quantity > 0), key=lambda u: -u[1]
    )
    if isinstance(action, BuyXGetY):
        return _buy_get(action, units, cur)
    if isinstance(action, SetPrice):
        return _set_price(action, units, cur)
    return {}


Units = list[tuple[Item, Decimal, int]]  # (line, a unit's current price, how many), most expensive first


def _buy_get(action: BuyXGetY, units: Units, cur: str) -> dict[uuid.UUID, Money]:
    """In each group of buy+get units (most expensive first), the cheapest `get` are `percent` off."""
    size = action.buy + action.get
    limit = sum(n for _, _, n in units) // size * size

    def free_before(x: int) -> int:  # how many of the first x positions are a group's cheap ones
        return x // size * action.get + max(0, x % size - action.buy)

    out, start = {}, 0
    for it, price, n in units:
        free = free_before(min(start + n, limit)) - free_before(min(start, limit))
        out[it.line_id] = Money.rounded(price * free * action.percent / 100, cur)
        start += n
    return out


def _set_price(action: SetPrice, units: Units, cur: str) -> dict[uuid.UUID, Money]:
    """Any `quantity` units for `price`: the most expensive grouped first, each group kept only if it saves."""
    shares: dict[uuid.UUID, Decimal] = {}
    for group in _groups(units, action.quantity):
        worth = sum(price * n for _, price, n in group)
        if worth <= action.price:
            break  # later groups are cheaper still
        for it, price, n in group:
            shares[it.line_id] = shares.get(it.line_id, Decimal(0)) + (worth - action.price) * price * n / worth
    if not shares:
        return {}
    total = Money.rounded(sum(shares.values(), Decimal(0)), cur)
    return dict(zip(shares, total.allocate(list(shares.values())), strict=True))


def _groups(units: Units, size: int) -> Iterator[Units]:
    group: Units = []
    need = size
    for it, price, n in units:
        while n:
            k = min(n, need)
            group.append((it, price, k))
            n, need = n - k, need - k
            if not need:
                yield group
                group, need = [], size
