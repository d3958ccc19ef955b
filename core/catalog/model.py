"""The catalog's aggregates: categories, brands, option keys with their values, products, variants and prices.

Each verb method checks its own rules and returns the changes it made (for the audit log); the use cases
check what needs other aggregates (uniqueness, the category tree, option keys).
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import attrs

from core.catalog.events import CatalogChanged
from core.shared.entity import Entity
from core.shared.errors import Conflict, Invalid
from core.shared.money import Money
from core.shared.text import search_key

TAX_RATES = (Decimal(0), Decimal(1), Decimal(10), Decimal(20))
"""KDV rates a product may carry, in percent."""
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")


def text(name: str, value: Any, max_length: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise Invalid.field(name, "must be a string")
    stripped: str = value.strip()
    if required and not stripped:
        raise Invalid.field(name, "must not be empty")
    if len(stripped) > max_length:
        raise Invalid.field(name, f"must be at most {max_length} characters")
    return stripped


def code(value: Any, name: str = "code") -> str:
    checked = text(name, value, 64, required=True)
    if not _CODE.match(checked):
        raise Invalid.field(name, "letters, digits and . _ - / only, starting with a letter or digit")
    return checked


def slug(value: Any) -> str:
    checked = text("slug", value, 200, required=True)
    if not _SLUG.match(checked):
        raise Invalid.field("slug", "lower-case letters, digits and single hyphens only (e.g. cicek-sali)")
    return checked


def tax_rate(value: Any) -> Decimal:
    try:
        rate = Decimal(str(value)) if not isinstance(value, float) else None
    except ArithmeticError:
        rate = None
    if rate is None or not rate.is_finite() or rate not in TAX_RATES:  # sNaN would raise on comparison
        raise Invalid.field("tax_rate", "KDV rate must be one of 0, 1, 10, 20", code="invalid_tax_rate")
    return abs(rate).quantize(Decimal(1))


def specifications(value: Any) -> list[dict[str, str]]:
    """Structured key/value pairs: `[{"key": "Malzeme", "value": "Pamuk"}]`, keys unique."""
    if not isinstance(value, list):
        raise Invalid.field("specifications", "must be a list of {key, value} objects")
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"key", "value"}:
            raise Invalid.field("specifications", "each item is an object with exactly 'key' and 'value'")
        key, val = text("specifications", item["key"], 100, required=True), text("specifications", item["value"], 500)
        if search_key(key) in seen:
            raise Invalid.field("specifications", f"key {key!r} appears twice")
        seen.add(search_key(key))
        out.append({"key": key, "value": val})
    return out


class _Revisable(Entity):
    """Entities whose plain fields staff change with PATCH: `revise` sets what differs, returns the diff."""

    def _revise(self, values: dict[str, Any]) -> dict[str, Any]:
        changes = self.set_fields(values)
        if changes:
            self.record(CatalogChanged(entity=type(self).__name__.lower(), entity_id=self.id, action="updated"))
        return changes

    def remove(self, by: uuid.UUID | None) -> None:
        self.delete(by)
        self.record(CatalogChanged(entity=type(self).__name__.lower(), entity_id=self.id, action="deleted"))

    def created(self) -> None:
        """A new item announces itself once: what it recorded while being set up folds into `created`."""
        self.events[:] = [e for e in self.events if not isinstance(e, CatalogChanged)]
        self.record(CatalogChanged(entity=type(self).__name__.lower(), entity_id=self.id, action="created"))


@attrs.define(slots=False, eq=False, kw_only=True)
class Category(_Revisable):
    name: str
    code: str
    slug: str
    parent_id: uuid.UUID | None = None
    sorting: int = 0
    meta_title: str = ""
    meta_description: str = ""

    def revise(self, **values: Any) -> dict[str, Any]:
        """Plain fields; moving (`parent_id`) is checked against the tree by the use case first."""
        return self._revise(values)


def check_move(
    category_id: uuid.UUID, new_parent: uuid.UUID | None, parents: dict[uuid.UUID, uuid.UUID | None]
) -> None:
    """Refuse a parent that is the category itself or one of its descendants (a cycle)."""
    node = new_parent
    while node is not None:
        if node == category_id:
            raise Conflict("a category cannot move under itself or one of its descendants", code="category_cycle")
        node = parents.get(node)


def descendants(root: uuid.UUID, parents: dict[uuid.UUID, uuid.UUID | None]) -> set[uuid.UUID]:
    """`root` and every category under it."""
    children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@attrs.define(slots=False, eq=False, kw_only=True)
class Brand(_Revisable):
    name: str
    code: str
    slug: str
    description: str = ""

    def revise(self, **values: Any) -> dict[str, Any]:
        return self._revise(values)


@attrs.define(slots=False, eq=False, kw_only=True)
class OptionValue:
    """One value of an option key ("Kırmızı" of "Renk"); belongs to its key."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    option_key_id: uuid.UUID | None = None
    value: str
    sorting: int = 0


