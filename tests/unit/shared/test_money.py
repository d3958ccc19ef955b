"""Money: exact decimals in an ISO 4217 currency with its minor unit; never floats; parts sum to the whole."""

from __future__ import annotations

from decimal import Decimal

import babel.numbers
import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.shared.errors import Invalid
from core.shared.money import CURRENCIES, CurrencyMismatch, Money, check_currency, minor_digits


def try_(amount: str) -> Money:
    return Money.of(amount, "TRY")


# --- the currency tables agree with CLDR (babel) and ISO 4217 (pycountry) -----------------------------------


def test_every_iso_currency_is_known() -> None:
    assert {c.alpha_3 for c in pycountry.currencies} == CURRENCIES


def test_every_currency_babel_knows_has_babels_minor_digits() -> None:
    known_to_babel = set(babel.numbers.list_currencies())
    checked = sorted(CURRENCIES & known_to_babel)
    assert checked == sorted(CURRENCIES), "babel lacks some of our currencies"
    wrong = {c: (minor_digits(c), babel.numbers.get_currency_precision(c)) for c in checked
             if minor_digits(c) != babel.numbers.get_currency_precision(c)}  # fmt: skip
    assert wrong == {}


@pytest.mark.parametrize(("currency", "digits"), [("TRY", 2), ("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3),
                                                  ("BHD", 3), ("CLF", 4)])  # fmt: skip
def test_well_known_minor_digits(currency: str, digits: int) -> None:
    assert minor_digits(currency) == digits
    assert Money.of(1, currency).amount.as_tuple().exponent == -digits


def test_unknown_currency_is_invalid() -> None:
    with pytest.raises(Invalid) as e:
        Money.of("1", "XYZ")
    assert e.value.code == "unknown_currency"
    with pytest.raises(Invalid):
        check_currency("try")  # codes are upper case
    with pytest.raises(Invalid):
        Money.of("1", "TRL")  # the old lira is history


# --- construction ------------------------------------------------------------------------------------------


def test_amount_is_quantized_to_the_minor_unit() -> None:
    assert str(try_("199.9").amount) == "199.90"
    assert str(try_("5").amount) == "5.00"
    assert str(Money.of("1990", "JPY").amount) == "1990"
    assert str(Money.of("1.5", "KWD").amount) == "1.500"
    assert try_("1.500").amount == Decimal("1.50")  # trailing zeros beyond the unit are no extra precision


@pytest.mark.parametrize(("amount", "currency"), [("0.001", "TRY"), ("1.5", "JPY"), ("0.0001", "KWD"),
                                                  ("19.999", "TRY")])  # fmt: skip
def test_more_digits_than_the_currency_has_is_invalid(amount: str, currency: str) -> None:
    with pytest.raises(Invalid) as e:
        Money.of(amount, currency)
    assert e.value.errors[0].loc == ("body", "amount")


@pytest.mark.parametrize("amount", [0.5, 0.1, 2.0, 1.25, float("nan")])
def test_floats_are_refused_even_when_exact(amount: float) -> None:
    with pytest.raises(Invalid) as e:
        Money.of(amount, "TRY")
    assert e.value.errors[0].loc == ("body", "amount")


def test_booleans_are_not_amounts() -> None:
    with pytest.raises(Invalid):
        Money.of(True, "TRY")


def test_money_built_directly_refuses_a_float() -> None:
    with pytest.raises(TypeError):
        Money(0.5, "TRY")  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", ["abc", "", "1,5", "NaN", "Infinity", "-inf"])
def test_non_numbers_and_non_finite_are_invalid(amount: str) -> None:
    with pytest.raises(Invalid):
        try_(amount)


def test_zero_and_integers() -> None:
    assert Money.zero("TRY") == try_("0.00")
    assert Money.zero("TRY").is_zero
    assert Money.of(7, "TRY").amount == Decimal("7.00")
    assert Money.of(Decimal("7.10"), "TRY") == try_("7.1")


# --- arithmetic --------------------------------------------------------------------------------------------


def test_addition_and_subtraction_are_exact() -> None:
    assert try_("0.10") + try_("0.20") == try_("0.30")  # 0.1 + 0.2 != 0.3 in floats
    total = Money.zero("TRY")
    for _ in range(1000):
        total += try_("0.01")
    assert total == try_("10.00")
    assert try_("100.00") - try_("0.01") == try_("99.99")
    assert (try_("1.00") - try_("2.50")).amount == Decimal("-1.50")


def test_multiplication_by_whole_quantities_only() -> None:
    assert try_("19.99") * 3 == try_("59.97")
    for factor in (1.5, Decimal("2"), True):
        with pytest.raises(TypeError):
            try_("1.00") * factor  # type: ignore[operator]


def test_currencies_do_not_mix() -> None:
    with pytest.raises(CurrencyMismatch):
        try_("1") + Money.of("1", "EUR")
    with pytest.raises(CurrencyMismatch):
        try_("1") - Money.of("1", "EUR")
    with pytest.raises(CurrencyMismatch):
        assert try_("1") < Money.of("2", "EUR")


def test_comparisons() -> None:
    assert try_("1.00") < try_("1.01") <= try_("1.01") < try_("2")
    assert try_("3") > try_("2.99") >= try_("2.99")
    assert try_("1.0") == try_("1.00")
    assert try_("1") != Money.of("1", "EUR")
    assert len({try_("1.0"), try_("1.00")}) == 1


def test_percent_rounds_half_up_to_the_minor_unit() -> None:
    assert try_("199.90").percent(Decimal("18")) == try_("35.98")  # 35.982
    assert try_("0.50").percent(Decimal("1")) == try_("0.01")  # 0.005 rounds up
    assert try_("0.49").percent(Decimal("1")) == try_("0.00")  # 0.0049
    assert Money.of("1001", "JPY").percent(Decimal("50")) == Money.of("501", "JPY")  # 500.5
    assert try_("100").percent(Decimal("0")) == Money.zero("TRY")


def test_rounded_from_a_computed_amount() -> None:
    assert Money.rounded(Decimal("10") / 3, "TRY") == try_("3.33")
    assert Money.rounded(Decimal("2.675"), "TRY") == try_("2.68")
    assert Money.rounded(Decimal("0.5"), "JPY") == Money.of("1", "JPY")


def test_str() -> None:
    assert str(try_("199.9")) == "199.90 TRY"


# --- allocation ---------------------------------------------------------------------------------------------


def test_allocate_splits_the_remainder_so_parts_sum_exactly() -> None:
    parts = try_("100.00").allocate([1, 1, 1])
    assert parts == [try_("33.34"), try_("33.33"), try_("33.33")]
    assert sum((p.amount for p in parts), Decimal(0)) == Decimal("100.00")


def test_allocate_by_weights() -> None:
    assert try_("10.00").allocate([Decimal("70"), Decimal("30")]) == [try_("7.00"), try_("3.00")]
    assert try_("0.05").allocate([1, 1]) == [try_("0.03"), try_("0.02")]  # ties: earlier first
    assert Money.of("100", "JPY").allocate([1, 2]) == [Money.of("33", "JPY"), Money.of("67", "JPY")]


def test_allocate_edge_cases() -> None:
    assert try_("5").allocate([]) == []
    assert try_("5").allocate([0, 3]) == [try_("0"), try_("5")]
    with pytest.raises(ValueError):
        try_("5").allocate([0, 0])


@given(
    cents=st.integers(min_value=-(10**9), max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(lambda w: sum(w) > 0),
    currency=st.sampled_from(["TRY", "JPY", "KWD", "CLF"]),
)
def test_allocate_always_sums_exactly_and_stays_within_one_unit(cents: int, weights: list[int], currency: str) -> None:
    unit = Decimal(1).scaleb(-minor_digits(currency))
    whole = Money(Decimal(cents) * unit, currency)
    parts = whole.allocate(weights)
    assert len(parts) == len(weights)
    assert sum((p.amount for p in parts), Decimal(0)) == whole.amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part.currency == currency
        assert part.amount == part.amount.quantize(unit)
        exact = whole.amount * weight / total
        assert abs(part.amount - exact) < unit
        if weight == 0:
            assert part.is_zero
