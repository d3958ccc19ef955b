"""The promotions engine: conditions, actions, campaign order and exclusivity, and exact money throughout."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.promotions.engine import Applied, Candidate, Customer, Item, NotApplied, Outcome, evaluate, spread
from core.promotions.rules import Rule, parse_rules
from core.shared.money import Money

GUEST = Customer(None, frozenset(), None)
RETURNING = Customer(uuid.uuid4(), frozenset({"vip"}), False)
NEWCOMER = Customer(uuid.uuid4(), frozenset(), True)
PARENT, CHILD, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
BRAND = uuid.uuid4()


def tl(amount: str) -> Money:
    return Money.of(amount, "TRY")


def item(price: str, quantity: int = 1, *, brand: uuid.UUID | None = None, cats: frozenset[uuid.UUID] = frozenset(),
         product: uuid.UUID | None = None, variant: uuid.UUID | None = None) -> Item:  # fmt: skip
    return Item(uuid.uuid4(), variant or uuid.uuid4(), product or uuid.uuid4(), brand, cats, quantity, tl(price))


def campaign(name: str = "Kampanya", *, rules: list[dict[str, Any]] | None = None, value: str = "10",
             kind: str = "percentage", **kw: Any) -> Candidate:  # fmt: skip
    return Candidate(**{
        "campaign_id": uuid.uuid4(), "name": name, "coupon_code": None, "priority": 0, "exclusive": False,
        "discount_type": kind, "discount_value": Decimal(value), "minimum_cart_amount": None,
        "rules": parse_rules(rules or []), **kw,
    })  # fmt: skip


def run(items: list[Item], *candidates: Candidate, customer: Customer = RETURNING) -> Outcome:
    return evaluate(items, candidates, [], customer, "TRY")


def off(outcome: Outcome, items: list[Item]) -> list[str]:
    return [str(outcome.discounts[it.line_id].amount) for it in items]


def one_rule(*, conditions: list[dict[str, Any]] | None = None, actions: list[dict[str, Any]] | None = None,
             **kw: Any) -> Candidate:  # fmt: skip
    return campaign(rules=[{"conditions": conditions or [], "actions": actions or []}], **kw)


def reason(outcome: Outcome) -> tuple[str, str]:
    (na,) = outcome.not_applied
    return na.reason, na.detail


# --- rounding ---------------------------------------------------------------------------------------------------

THIRDS = ["33.33", "33.33", "33.33"]


def test_an_order_percentage_is_rounded_once_and_spread_exactly() -> None:
    items = [item(p) for p in THIRDS]
    outcome = run(items, campaign(value="10"))
    assert off(outcome, items) == ["3.34", "3.33", "3.33"]
    assert outcome.total == tl("10.00")
    assert outcome.applied == (Applied("campaign", outcome.applied[0].id, "Kampanya", None, tl("10.00"), False),)


def test_a_fixed_order_amount_is_spread_exactly() -> None:
    items = [item(p) for p in THIRDS]
    assert off(run(items, campaign(kind="fixed_amount", value="10.00")), items) == ["3.34", "3.33", "3.33"]


def test_a_lines_percentage_is_rounded_per_line() -> None:
    items = [item(p) for p in THIRDS]
    outcome = run(items, one_rule(actions=[{"type": "lines_percentage", "percent": "10"}]))
    assert off(outcome, items) == ["3.33", "3.33", "3.33"]
    assert outcome.total == tl("9.99")


# --- conditions -------------------------------------------------------------------------------------------------


def test_a_category_condition_matches_the_category_and_its_descendants() -> None:
    shoes = item("100", cats=frozenset({CHILD, PARENT}))
    top = item("100", cats=frozenset({PARENT}))
    other = item("100", cats=frozenset({OTHER}))
    items = [shoes, top, other]
    on_parent = one_rule(conditions=[{"type": "category", "ids": [str(PARENT)]}],
                         actions=[{"type": "lines_percentage", "percent": "10"}])  # fmt: skip
    assert off(run(items, on_parent), items) == ["10.00", "10.00", "0.00"]
    on_child = one_rule(conditions=[{"type": "category", "ids": [str(CHILD)]}],
                        actions=[{"type": "lines_percentage", "percent": "10"}])  # fmt: skip
    assert off(run(items, on_child), items) == ["10.00", "0.00", "0.00"]


@pytest.mark.parametrize("kind", ["brand", "product", "variant"])
def test_brand_product_and_variant_conditions_pick_their_lines(kind: str) -> None:
    target = uuid.uuid4()
    hit = item("50", brand=target if kind == "brand" else None, product=target if kind == "product" else None,
               variant=target if kind == "variant" else None)  # fmt: skip
    items = [hit, item("50", brand=BRAND)]
    c = one_rule(conditions=[{"type": kind, "ids": [str(target)]}], actions=[{"type": "lines_fixed", "amount": "5"}])
    assert off(run(items, c), items) == ["5.00", "0.00"]


def test_rule_type_all_needs_every_item_condition_and_any_one_of_them() -> None:
    both = item("100", brand=BRAND, cats=frozenset({PARENT}))
    brand_only, category_only = item("100", brand=BRAND), item("100", cats=frozenset({PARENT}))
    items = [both, brand_only, category_only]
    conditions = [{"type": "brand", "ids": [str(BRAND)]}, {"type": "category", "ids": [str(PARENT)]}]
    actions = [{"type": "lines_percentage", "percent": "50"}]
    every = campaign(rules=[{"rule_type": "all", "conditions": conditions, "actions": actions}])
    assert off(run(items, every), items) == ["50.00", "0.00", "0.00"]
    either = campaign(rules=[{"rule_type": "any", "conditions": conditions, "actions": actions}])
    assert off(run(items, either), items) == ["50.00", "50.00", "50.00"]


def test_no_line_matching_is_not_applicable() -> None:
    c = one_rule(conditions=[{"type": "brand", "ids": [str(BRAND)]}])
    assert reason(run([item("100")], c)) == ("not_applicable", "no item in the basket qualifies")


def test_min_quantity_counts_the_matching_units() -> None:
    shirts = item("100", 2, brand=BRAND)
    items = [shirts, item("100", 5)]
    c = one_rule(conditions=[{"type": "brand", "ids": [str(BRAND)]}, {"type": "min_quantity", "quantity": 3}])
    assert reason(run(items, c)) == ("minimum_not_met", "needs at least 3 qualifying items")
    more = [item("100", 3, brand=BRAND)]
    assert off(run(more, c), more) == ["30.00"]


def test_min_amount_measures_the_matching_lines_after_earlier_discounts() -> None:
    items = [item("250", brand=BRAND)]
    gate = [{"type": "brand", "ids": [str(BRAND)]}, {"type": "min_amount", "amount": "250"}]
    c = one_rule(name="Second", conditions=gate, actions=[{"type": "free_shipping"}])
    assert run(items, c).free_shipping
    first = one_rule(name="First", priority=5, actions=[{"type": "order_fixed", "amount": "0.01"}])
    outcome = run(items, first, c)
    assert not outcome.free_shipping
    assert reason(outcome) == ("minimum_not_met", "needs qualifying items worth at least 250.00 TRY")


@pytest.mark.parametrize(("customer", "detail"), [
    (NEWCOMER, None), (RETURNING, "for a first order only"), (GUEST, "for a first order only (sign in)"),
])  # fmt: skip
def test_first_order_holds_only_when_known_to_be_the_first(customer: Customer, detail: str | None) -> None:
    items = [item("100")]
    outcome = run(items, one_rule(conditions=[{"type": "first_order"}]), customer=customer)
    if detail is None:
        assert outcome.total == tl("10.00")
    else:
        assert reason(outcome) == ("not_applicable", detail)


def test_customer_role_needs_one_of_the_roles() -> None:
    items = [item("100")]
    c = one_rule(conditions=[{"type": "customer_role", "roles": ["gold", "vip"]}])
    assert run(items, c, customer=RETURNING).total == tl("10.00")
    assert reason(run(items, c, customer=NEWCOMER)) == ("not_applicable", "not offered to this customer")


# --- actions ----------------------------------------------------------------------------------------------------


def test_order_fixed_is_capped_at_the_order() -> None:
    items = [item("30"), item("10")]
    outcome = run(items, one_rule(actions=[{"type": "order_fixed", "amount": "100"}]))
    assert off(outcome, items) == ["30.00", "10.00"]
    assert outcome.applied[0].amount == tl("40.00")


def test_order_actions_take_off_the_whole_order_even_when_items_gate_the_rule() -> None:
    items = [item("100", brand=BRAND), item("100")]
    c = one_rule(conditions=[{"type": "brand", "ids": [str(BRAND)]}],
                 actions=[{"type": "order_percentage", "percent": "10"}])  # fmt: skip
    assert off(run(items, c), items) == ["10.00", "10.00"]


def test_lines_fixed_is_per_unit_and_capped_at_the_unit_price() -> None:
    items = [item("20", 3), item("3", 2)]
    outcome = run(items, one_rule(actions=[{"type": "lines_fixed", "amount": "5"}]))
    assert off(outcome, items) == ["15.00", "6.00"]


def test_free_shipping_applies_with_no_discount() -> None:
    outcome = run([item("100")], one_rule(actions=[{"type": "free_shipping"}]))
    assert outcome.free_shipping
    assert outcome.total == tl("0.00")
    assert outcome.applied[0].free_shipping and outcome.applied[0].amount == tl("0.00")


def test_buy_two_get_the_cheapest_free() -> None:
    dear, mid, cheap = item("100"), item("60"), item("40", 2)
    items = [cheap, dear, mid]
    c = one_rule(actions=[{"type": "buy_x_get_y", "buy": 2, "get": 1}])
    # units by price: 100, 60, 40 | 40 -> one full group, its cheapest (40) free; the last unit is alone
    assert off(run(items, c), items) == ["40.00", "0.00", "0.00"]
    six = [item("10", 6)]
    assert off(run(six, c), six) == ["20.00"]


def test_buy_one_get_one_half_off() -> None:
    items = [item("80"), item("50"), item("30"), item("20")]
    c = one_rule(actions=[{"type": "buy_x_get_y", "buy": 1, "get": 1, "percent": "50"}])
    # groups (80, 50) and (30, 20): 50 and 20 at half price
    assert off(run(items, c), items) == ["0.00", "25.00", "0.00", "10.00"]


def test_set_price_groups_the_dearest_units_first_repeats_and_never_loses() -> None:
    items = [item("50", 2), item("40", 3), item("20", 2)]
    c = one_rule(actions=[{"type": "set_price", "quantity": 3, "price": "100"}])
    # groups (50, 50, 40) saves 40; (40, 40, 20) saves 0 -> skipped; the last unit is alone
    outcome = run(items, c)
    assert outcome.total == tl("40.00")
    assert off(outcome, items) == ["28.57", "11.43", "0.00"]
    cheap = [item("30", 3)]
    assert reason(run(cheap, c)) == ("not_applicable", "nothing left to discount")


def test_set_price_repeats_over_many_units() -> None:
    items = [item("60", 7)]
    outcome = run(items, one_rule(actions=[{"type": "set_price", "quantity": 2, "price": "100"}]))
    assert off(outcome, items) == ["60.00"]  # three pairs save 20 each


# --- the campaign's own discount ---------------------------------------------------------------------------------


def test_a_campaign_without_rules_takes_its_discount_off_the_order() -> None:
    items = [item("100"), item("50")]
    assert off(run(items, campaign(kind="fixed_amount", value="30")), items) == ["20.00", "10.00"]


def test_a_rule_without_actions_uses_the_campaign_discount_on_its_matching_lines() -> None:
    items = [item("100", 2, brand=BRAND), item("50")]
    percent = one_rule(conditions=[{"type": "brand", "ids": [str(BRAND)]}], value="25")
    assert off(run(items, percent), items) == ["50.00", "0.00"]
    fixed = one_rule(conditions=[{"type": "brand", "ids": [str(BRAND)]}], kind="fixed_amount", value="7.50")
    assert off(run(items, fixed), items) == ["15.00", "0.00"]
    gated = one_rule(conditions=[{"type": "min_quantity", "quantity": 1}], kind="fixed_amount", value="15")
    assert off(run(items, gated), items) == ["12.00", "3.00"]  # no item condition: off the order


def test_a_campaign_applies_every_rule_that_holds() -> None:
    items = [item("100", brand=BRAND), item("100")]
    c = campaign(rules=[
        {"conditions": [{"type": "brand", "ids": [str(BRAND)]}], "actions": [{"type": "lines_fixed", "amount": "10"}]},
        {"conditions": [{"type": "customer_role", "roles": ["nobody"]}], "actions": [{"type": "free_shipping"}]},
        {"actions": [{"type": "lines_percentage", "percent": "10"}]},
    ])  # fmt: skip
    outcome = run(items, c)
    assert off(outcome, items) == ["19.00", "10.00"]
    assert not outcome.free_shipping


# --- gates before the rules ---------------------------------------------------------------------------------------


def test_the_minimum_cart_amount_counts_the_subtotal_before_promotions() -> None:
    items = [item("99.99")]
    outcome = run(items, campaign(minimum_cart_amount=tl("100")))
    assert reason(outcome) == ("minimum_not_met", "needs a subtotal of at least 100.00 TRY")
    assert run([item("100")], campaign(minimum_cart_amount=tl("100"))).total == tl("10.00")


def test_a_blocked_candidate_reports_its_reason() -> None:
    c = campaign(coupon_code="YAZ10", blocked="coupon_expired", blocked_detail="ended on 2024-08-31")
    outcome = run([item("100")], c)
    assert outcome.not_applied == (NotApplied("campaign", c.campaign_id, "Kampanya", "YAZ10", "coupon_expired",
                                              "ended on 2024-08-31"),)  # fmt: skip
    assert outcome.total == tl("0.00")


def test_a_campaign_in_another_currency_is_not_applicable() -> None:
    by_minimum = campaign(minimum_cart_amount=Money.of("10", "EUR"))
    assert reason(run([item("100")], by_minimum)) == ("not_applicable", "the campaign is in EUR, the basket in TRY")
    by_currency = campaign(currency="USD")
    assert reason(run([item("100")], by_currency))[0] == "not_applicable"
    assert run([item("100")], campaign(currency="TRY")).total == tl("10.00")


# --- order, stacking and exclusivity ----------------------------------------------------------------------------


def test_campaigns_apply_by_priority_each_on_what_is_left() -> None:
    items = [item("100")]
    low = campaign("Low", priority=1, kind="fixed_amount", value="50")
    high = campaign("High", priority=9, value="10")
    outcome = run(items, low, high)
    assert [(a.name, a.amount) for a in outcome.applied] == [("High", tl("10.00")), ("Low", tl("50.00"))]
    coupon = campaign("A coupon", coupon_code="C", value="50")
    automatic = campaign("Z automatic", value="10")
    outcome = run(items, coupon, automatic)
    assert [(a.name, a.amount) for a in outcome.applied] == [("Z automatic", tl("10.00")), ("A coupon", tl("45.00"))]


def test_a_lines_discount_never_exceeds_the_gross() -> None:
    items = [item("50"), item("10")]
    first = campaign("First", priority=2, kind="fixed_amount", value="45")
    second = one_rule(name="Second", priority=1, actions=[{"type": "lines_fixed", "amount": "40"}])
    outcome = run(items, first, second)
    assert off(outcome, items) == ["50.00", "10.00"]
    assert [a.amount for a in outcome.applied] == [tl("45.00"), tl("15.00")]
    third = campaign("Third", kind="fixed_amount", value="1")
    assert run(items, first, second, third).not_applied[0].detail == "nothing left to discount"


def test_an_exclusive_campaign_first_in_line_applies_alone() -> None:
    items = [item("100")]
    solo = campaign("Solo", priority=5, exclusive=True)
    later = [campaign("Later"), campaign("Also exclusive", exclusive=True)]
    outcome = run(items, *later, solo)
    assert [a.name for a in outcome.applied] == ["Solo"]
    assert [(n.name, n.reason, n.detail) for n in outcome.not_applied] == [
        ("Also exclusive", "not_applicable", "does not combine with Solo"),
        ("Later", "not_applicable", "does not combine with Solo"),
    ]


def test_an_exclusive_campaign_after_a_stackable_one_does_not_apply() -> None:
    items = [item("100")]
    outcome = run(items, campaign("Stack", priority=5), campaign("Solo", exclusive=True), campaign("After"))
    assert [a.name for a in outcome.applied] == ["Stack", "After"]
    assert reason(outcome) == ("not_applicable", "does not combine with Stack")


def test_an_exclusive_campaign_that_did_not_apply_blocks_nothing() -> None:
    items = [item("100")]
    solo = campaign("Solo", priority=5, exclusive=True, minimum_cart_amount=tl("500"))
    outcome = run(items, solo, campaign("Other"))
    assert [a.name for a in outcome.applied] == ["Other"]


def test_every_item_has_a_discount_entry_and_an_empty_outcome_has_a_zero_total() -> None:
    items = [item("10"), item("20")]
    outcome = run(items)
    assert outcome.discounts == {it.line_id: tl("0") for it in items}
    assert run([]).total == tl("0")


# --- spread -----------------------------------------------------------------------------------------------------


def test_spread_is_proportional_exact_and_capped() -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert spread(tl("10"), [(a, tl("75")), (b, tl("25")), (c, tl("0"))]) == {a: tl("7.50"), b: tl("2.50"), c: tl("0")}
    assert spread(tl("500"), [(a, tl("75")), (b, tl("25"))]) == {a: tl("75"), b: tl("25")}
    assert spread(tl("5"), [(a, tl("0"))]) == {a: tl("0")}
    assert spread(tl("0"), []) == {}


@given(
    st.integers(min_value=0, max_value=10**8),
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12),
)
def test_spread_sums_exactly_and_never_exceeds_a_weight(cents: int, weights: list[int]) -> None:
    keyed = [(uuid.uuid4(), Money(Decimal(w).scaleb(-2), "TRY")) for w in weights]
    amount = Money(Decimal(cents).scaleb(-2), "TRY")
    parts = spread(amount, keyed)
    total_weight = sum(weights)
    assert sum(p.amount for p in parts.values()) == min(amount.amount, Decimal(total_weight).scaleb(-2))
    assert all(parts[key] <= weight and parts[key].amount >= 0 for key, weight in keyed)
    assert set(parts) == {key for key, _ in keyed}


def test_no_rules_is_one_implicit_rule() -> None:
    assert campaign().rules == () and Rule() == Rule("all", (), ())