@attrs.define(slots=False, eq=False, kw_only=True)
class OptionKey(_Revisable):
    key: str
    description: str = ""
    is_variant_creator: bool = True
    values: list[OptionValue] = attrs.field(factory=list)

    def revise(self, **values: Any) -> dict[str, Any]:
        return self._revise(values)

    def put_values(self, items: list[tuple[uuid.UUID | None, str, int | None]]) -> dict[str, Any]:
        """Add values (no id) or change existing ones (by id); values not named stay, and a sorting not given
        stays (0 for a new value). Values are unique per key, compared as people type them (Turkish case and
        marks folded)."""
        before = [(v.value, v.sorting) for v in self.values]
        by_id = {v.id: v for v in self.values}
        for value_id, value, sorting in items:
            value = text("values", value, 100, required=True)
            if value_id is None:
                self.values.append(OptionValue(option_key_id=self.id, value=value, sorting=sorting or 0))
                continue
            if value_id not in by_id:
                raise Invalid.field("values", f"option key {self.key!r} has no value {value_id}")
            by_id[value_id].value = value
            if sorting is not None:
                by_id[value_id].sorting = sorting
        keys = [search_key(v.value) for v in self.values]
        if len(keys) != len(set(keys)):
            raise Conflict(f"option key {self.key!r} would hold the same value twice", code="duplicate_value")
        after = [(v.value, v.sorting) for v in self.values]
        if after == before:
            return {}
        self.record(CatalogChanged(entity="optionkey", entity_id=self.id, action="updated"))
        return {"values": [before, after]}

    def sorted_values(self) -> list[OptionValue]:
        return sorted(self.values, key=lambda v: (v.sorting, v.value))


@attrs.define(slots=False, eq=False, kw_only=True)
class Product(_Revisable):
    """The seed's MainProduct: what the shop sells, in one or more variants."""

    name: str
    code: str
    slug: str
    brand_id: uuid.UUID
    category_id: uuid.UUID
    barcode: str | None = None
    description: str = ""
    specifications: list[dict[str, str]] = attrs.field(factory=list)
    tax_rate: Decimal = Decimal(20)
    meta_title: str = ""
    meta_description: str = ""

    def revise(self, **values: Any) -> dict[str, Any]:
        return self._revise(values)

    def search_text(self) -> str:
        return search_key(f"{self.name} {self.code} {self.barcode or ''}")


@attrs.define(slots=False, eq=False, kw_only=True)
class Price(Entity):
    """A variant's price in one currency (tax included); `discount` comes off it, never below zero."""

    variant_id: uuid.UUID | None = None
    currency: str
    amount: Decimal
    discount: Decimal = Decimal(0)

    @property
    def list_price(self) -> Money:
        return Money.rounded(self.amount, self.currency)

    @property
    def discount_money(self) -> Money:
        return Money.rounded(self.discount, self.currency)

    @property
    def sale_price(self) -> Money:
        """What the customer pays."""
        return Money.rounded(self.amount - self.discount, self.currency)


@attrs.define(slots=False, eq=False, kw_only=True)
class Variant(_Revisable):
    """One sellable form of a product: its option values (one per variant-creating key), code, prices."""

    product_id: uuid.UUID
    name: str
    code: str
    slug: str
    barcode: str | None = None
    option_value_ids: list[uuid.UUID] = attrs.field(factory=list)
    combination: str | None = None  # the sorted option value ids: unique per product (a database constraint)
    prices: list[Price] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self.combination = combination_key(self.option_value_ids)

    def revise(self, **values: Any) -> dict[str, Any]:
        return self._revise(values)

    def price_in(self, currency: str) -> Price | None:
        return next((p for p in self.prices if p.currency == currency and p.is_active and not p.is_deleted), None)

    def set_price(self, price: Money, discount: Money | None = None) -> dict[str, Any]:
        """The one active price in `price`'s currency, replaced in place."""
        if price.amount < 0:
            raise Invalid.field("price", "must not be negative", code="negative_price")
        cut = discount.amount if discount is not None else Decimal(0)
        if discount is not None:
            if discount.currency != price.currency:
                raise Invalid.field("discount", "must be in the price's currency", code="currency_mismatch")
            if cut < 0:
                raise Invalid.field("discount", "must not be negative", code="negative_discount")
            if cut > price.amount:
                raise Invalid.field("discount", "must not exceed the price", code="discount_exceeds_price")
        current = self.price_in(price.currency)
        if current is not None and (current.amount, current.discount) == (price.amount, cut):
            return {}  # compared as numbers: 199.9000 read back from the database is 199.90
        before = None if current is None else [str(current.list_price.amount), str(current.discount_money.amount)]
        if current is None:
            current = Price(variant_id=self.id, currency=price.currency, amount=price.amount, discount=cut)
            self.prices.append(current)
        else:
            current.amount, current.discount = price.amount, cut
        after = [str(current.list_price.amount), str(current.discount_money.amount)]
        self.record(CatalogChanged(entity="variant", entity_id=self.id, action="price_set"))
        return {f"price.{price.currency}": [before, after]}


def combination_key(option_value_ids: list[uuid.UUID]) -> str | None:
    """None for a variant without options (a product may have several of those)."""
    return ",".join(sorted(str(v) for v in option_value_ids)) or None
