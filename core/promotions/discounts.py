"""Standalone discounts: a percentage or a fixed amount off the list price of a product, a variant, a category
(and every category under it) or a brand, for a while. The catalog shows the discounted price with the list
price as compare-at, and the basket sells at it.

Rule (`discounted`): the largest reduction among the live discounts matching a variant, taken off its list
price L (never below zero), competes with the catalog's own sale price S (L - the price's `discount`): the
customer pays the lower of the two. A discount never raises a price.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from core.promotions.model import dates_in_order
from core.shared.entity import Entity
from core.shared.errors import Invalid
from core.shared.money import Money

TARGET_TYPES = ("product", "variant", "category", "brand")
_CENT = Decimal("0.01")


@attrs.frozen
class Target:
    """What discounts may match for one variant: itself, its product, the product's brand, and the product's
    category with all its ancestors (so a category discount reaches the categories under it)."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    brand_id: uuid.UUID | None
    category_ids: frozenset[uuid.UUID]


def lineage(category_id: uuid.UUID | None, parents: Mapping[uuid.UUID, uuid.UUID | None]) -> frozenset[uuid.UUID]:
    """The category and every ancestor (a broken or cyclic tree stops the walk)."""
    found: set[uuid.UUID] = set()
    node = category_id
    while node is not None and node not in found:
        found.add(node)
        node = parents.get(node)
    return frozenset(found)


def choice(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Invalid.field(field, "one of " + ", ".join(allowed))
    return str(value)


def checked_value(discount_type: str, value: Any, in_currency: str) -> Decimal:
    """A percentage: 0 < v <= 100 with at most 2 decimals; a fixed amount: > 0 in the currency's minor unit."""
    try:
        number = Decimal(value) if isinstance(value, str | int | Decimal) and not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise Invalid.field("value", "a decimal number as a string")
    if discount_type == "percentage":
        if not 0 < number <= 100 or number != number.quantize(_CENT):
            raise Invalid.field("value", "a percentage above 0 and at most 100, with at most 2 decimals",
                                code="invalid_discount_value")  # fmt: skip
        return number.quantize(_CENT)
    if number <= 0:
        raise Invalid.field("value", "an amount above zero", code="invalid_discount_value")
    try:
        return Money.of(number, in_currency).amount
    except Invalid as exc:
        raise Invalid.field("value", exc.detail, code="invalid_discount_value") from None


@attrs.define(slots=False, eq=False, kw_only=True)
class Discount(Entity):
    name: str
    target_type: str  # product, variant, category, brand
    target_id: uuid.UUID
    discount_type: str  # percentage, fixed_amount
    value: Decimal  # percent, or an amount in `currency`
    currency: str = "TRY"  # a fixed amount's; a percentage applies to prices in this currency too
    start_date: datetime
    end_date: datetime | None = None

    def check(self, blame_period: str = "end_date") -> None:
        """The rules across fields (the use cases check each value first)."""
        self.value = checked_value(self.discount_type, self.value, self.currency)
        dates_in_order(self.start_date, self.end_date, blame=blame_period, code="invalid_period")

    def revise(self, **values: Any) -> dict[str, Any]:
        """Set the fields that differ (already checked one by one), then the rules across them."""
        changes = self.set_fields(values)
        self.check("start_date" if set(values) & {"start_date", "end_date"} == {"start_date"} else "end_date")
        return changes

    def live_at(self, at: datetime) -> bool:
        return (self.is_active and not self.is_deleted and self.start_date <= at
                and (self.end_date is None or at < self.end_date))  # fmt: skip

    def matches(self, target: Target) -> bool:
        kind, key = self.target_type, self.target_id
        return ((kind == "variant" and key == target.variant_id) or (kind == "product" and key == target.product_id)
                or (kind == "brand" and key == target.brand_id)
                or (kind == "category" and key in target.category_ids))  # fmt: skip

    def reduction(self, list_price: Money) -> Money:
        """What this discount takes off `list_price` (zero in another currency), at most the price itself."""
        if list_price.currency != self.currency:
            return Money.zero(list_price.currency)
        cut = list_price.percent(self.value) if self.discount_type == "percentage" else Money.rounded(
            self.value, list_price.currency)  # fmt: skip
        return min(cut, list_price, key=lambda m: m.amount)


def discounted(list_price: Money, sale_price: Money, target: Target, discounts: Iterable[Discount]) -> Money:
    """What the customer pays: the catalog's sale price, or the list price less the best matching discount
    when that is lower. `discounts` are the live ones (`DiscountRepository.live`)."""
    best = max((d.reduction(list_price).amount for d in discounts if d.matches(target)), default=Decimal(0))
    if best <= 0:
        return sale_price
    reduced = Money.rounded(max(list_price.amount - best, Decimal(0)), list_price.currency)
    return reduced if reduced < sale_price else sale_price


def compare_at(list_price: Money, price: Money) -> Money | None:
    """The struck-through price a shopper sees: the list price whenever they pay less."""
    return list_price if price < list_price else None


def target_of(variant_id: uuid.UUID, product_id: uuid.UUID, brand_id: uuid.UUID | None, category_id: uuid.UUID | None,
              lineages: Mapping[uuid.UUID, frozenset[uuid.UUID]] | None) -> Target:  # fmt: skip
    """A variant's Target; `lineages` (category -> itself and its ancestors) is None when no live discount
    targets a category, and then the product's own category is enough."""
    own = frozenset() if category_id is None else frozenset({category_id})
    return Target(variant_id, product_id, brand_id, (lineages or {}).get(category_id, own) if category_id else own)


def lowest(offers: Iterable[tuple[Target, Money, Money]],
           discounts: list[Discount]) -> tuple[Money, Money | None] | None:  # fmt: skip
    """A product card's price and compare-at from its variants' (target, list price, sale price), discounts taken
    in: the lowest price (on a tie, the one with the higher list price), None without any offer."""
    best: tuple[Money, Money] | None = None
    for target, list_price, sale_price in offers:
        price = discounted(list_price, sale_price, target, discounts)
        if best is None or (price.amount, -list_price.amount) < (best[0].amount, -best[1].amount):
            best = (price, list_price)
    return None if best is None else (best[0], compare_at(best[1], best[0]))


def needs_categories(discounts: Iterable[Discount]) -> bool:
    """Whether matching needs the category tree (some discount targets a category)."""
    return any(d.target_type == "category" for d in discounts)
