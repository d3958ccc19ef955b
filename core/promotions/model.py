"""Campaigns, their coupons, bundle deals, and the promotions an order was given.

A campaign is a discount (percentage or fixed amount) with dates, an optional overall usage limit and rules
(core/promotions/rules.py); automatic ones apply by themselves, the others through a coupon code. A coupon
brings its campaign to a basket and may narrow the dates and limit the uses. A bundle deal sells a set of
variants for a price or a percentage off. The checks here need nothing but the values.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import attrs

from core.accounts.values import check_text
from core.shared.entity import Entity
from core.shared.errors import FieldError, Invalid
from core.shared.money import MAX_DIGITS, check_currency, minor_digits
from core.shared.time import utcnow

if TYPE_CHECKING:
    from core.promotions.rules import Rule

DISCOUNT_TYPES = ("percentage", "fixed_amount")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed in
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,63}$")
MAX_LIMIT = 2**31 - 1
MAX_BUNDLE_ITEMS = 20


# --- value checks (each names its field) -------------------------------------------------------------------


def text(name: str, value: Any, max_length: int, *, required: bool = False) -> str:
    return check_text(name, value, max_length, required=required).strip()


def name(value: Any) -> str:
    """A campaign's, bundle's or discount's name: 1 to 200 characters."""
    return text("name", value, 200, required=True)


def normalize_code(raw: str) -> str:
    """A coupon code as stored and looked up: stripped, ASCII letters upper-cased (a Turkish `ı` or `i̇` is not
    turned into `I`: such a code matches nothing)."""
    stripped = raw.strip()
    return "".join(ch.upper() if ch.isascii() else ch for ch in stripped)


