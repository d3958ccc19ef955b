"""Campaign rules: every condition and action parses to its class, the canonical JSON round-trips, and bad data
is refused with the loc of every fault."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from core.promotions.rules import (
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
    parse_rules,
    rules_json,
)
from core.shared.errors import Invalid

A, B = uuid.uuid4(), uuid.uuid4()
EVERYTHING = [
    {
        "rule_type": "any",
        "conditions": [
            {"type": "category", "ids": [str(A)]},
            {"type": "brand", "ids": [str(A), str(B)]},
            {"type": "product", "ids": [str(B)]},
            {"type": "variant", "ids": [str(A)]},
            {"type": "min_quantity", "quantity": 3},
            {"type": "min_amount", "amount": "250"},
            {"type": "first_order"},
            {"type": "customer_role", "roles": ["vip", "gold"]},
        ],
        "actions": [
            {"type": "order_percentage", "percent": "10"},
            {"type": "order_fixed", "amount": "50.00"},
            {"type": "lines_percentage", "percent": "12.5"},
            {"type": "lines_fixed", "amount": 5},
            {"type": "free_shipping"},
            {"type": "buy_x_get_y", "buy": 2, "get": 1, "percent": "100"},
            {"type": "set_price", "quantity": 3, "price": "100.00"},
        ],
    },
    {"conditions": [{"type": "brand", "ids": [str(B)]}]},
]


def locs(data: Any) -> list[tuple[str | int, ...]]:
    with pytest.raises(Invalid) as exc:
        parse_rules(data)
    assert exc.value.code == "invalid_rule"
    return [e.loc for e in exc.value.errors]


def test_every_condition_and_action_parses_to_its_class() -> None:
    first, second = parse_rules(EVERYTHING)
    assert first == Rule(
        "any",
        (ItemCondition("category", (A,)), ItemCondition("brand", (A, B)), ItemCondition("product", (B,)),
         ItemCondition("variant", (A,)), MinQuantity(3), MinAmount(Decimal("250.00")), FirstOrder(),
         CustomerRole(("vip", "gold"))),
        (OrderPercentage(Decimal(10)), OrderFixed(Decimal(50)), LinesPercentage(Decimal("12.5")),
         LinesFixed(Decimal(5)), FreeShipping(), BuyXGetY(2, 1, Decimal(100)), SetPrice(3, Decimal(100))),
    )  # fmt: skip
    assert second == Rule("all", (ItemCondition("brand", (B,)),), ())


def test_the_canonical_json_round_trips_with_decimal_strings() -> None:
    rules = parse_rules(EVERYTHING)
    data = rules_json(rules)
    assert parse_rules(data) == rules
    assert data[0]["conditions"][5] == {"type": "min_amount", "amount": "250.00"}
    assert data[0]["actions"][2] == {"type": "lines_percentage", "percent": "12.5"}
    assert data[0]["actions"][5] == {"type": "buy_x_get_y", "buy": 2, "get": 1, "percent": "100"}
    assert data[1] == {"rule_type": "all", "conditions": [{"type": "brand", "ids": [str(B)]}], "actions": []}


def test_defaults_no_rules_and_repeated_ids() -> None:
    assert parse_rules([]) == ()
    assert parse_rules([{}]) == (Rule(),)
    (rule,) = parse_rules([{"actions": [{"type": "buy_x_get_y", "buy": 1, "get": 1}],
                            "conditions": [{"type": "variant", "ids": [str(A), str(A).upper()]}]}])  # fmt: skip
    assert rule.actions == (BuyXGetY(1, 1, Decimal(100)),)
    assert rule.conditions == (ItemCondition("variant", (A,)),)


def test_a_custom_loc_prefixes_every_error() -> None:
    with pytest.raises(Invalid) as exc:
        parse_rules([{"actions": [{"type": "nope"}]}], loc=("rules",))
    assert exc.value.errors[0].loc == ("rules", 0, "actions", 0, "type")


R = ("body", "rules")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"rule_type": "all"}, [R]),
        ([3], [(*R, 0)]),
        ([{"rule_type": "some"}], [(*R, 0, "rule_type")]),
        ([{"extra": 1}], [(*R, 0, "extra")]),
        ([{"conditions": {}}], [(*R, 0, "conditions")]),
        ([{"conditions": [{"type": "colour", "ids": []}]}], [(*R, 0, "conditions", 0, "type")]),
        ([{"conditions": [{"ids": [str(A)]}]}], [(*R, 0, "conditions", 0, "type")]),
        ([{"conditions": ["brand"]}], [(*R, 0, "conditions", 0)]),
        ([{"conditions": [{"type": "brand", "ids": [str(A), "not-a-uuid", 7]}]}],
         [(*R, 0, "conditions", 0, "ids", 1), (*R, 0, "conditions", 0, "ids", 2)]),
        ([{"conditions": [{"type": "brand", "ids": []}]}], [(*R, 0, "conditions", 0, "ids")]),
        ([{"conditions": [{"type": "brand", "ids": [str(uuid.uuid4()) for _ in range(501)]}]}],
         [(*R, 0, "conditions", 0, "ids")]),
        ([{"conditions": [{"type": "brand"}]}], [(*R, 0, "conditions", 0, "ids")]),
        ([{"conditions": [{"type": "brand", "ids": [str(A)], "roles": ["x"]}]}], [(*R, 0, "conditions", 0, "roles")]),
        ([{"conditions": [{"type": "first_order", "value": True}]}], [(*R, 0, "conditions", 0, "value")]),
        ([{"conditions": [{"type": "min_quantity", "quantity": -1}]}], [(*R, 0, "conditions", 0, "quantity")]),
        ([{"conditions": [{"type": "min_quantity", "quantity": 0}]}], [(*R, 0, "conditions", 0, "quantity")]),
        ([{"conditions": [{"type": "min_quantity", "quantity": True}]}], [(*R, 0, "conditions", 0, "quantity")]),
        ([{"conditions": [{"type": "min_quantity", "quantity": "3"}]}], [(*R, 0, "conditions", 0, "quantity")]),
        ([{"conditions": [{"type": "min_amount", "amount": "-5"}]}], [(*R, 0, "conditions", 0, "amount")]),
        ([{"conditions": [{"type": "customer_role", "roles": ["vip", " ", 3]}]}],
         [(*R, 0, "conditions", 0, "roles", 1), (*R, 0, "conditions", 0, "roles", 2)]),
        ([{"actions": [{"type": "order_percentage", "percent": "0"}]}], [(*R, 0, "actions", 0, "percent")]),
        ([{"actions": [{"type": "order_percentage", "percent": "100.01"}]}], [(*R, 0, "actions", 0, "percent")]),
        ([{"actions": [{"type": "lines_percentage", "percent": 10.5}]}], [(*R, 0, "actions", 0, "percent")]),
        ([{"actions": [{"type": "lines_percentage", "percent": "NaN"}]}], [(*R, 0, "actions", 0, "percent")]),
        ([{"actions": [{"type": "order_fixed", "amount": "1.001"}]}], [(*R, 0, "actions", 0, "amount")]),
        ([{"actions": [{"type": "order_fixed", "amount": "0"}]}], [(*R, 0, "actions", 0, "amount")]),
        ([{"actions": [{"type": "order_fixed", "amount": "1e20"}]}], [(*R, 0, "actions", 0, "amount")]),
        ([{"actions": [{"type": "order_fixed", "amount": "ten"}]}], [(*R, 0, "actions", 0, "amount")]),
        ([{"actions": [{"type": "order_fixed"}]}], [(*R, 0, "actions", 0, "amount")]),
        ([{"actions": [{"type": "buy_x_get_y", "buy": 0, "get": 1}]}], [(*R, 0, "actions", 0, "buy")]),
        ([{"actions": [{"type": "buy_x_get_y", "buy": 1, "get": 0}]}], [(*R, 0, "actions", 0, "get")]),
        ([{"actions": [{"type": "set_price", "quantity": 1, "price": "10"}]}], [(*R, 0, "actions", 0, "quantity")]),
        ([{"actions": [{"type": "free_shipping", "amount": "1"}]}], [(*R, 0, "actions", 0, "amount")]),
        ([{"actions": [{"type": "min_quantity", "quantity": 2}]}], [(*R, 0, "actions", 0, "type")]),
        ([{}] * 21, [R]),
        ([{"conditions": [{"type": "first_order"}] * 21}], [(*R, 0, "conditions")]),
        ([{"actions": [{"type": "free_shipping"}] * 11}], [(*R, 0, "actions")]),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_at_their_loc(data: Any, expected: list[tuple[str | int, ...]]) -> None:
    assert locs(data) == expected


def test_every_fault_is_reported_at_once_and_the_detail_names_the_first() -> None:
    data = [{"actions": [{"type": "order_percentage", "percent": "0"}]}, {"rule_type": "x"}]
    with pytest.raises(Invalid) as exc:
        parse_rules(data)
    assert [e.loc for e in exc.value.errors] == [(*R, 0, "actions", 0, "percent"), (*R, 1, "rule_type")]
    assert exc.value.detail.startswith("rules.0.actions.0.percent: ")
