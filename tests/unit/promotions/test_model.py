"""The promotions model: value checks naming their field, coupon code normalisation, and why a coupon cannot
be used (dates, limits, the campaign's state)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from core.promotions.model import (
    BundleDeal,
    BundleItem,
    Campaign,
    Coupon,
    bundle_items,
    coupon_code,
    discount_value,
    moment,
    normalize_code,
)
from core.shared.errors import Invalid

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def campaign(**fields: Any) -> Campaign:
    values: dict[str, Any] = {"name": "Yaz", "discount_type": "percentage", "discount_value": Decimal(10),
                              "start_date": NOW - timedelta(days=1), **fields}  # fmt: skip
    return Campaign(**values)


def coupon(**fields: Any) -> Coupon:
    return Coupon(**{"code": "YAZ10", "campaign_id": uuid.uuid4(), **fields})


def field(exc: pytest.ExceptionInfo[Invalid]) -> tuple[str | int, ...]:
    return exc.value.errors[0].loc


@pytest.mark.parametrize(("raw", "code"), [("  yaz10 ", "YAZ10"), ("Black-Friday_25", "BLACK-FRIDAY_25"),
                                           ("abc", "ABC")])  # fmt: skip
def test_coupon_codes_are_stripped_and_upper_cased(raw: str, code: str) -> None:
    assert coupon_code(raw) == code


@pytest.mark.parametrize("raw", ["ab", "x" * 65, "-SALE", "YAZ 10", "İNDİRİM", "ındirim", "=SUM(A1)", "%", ""])
def test_a_code_outside_the_alphabet_or_length_is_422(raw: str) -> None:
    with pytest.raises(Invalid) as exc:
        coupon_code(raw)
    assert field(exc) == ("body", "code") and exc.value.code == "invalid_coupon_code"


def test_turkish_letters_are_not_folded_into_ascii() -> None:
    """`ı`.upper() is `I` in Python: a code typed with it must not match an ASCII code."""
    assert normalize_code("ındirim") != "INDIRIM" and normalize_code("indirim") == "INDIRIM"


@pytest.mark.parametrize(("kind", "value", "currency", "expected"), [
    ("percentage", "10", "TRY", Decimal(10)), ("percentage", "12.5", "TRY", Decimal("12.5")),
    ("percentage", "100", "TRY", Decimal(100)), ("fixed_amount", "50", "TRY", Decimal("50.00")),
    ("fixed_amount", "49.90", "TRY", Decimal("49.90")), ("fixed_amount", "500", "JPY", Decimal(500)),
])  # fmt: skip
def test_discount_values(kind: str, value: str, currency: str, expected: Decimal) -> None:
    assert discount_value(kind, value, currency) == expected


@pytest.mark.parametrize(("kind", "value", "currency"), [
    ("percentage", "0", "TRY"), ("percentage", "100.01", "TRY"), ("percentage", "-5", "TRY"),
    ("percentage", "10.123", "TRY"), ("fixed_amount", "0", "TRY"), ("fixed_amount", "1.005", "TRY"),
    ("fixed_amount", "10.5", "JPY"), ("fixed_amount", "NaN", "TRY"), ("fixed_amount", "1e20", "TRY"),
    ("percentage", "abc", "TRY"), ("percentage", 10.5, "TRY"),
])  # fmt: skip
def test_bad_discount_values_are_422_on_the_value(kind: str, value: Any, currency: str) -> None:
    with pytest.raises(Invalid) as exc:
        discount_value(kind, value, currency)
    assert field(exc) == ("body", "discount_value")


def test_moments_need_an_offset_and_are_kept_in_utc() -> None:
    istanbul = datetime(2025, 1, 1, 3, 0, tzinfo=timezone(timedelta(hours=3)))
    assert moment("start_date", istanbul) == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)
    for bad in (datetime(2025, 1, 1), datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
                datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))):  # fmt: skip
        with pytest.raises(Invalid) as exc:
            moment("start_date", bad)
        assert field(exc) == ("body", "start_date")


def test_a_campaign_ends_after_it_starts_and_its_value_fits_its_type() -> None:
    with pytest.raises(Invalid) as exc:
        campaign(end_date=NOW - timedelta(days=2)).check()
    assert field(exc) == ("body", "end_date")
    made = campaign()
    with pytest.raises(Invalid) as exc:
        made.revise(start_date=NOW + timedelta(days=400), end_date=NOW + timedelta(days=300))
    assert field(exc) == ("body", "end_date")
    with pytest.raises(Invalid) as exc:
        campaign().revise(discount_value=Decimal(150))
    assert field(exc) == ("body", "discount_value")
    with pytest.raises(Invalid) as exc:  # switching to percentage with a value of 150.00 blames the type
        campaign(discount_type="fixed_amount", discount_value=Decimal(150)).revise(discount_type="percentage")
    assert field(exc) == ("body", "discount_type")


def test_a_campaign_is_live_between_its_dates_while_active() -> None:
    c = campaign(end_date=NOW + timedelta(days=1))
    assert c.live(NOW) and not c.live(NOW + timedelta(days=1)) and not c.live(NOW - timedelta(days=2))
    c.is_active = False
    assert not c.live(NOW)


def test_a_usable_coupon_has_no_blocked_reason() -> None:
    assert coupon(total_usage_limit=5, used_count=4, usage_limit_per_user=2).blocked_reason(campaign(), NOW, 1) is None


@pytest.mark.parametrize(("coupon_fields", "campaign_fields", "used", "reason"), [
    ({"is_active": False}, {}, 0, "coupon_not_found"),
    ({"is_deleted": True}, {}, 0, "coupon_not_found"),
    ({}, {"is_active": False}, 0, "coupon_not_found"),
    ({}, {"is_deleted": True}, 0, "coupon_not_found"),
    ({"start_date": NOW + timedelta(hours=1)}, {}, 0, "coupon_not_started"),
    ({}, {"start_date": NOW + timedelta(hours=1)}, 0, "coupon_not_started"),
    ({"end_date": NOW}, {}, 0, "coupon_expired"),
    ({}, {"end_date": NOW - timedelta(seconds=1)}, 0, "coupon_expired"),
    ({"total_usage_limit": 3, "used_count": 3}, {}, 0, "coupon_exhausted"),
    ({}, {"usage_limit": 10, "used_count": 10}, 0, "coupon_exhausted"),
    ({"usage_limit_per_user": 1}, {}, 1, "coupon_user_limit_reached"),
])  # fmt: skip
def test_why_a_coupon_cannot_be_used(coupon_fields: dict[str, Any], campaign_fields: dict[str, Any], used: int,
                                     reason: str) -> None:  # fmt: skip
    blocked = coupon(**coupon_fields).blocked_reason(campaign(**campaign_fields), NOW, used)
    assert blocked is not None and blocked[0] == reason and blocked[1]


def test_the_coupons_own_dates_come_before_the_campaigns() -> None:
    ended = campaign(end_date=NOW - timedelta(days=1))
    assert coupon(end_date=NOW + timedelta(days=1)).blocked_reason(ended, NOW, 0) is None
    assert coupon().blocked_reason(None, NOW, 0) == ("coupon_not_found", "no usable coupon YAZ10")


def test_bundle_items_are_distinct_variants_with_quantities() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert bundle_items([BundleItem(a, 2), BundleItem(b, 1)]) == [BundleItem(a, 2), BundleItem(b, 1)]
    with pytest.raises(Invalid) as exc:
        bundle_items([BundleItem(a, 1), BundleItem(a, 1)])
    assert field(exc) == ("body", "items", 1, "variant_id")
    with pytest.raises(Invalid) as exc:
        bundle_items([BundleItem(a, 0)])
    assert field(exc) == ("body", "items", 0, "quantity")
    with pytest.raises(Invalid) as exc:
        bundle_items([])
    assert field(exc) == ("body", "items")


def test_a_bundle_has_a_price_or_a_percent() -> None:
    items = [BundleItem(uuid.uuid4(), 1)]
    for fields in ({}, {"price": Decimal(100), "percent": Decimal(10)}):
        with pytest.raises(Invalid) as exc:
            BundleDeal(name="Set", items=items, **fields).check()
        assert exc.value.code == "price_or_percent"
    deal = BundleDeal(name="Set", items=items, price=Decimal("99.90"))
    deal.check()
    assert deal.offer_items() == ((items[0].variant_id, 1),)
    assert not BundleDeal(name="Set", items=items, price=Decimal(1), end_date=NOW).live(NOW)
