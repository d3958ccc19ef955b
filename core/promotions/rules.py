"""Campaign rules as structured data: item conditions pick the lines a rule works on, cart conditions gate it,
actions say what it takes off.

`parse_rules` checks what the API or the store hands in and names every fault by its loc; `rules_json` writes
the canonical JSON back (`parse_rules(rules_json(r)) == r`). Amounts carry no currency: the campaign's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import attrs

from core.shared.errors import FieldError, Invalid
from core.shared.money import MAX_DIGITS

RULE_TYPES = ("all", "any")
ITEM_KINDS = ("category", "brand", "product", "variant")
MAX_RULES, MAX_CONDITIONS, MAX_ACTIONS, MAX_IDS, MAX_COUNT = 20, 20, 10, 500, 100_000
CENT = Decimal("0.01")
Loc = tuple[str | int, ...]


@attrs.frozen
class ItemCondition:
    """The line's category (or one of its ancestors), brand, product or variant is one of `ids`."""

    kind: str
    ids: tuple[uuid.UUID, ...]


@attrs.frozen
class MinQuantity:
    type: ClassVar[str] = "min_quantity"
    quantity: int


@attrs.frozen
class MinAmount:
    type: ClassVar[str] = "min_amount"
    amount: Decimal


@attrs.frozen
class FirstOrder:
    type: ClassVar[str] = "first_order"


@attrs.frozen
class CustomerRole:
    type: ClassVar[str] = "customer_role"
    roles: tuple[str, ...]


@attrs.frozen
class OrderPercentage:
    type: ClassVar[str] = "order_percentage"
    percent: Decimal


@attrs.frozen
class OrderFixed:
    type: ClassVar[str] = "order_fixed"
    amount: Decimal


@attrs.frozen
class LinesPercentage:
    type: ClassVar[str] = "lines_percentage"
    percent: Decimal


@attrs.frozen
class LinesFixed:
    type: ClassVar[str] = "lines_fixed"
    amount: Decimal  # off each matching unit, capped at its price


@attrs.frozen
class FreeShipping:
    type: ClassVar[str] = "free_shipping"


@attrs.frozen
class BuyXGetY:
    type: ClassVar[str] = "buy_x_get_y"
    buy: int
    get: int
    percent: Decimal = Decimal(100)


@attrs.frozen
class SetPrice:
    type: ClassVar[str] = "set_price"
    quantity: int
    price: Decimal


Condition = ItemCondition | MinQuantity | MinAmount | FirstOrder | CustomerRole
Action = OrderPercentage | OrderFixed | LinesPercentage | LinesFixed | FreeShipping | BuyXGetY | SetPrice
_CONDITIONS: dict[str, type[Any]] = {c.type: c for c in (MinQuantity, MinAmount, FirstOrder, CustomerRole)}
_ACTIONS: dict[str, type[Any]] = {
    a.type: a for a in (OrderPercentage, OrderFixed, LinesPercentage, LinesFixed, FreeShipping, BuyXGetY, SetPrice)
}


@attrs.frozen
class Rule:
    rule_type: str = "all"  # how item conditions combine for a line: all of them or any
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...] = ()


def parse_rules(data: object, loc: Loc = ("body", "rules")) -> tuple[Rule, ...]:
    """Checked rules from JSON-like data; raises Invalid(code="invalid_rule") listing every fault."""
    errors: list[FieldError] = []
    rules = _Parser(errors).rules(data, loc)
    if errors:
        first = errors[0]
        raise Invalid(f"{'.'.join(map(str, first.loc[1:]))}: {first.msg}", code="invalid_rule", errors=errors)
    return rules


def rules_json(rules: Sequence[Rule]) -> list[dict[str, Any]]:
    return [
        {"rule_type": r.rule_type, "conditions": [_part_json(c) for c in r.conditions],
         "actions": [_part_json(a) for a in r.actions]}
        for r in rules
    ]  # fmt: skip


def _part_json(part: Condition | Action) -> dict[str, Any]:
    out: dict[str, Any] = {"type": part.kind if isinstance(part, ItemCondition) else part.type}
    for field in attrs.fields(type(part)):
        value = getattr(part, field.name)
        if field.name == "kind":
            continue
        if field.name == "percent":
            out[field.name] = format(value.normalize(), "f")
        elif isinstance(value, Decimal):
            out[field.name] = format(value, "f")
        elif isinstance(value, tuple):
            out[field.name] = [str(v) for v in value]
        else:
            out[field.name] = value
    return out