def coupon_code(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid.field("code", "must be a string")
    code = normalize_code(value)
    if not _CODE.fullmatch(code):
        raise Invalid.field("code", "3 to 64 of A-Z, 0-9, - and _, starting with a letter or digit",
                            code="invalid_coupon_code")  # fmt: skip
    return code


def _decimal(name: str, value: Any) -> Decimal:
    try:
        parsed = Decimal(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    except InvalidOperation:
        parsed = None
    if parsed is None or not parsed.is_finite():
        raise Invalid.field(name, 'a decimal number as a string, e.g. "10" or "49.90"')
    return parsed


def discount_value(kind: str, value: Any, currency: str, *, name: str = "discount_value") -> Decimal:
    """A percentage: 0 < v <= 100 with at most 2 decimals; a fixed amount: > 0 in the currency's minor unit."""
    parsed = _decimal(name, value)
    if kind == "percentage":
        if not Decimal(0) < parsed <= 100 or parsed != parsed.quantize(Decimal("0.01")):
            raise Invalid.field(name, "a percentage above 0 and at most 100, with at most 2 decimals")
        return parsed
    return amount(name, parsed, currency, positive=True)


def amount(name: str, value: Any, currency: str, *, positive: bool = False) -> Decimal:
    parsed = value if isinstance(value, Decimal) else _decimal(name, value)
    digits = minor_digits(currency)
    low_ok = parsed > 0 if positive else parsed >= 0
    if not low_ok or parsed.adjusted() >= MAX_DIGITS or parsed != parsed.quantize(Decimal(1).scaleb(-digits)):
        word = "above 0" if positive else "0 or more"
        raise Invalid.field(name, f"an amount {word} with at most {digits} decimals ({currency})")
    return parsed.quantize(Decimal(1).scaleb(-digits))


def optional_amount(name: str, value: Any, currency: str) -> Decimal | None:
    return None if value is None else amount(name, value, currency)


def discount_type(value: Any) -> str:
    if value not in DISCOUNT_TYPES:
        raise Invalid.field("discount_type", "percentage or fixed_amount")
    return str(value)


def limit(name: str, value: Any) -> int | None:
    """A usage limit: a whole number of at least 1, or null for none."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
        raise Invalid.field(name, "a whole number of at least 1, or null")
    return value


def priority(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not -1000 <= value <= 1000:
        raise Invalid.field("priority", "a whole number from -1000 to 1000")
    return value


def moment(name: str, value: Any) -> datetime:
    """A point in time with an offset, kept in UTC (years 2000..2999)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise Invalid.field(name, "a date-time with an offset, e.g. 2025-01-31T21:00:00Z")
    try:
        at = value.astimezone(UTC)
    except OverflowError:
        at = None
    if at is None or not 2000 <= at.year <= 2999:
        raise Invalid.field(name, "a date-time between the years 2000 and 2999")
    return at


def optional_moment(name: str, value: Any) -> datetime | None:
    return None if value is None else moment(name, value)


def currency(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid.field("currency", "must be a string")
    return check_currency(value.strip().upper())


def dates_in_order(start: datetime | None, end: datetime | None, *, blame: str = "end_date",
                   code: str = "invalid_dates") -> None:  # fmt: skip
    if start is not None and end is not None and end <= start:
        other, word = ("start_date", "after") if blame == "end_date" else ("end_date", "before")
        raise Invalid.field(blame, f"must be {word} {other}", code=code)


def _blame(values: dict[str, Any], first: str, second: str) -> str:
    """The field to name when two fields disagree: the one changed when only one was."""
    return first if first in values and second not in values else second


def _live(entity: Entity, start: datetime | None, end: datetime | None, at: datetime) -> bool:
    return entity.is_active and not entity.is_deleted and (start is None or start <= at) and (end is None or at < end)


# --- campaigns ---------------------------------------------------------------------------------------------


@attrs.define(slots=False, eq=False, kw_only=True)
class Campaign(Entity):
    """A discount with dates and rules. `used_count` counts the orders that used it (checkout claims one use
    by a conditional increment, cancelling gives it back); `usage_limit` caps it (None: no cap)."""

    name: str
    discount_type: str
    discount_value: Decimal
    start_date: datetime
    end_date: datetime | None = None
    description: str = ""
    automatic: bool = False
    currency: str = "TRY"
    minimum_cart_amount: Decimal | None = None
    usage_limit: int | None = None
    used_count: int = 0
    priority: int = 0
    exclusive: bool = False
    rules: list[Rule] = attrs.field(factory=list)

    def check(self, changed: dict[str, Any] | None = None) -> None:
        """The checks across fields (each value was checked on its own before)."""
        changed = changed if changed is not None else {}
        dates_in_order(self.start_date, self.end_date, blame=_blame(changed, "start_date", "end_date"))
        blame = _blame(changed, "discount_type", "discount_value")
        discount_value(self.discount_type, str(self.discount_value), self.currency, name=blame)
        if self.minimum_cart_amount is not None:
            amount("minimum_cart_amount", self.minimum_cart_amount, self.currency)

    def revise(self, **values: Any) -> dict[str, Any]:
        """Set the plain fields that differ; returns {field: [old, new]} for the audit log."""
        changes = self.set_fields(values)
        self.check(values)
        return changes

    def live(self, at: datetime) -> bool:
        """Active, not deleted, started and not ended at `at`."""
        return _live(self, self.start_date, self.end_date, at)


# --- coupons -----------------------------------------------------------------------------------------------


@attrs.define(slots=False, eq=False, kw_only=True)
class Coupon(Entity):
    """A code that brings its campaign to a basket. Dates left None are the campaign's; `used_count` counts the
    orders that used it, `total_usage_limit` caps them, `usage_limit_per_user` caps each customer's."""

    code: str
    campaign_id: uuid.UUID
    total_usage_limit: int | None = None
    usage_limit_per_user: int | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    used_count: int = 0

    def revise(self, **values: Any) -> dict[str, Any]:
        changes = self.set_fields(values)
        dates_in_order(self.start_date, self.end_date, blame=_blame(values, "start_date", "end_date"))
        return changes

    def blocked_reason(self, campaign: Campaign | None, at: datetime, used_by_customer: int) -> tuple[str, str] | None:
        """Why this coupon cannot be used at `at` by a customer who used it `used_by_customer` times already —
        (reason code, detail) — or None when it can."""
        if campaign is None or not _live(self, None, None, at) or not _live(campaign, None, None, at):
            return "coupon_not_found", f"no usable coupon {self.code}"
        start = self.start_date if self.start_date is not None else campaign.start_date
        end = self.end_date if self.end_date is not None else campaign.end_date
        if start is not None and at < start:
            return "coupon_not_started", f"coupon {self.code} is valid from {start.isoformat()}"
        if end is not None and at >= end:
            return "coupon_expired", f"coupon {self.code} expired at {end.isoformat()}"
        if self.total_usage_limit is not None and self.used_count >= self.total_usage_limit:
            return "coupon_exhausted", f"coupon {self.code} has been used up"
        if campaign.usage_limit is not None and campaign.used_count >= campaign.usage_limit:
            return "coupon_exhausted", f"the campaign of coupon {self.code} has been used up"
        if self.usage_limit_per_user is not None and used_by_customer >= self.usage_limit_per_user:
            return "coupon_user_limit_reached", f"coupon {self.code} can be used {self.usage_limit_per_user} time(s)"
        return None


# --- bundles -----------------------------------------------------------------------------------------------


@attrs.frozen
class BundleItem:
    variant_id: uuid.UUID
    quantity: int


def bundle_items(value: Any) -> list[BundleItem]:
    """1..20 distinct variants, each with a quantity of 1..1000 per set."""
    loc = ("body", "items")
    if not isinstance(value, list | tuple) or not 1 <= len(value) <= MAX_BUNDLE_ITEMS:
        raise Invalid("items: 1 to 20 items", errors=[FieldError(loc, f"1 to {MAX_BUNDLE_ITEMS} items")])
    items: list[BundleItem] = []
    errors: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    for i, item in enumerate(value):
        variant_id, quantity = getattr(item, "variant_id", None), getattr(item, "quantity", None)
        if not isinstance(variant_id, uuid.UUID):
            errors.append(FieldError((*loc, i, "variant_id"), "a variant id"))
        elif variant_id in seen:
            errors.append(FieldError((*loc, i, "variant_id"), "each variant once (set its quantity instead)"))
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 1000:
            errors.append(FieldError((*loc, i, "quantity"), "a whole number from 1 to 1000"))
        if not errors and isinstance(variant_id, uuid.UUID) and isinstance(quantity, int):
            seen.add(variant_id)
            items.append(BundleItem(variant_id, quantity))
    if errors:
        raise Invalid("the bundle's items are not valid", errors=errors)
    return items


@attrs.define(slots=False, eq=False, kw_only=True)
class BundleDeal(Entity):
    """A set of variants (each with a quantity) sold for `price`, or `percent` off their prices: exactly one.
    Applies as many times as the basket holds whole sets, while active and within its dates."""

    name: str
    items: list[BundleItem] = attrs.field(factory=list)
    price: Decimal | None = None
    percent: Decimal | None = None
    currency: str = "TRY"
    start_date: datetime | None = None
    end_date: datetime | None = None

    def check(self, changed: dict[str, Any] | None = None) -> None:
        changed = changed if changed is not None else {}
        dates_in_order(self.start_date, self.end_date, blame=_blame(changed, "start_date", "end_date"))
        if (self.price is None) == (self.percent is None):
            blame = "percent" if "percent" in changed and "price" not in changed else "price"
            raise Invalid.field(blame, "give exactly one of price and percent", code="price_or_percent")
        if self.price is not None:
            amount("price", self.price, self.currency)

    def revise(self, **values: Any) -> dict[str, Any]:
        changes = self.set_fields(values)
        self.check(values)
        return changes

    def live(self, at: datetime) -> bool:
        return _live(self, self.start_date, self.end_date, at)

    def offer_items(self) -> tuple[tuple[uuid.UUID, int], ...]:
        """(variant_id, quantity) per set, as the engine's BundleOffer takes them."""
        return tuple((i.variant_id, i.quantity) for i in self.items)


def percent(value: Any) -> Decimal:
    """A bundle's percentage off: above 0, at most 100, at most 2 decimals."""
    parsed = _decimal("percent", value)
    if not Decimal(0) < parsed <= 100 or parsed != parsed.quantize(Decimal("0.01")):
        raise Invalid.field("percent", "a percentage above 0 and at most 100, with at most 2 decimals")
    return parsed


# --- what an order was given -------------------------------------------------------------------------------


@attrs.frozen
class OrderPromotion:
    """One promotion an order got at checkout: a campaign (perhaps brought by a coupon) or a bundle deal, and
    its amount. `customer_key` names the customer a coupon use is counted for. Released (`released_at`) when
    the order is cancelled: the uses it claimed are given back then, once."""

    order_id: uuid.UUID
    kind: str  # "campaign" | "bundle"
    name: str
    amount: Decimal
    currency: str
    customer_key: str = ""
    campaign_id: uuid.UUID | None = None
    bundle_id: uuid.UUID | None = None
    coupon_id: uuid.UUID | None = None
    coupon_code: str | None = None
    released_at: datetime | None = None
    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    created_at: datetime = attrs.field(factory=utcnow)
