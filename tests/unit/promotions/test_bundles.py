"""Bundle deals: priced and percent sets, applied as often as the basket allows, the best combination rather than
the greedy one, and campaigns working on what the bundles left."""

from __future__ import annotations

import uuid
from decimal import Decimal

from core.promotions.bundles import best_bundles
from core.promotions.engine import BundleOffer, Candidate, Customer, Item, Outcome, evaluate
from core.shared.money import Money

NOBODY = Customer(None, frozenset(), None)
A, B, C, D = (uuid.uuid4() for _ in range(4))


def tl(amount: str) -> Money:
    return Money.of(amount, "TRY")


def item(variant: uuid.UUID, price: str, quantity: int = 1) -> Item:
    return Item(uuid.uuid4(), variant, uuid.uuid4(), None, frozenset(), quantity, tl(price))


def bundle(name: str, *items: tuple[uuid.UUID, int], price: str | None = None, percent: str | None = None,
           currency: str = "TRY") -> BundleOffer:  # fmt: skip
    return BundleOffer(uuid.uuid4(), name, items, price=Money.of(price, currency) if price else None,
                       percent=Decimal(percent) if percent else None)  # fmt: skip


def run(items: list[Item], *bundles: BundleOffer, candidates: tuple[Candidate, ...] = ()) -> Outcome:
    return evaluate(items, candidates, bundles, NOBODY, "TRY")


def off(outcome: Outcome, items: list[Item]) -> list[str]:
    return [str(outcome.discounts[it.line_id].amount) for it in items]


def test_a_priced_bundle_saves_the_difference_spread_over_its_lines() -> None:
    items = [item(A, "120"), item(B, "80")]
    outcome = run(items, bundle("Duo", (A, 1), (B, 1), price="150"))
    assert off(outcome, items) == ["30.00", "20.00"]
    (applied,) = outcome.applied
    assert (applied.kind, applied.name, applied.amount, applied.times, applied.free_shipping) == (
        "bundle", "Duo", tl("50.00"), 1, False)  # fmt: skip


def test_a_percent_bundle_applies_as_often_as_the_items_allow() -> None:
    shirts, socks = item(A, "100", 5), item(B, "10", 4)
    outcome = run([shirts, socks], bundle("Shirt and two socks", (A, 1), (B, 2), percent="10"))
    assert outcome.applied[0].times == 2
    assert outcome.applied[0].amount == tl("24.00")  # 10 % of 2 x (100 + 2 x 10)
    assert off(outcome, [shirts, socks]) == ["20.00", "4.00"]


def test_the_best_combination_beats_the_greedy_one() -> None:
    items = [item(v, "100") for v in (A, B, C, D)]
    biggest = bundle("AB", (A, 1), (B, 1), price="100")  # saves 100 alone, but blocks both others
    left = bundle("AC", (A, 1), (C, 1), price="130")  # saves 70
    right = bundle("BD", (B, 1), (D, 1), price="130")  # saves 70
    outcome = run(items, biggest, left, right)
    assert sorted(a.name for a in outcome.applied) == ["AC", "BD"]
    assert outcome.total == tl("140.00")
    assert [(n.name, n.detail) for n in outcome.not_applied] == [("AB", "a better combination of bundles applies")]


def test_a_bundle_missing_items_does_not_apply_and_says_why() -> None:
    items = [item(A, "100", 3)]
    outcome = run(items, bundle("AB", (A, 1), (B, 1), price="50"), bundle("Unrelated", (C, 1), (D, 1), price="1"))
    assert outcome.applied == ()
    assert [(n.kind, n.name, n.reason, n.detail) for n in outcome.not_applied] == [
        ("bundle", "AB", "not_applicable", "the basket does not hold the whole set"),
    ]
    assert outcome.total == tl("0")


def test_a_bundle_that_saves_nothing_or_is_priced_in_another_currency_does_not_apply() -> None:
    items = [item(A, "10"), item(B, "10")]
    outcome = run(items, bundle("Dear", (A, 1), (B, 1), price="25"), bundle("Euro", (A, 1), price="1", currency="EUR"))
    assert outcome.applied == ()
    assert sorted(n.detail for n in outcome.not_applied) == [
        "the bundle is priced in EUR", "the set costs no more than the bundle price",
    ]  # fmt: skip


def test_a_set_takes_the_dearest_units_and_repeats_only_while_it_saves() -> None:
    dear, cheap = item(A, "100", 1), item(A, "40", 2)
    uses, _ = best_bundles([cheap, dear], [bundle("Two for 120", (A, 2), price="120")], "TRY")
    (use,) = uses
    assert use.times == 1  # (100, 40) saves 20; a second set (40) cannot form
    assert use.saving == tl("20.00")
    assert dict(use.used) == {dear.line_id: tl("100"), cheap.line_id: tl("40")}


def test_repeated_sets_choose_the_count_that_saves_most() -> None:
    dear, cheap = item(A, "100", 2), item(A, "40", 2)
    uses, _ = best_bundles([dear, cheap], [bundle("Pair for 150", (A, 2), price="150")], "TRY")
    (use,) = uses
    assert (use.times, use.saving) == (1, tl("50.00"))  # a second pair (40 + 40) would lose 70


def test_campaigns_work_on_what_the_bundles_left_and_bundles_do_not_block_exclusivity() -> None:
    items = [item(A, "120"), item(B, "80")]
    solo = Candidate(uuid.uuid4(), "Solo", None, 0, True, "percentage", Decimal(10), None, ())
    outcome = run(items, bundle("Duo", (A, 1), (B, 1), price="150"), candidates=(solo,))
    assert [a.name for a in outcome.applied] == ["Duo", "Solo"]
    assert outcome.applied[1].amount == tl("15.00")  # 10 % of the 150 left
    assert off(outcome, items) == ["39.00", "26.00"]


def test_many_bundles_and_units_stay_fast_and_no_worse_than_greedy() -> None:
    variants = [uuid.uuid4() for _ in range(8)]
    items = [item(v, "50", 20) for v in variants]
    offers = [bundle(f"B{i}", (variants[i], 1), (variants[(i + 1) % 8], 2), percent="10") for i in range(8)]
    uses, _ = best_bundles(items, offers, "TRY")
    total = sum((u.saving for u in uses), tl("0"))
    # greedy: B0, B2, B4, B6 ten sets each (each empties the next variant), 40 x 15.00 saved
    assert total >= tl("600.00")
    assert all(sum(u.times * q for u in uses for v, q in u.offer.items if v == var) <= 20 for var in variants)