@attrs.define
class _Parser:
    errors: list[FieldError]

    def fail(self, loc: Loc, msg: str) -> None:
        self.errors.append(FieldError(loc, msg))

    def items(self, data: object, loc: Loc, limit: int, what: str, low: int = 0) -> list[Any]:
        if not isinstance(data, list):
            self.fail(loc, f"expected a list of {what}")
            return []
        if not low <= len(data) <= limit:
            self.fail(loc, f"between {low} and {limit} {what}" if low else f"at most {limit} {what}")
            return []
        return data

    def obj(self, data: object, loc: Loc, allowed: Sequence[str]) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.fail(loc, "expected an object")
            return None
        for key in data:
            if key not in allowed:
                self.fail((*loc, str(key)), "unknown key")
        return data

    def rules(self, data: object, loc: Loc) -> tuple[Rule, ...]:
        out = []
        for i, raw in enumerate(self.items(data, loc, MAX_RULES, "rules")):
            where = (*loc, i)
            rule = self.obj(raw, where, ("rule_type", "conditions", "actions"))
            if rule is None:
                continue
            rule_type = rule.get("rule_type", "all")
            if rule_type not in RULE_TYPES:
                self.fail((*where, "rule_type"), "one of all, any")
            conditions = self.items(rule.get("conditions", []), (*where, "conditions"), MAX_CONDITIONS, "conditions")
            actions = self.items(rule.get("actions", []), (*where, "actions"), MAX_ACTIONS, "actions")
            out.append(Rule(
                rule_type if rule_type in RULE_TYPES else "all",
                tuple(self.part(c, (*where, "conditions", j), True) for j, c in enumerate(conditions)),
                tuple(self.part(a, (*where, "actions", j), False) for j, a in enumerate(actions)),
            ))  # fmt: skip
        return tuple(out)

    def part(self, data: object, loc: Loc, condition: bool) -> Any:
        kinds = (*ITEM_KINDS, *_CONDITIONS) if condition else tuple(_ACTIONS)
        if not isinstance(data, dict):
            self.fail(loc, "expected an object")
            return None
        kind = data.get("type")
        if kind not in kinds:
            self.fail((*loc, "type"), f"one of {', '.join(kinds)}")
            return None
        cls = ItemCondition if kind in ITEM_KINDS else (_CONDITIONS if condition else _ACTIONS)[kind]
        fields = [f for f in attrs.fields(cls) if f.name != "kind"]
        self.obj(data, loc, ("type", *(f.name for f in fields)))
        values: dict[str, Any] = {"kind": kind} if cls is ItemCondition else {}
        for f in fields:
            if f.name in data:
                values[f.name] = self.value(f.name, data[f.name], (*loc, f.name), kind == "set_price")
            elif f.default is attrs.NOTHING:
                self.fail((*loc, f.name), "required")
                return None
        return cls(**values)

    def value(self, name: str, data: object, loc: Loc, is_set: bool) -> Any:
        if name == "ids":
            ids = self.items(data, loc, MAX_IDS, "ids", 1)
            return tuple(dict.fromkeys(self.uuid(v, (*loc, k)) for k, v in enumerate(ids)))
        if name == "roles":
            roles = self.items(data, loc, MAX_IDS, "roles", 1)
            for k, role in enumerate(roles):
                if not isinstance(role, str) or not 1 <= len(role.strip()) <= 64:
                    self.fail((*loc, k), "a role code of 1 to 64 characters")
            return tuple(dict.fromkeys(r.strip() for r in roles if isinstance(r, str)))
        if name in ("quantity", "buy", "get"):
            low = 2 if is_set else 1
            if isinstance(data, bool) or not isinstance(data, int) or not low <= data <= MAX_COUNT:
                self.fail(loc, f"a whole number from {low} to {MAX_COUNT}")
            return data
        return self.decimal(data, loc, percent=name == "percent")

    def uuid(self, data: object, loc: Loc) -> uuid.UUID | None:
        if isinstance(data, uuid.UUID):
            return data
        if isinstance(data, str):
            try:
                return uuid.UUID(data)
            except ValueError:
                pass
        self.fail(loc, "not a uuid")
        return None

    def decimal(self, data: object, loc: Loc, percent: bool) -> Decimal | None:
        """A percent (0 < p <= 100) or an amount (0 < a < 10^14), from a string or an integer, 2 decimals at most."""
        value = None
        if isinstance(data, str | int) and not isinstance(data, bool):
            try:
                value = Decimal(data)
            except InvalidOperation:
                value = None
        if value is None or not value.is_finite():
            self.fail(loc, "must be a decimal string")
        elif value <= 0 or (percent and value > 100) or value.adjusted() >= MAX_DIGITS:
            self.fail(loc, "must be between 0 (excluded) and 100" if percent else "must be positive and below 10^14")
        elif value != value.quantize(CENT):
            self.fail(loc, "at most 2 decimals")
        else:
            return value if percent else value.quantize(CENT)
        return None
