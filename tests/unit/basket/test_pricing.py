"""Pricing: every amount exact, KDV per rate, shipping by threshold, today's price with the agreed one shown."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from core.basket.pricing import PricedLine, line_json, split_tax, totals_json
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import ChangeVariant, NewPrice, SetVariantPrice
from core.shared.money import Money
from tests.unit.basket.conftest import Till, money
from tests.unit.catalog.conftest import STAFF
from tests.unit.conftest import App


def try_(amount: str) -> Money:
    return Money.of(amount, "TRY")


async def test_tax_is_reported_per_rate_for_20_10_1_and_0_percent(till: Till) -> None:
    basket = await till.open()
    for price, rate in (("120.00", "20"), ("110.00", "10"), ("101.00", "1"), ("50.00", "0")):
        basket = await till.add(basket, await till.variant(price, tax_rate=rate))
    totals = totals_json(basket.totals)
    # 381.00 of goods is below the 500.00 threshold: 49.90 shipping, which carries 20 % KDV
    assert totals["subtotal"] == money("381.00")
    assert totals["discount"] == money("0.00")
    assert totals["shipping"] == money("49.90")
    assert totals["total"] == money("430.90")
    assert totals["tax_lines"] == [
        {"rate": "20", "amount": money("28.32")},  # (120.00 + 49.90) * 20 / 120 = 28.3166...
        {"rate": "10", "amount": money("10.00")},
        {"rate": "1", "amount": money("1.00")},
        {"rate": "0", "amount": money("0.00")},
    ]
    assert totals["tax"] == money("39.32")
    assert [line["tax_rate"] for line in (line_json(ln) for ln in basket.lines)] == ["20", "10", "1", "0"]


async def test_shipping_is_free_at_the_threshold_and_charged_just_below(till: Till) -> None:
    at = await till.add(await till.open(), await till.variant("500.00"))
    assert at.totals.shipping == try_("0.00")
    assert at.totals.total == try_("500.00")
    below = await till.add(await till.open(), await till.variant("499.99"))
    assert below.totals.shipping == try_("49.90")
    assert below.totals.total == try_("549.89")


async def test_an_empty_basket_costs_nothing_not_even_shipping(till: Till) -> None:
    totals = (await till.open()).totals
    assert (totals.subtotal, totals.shipping, totals.tax, totals.total) == (try_("0"),) * 4
    assert totals.tax_lines == ()


async def test_shipping_follows_the_runtime_settings(app: App, till: Till) -> None:
    await app.set("shipping.flat_fee", "29.99")
    await app.set("shipping.free_above", "1000")
    await app.set("shipping.tax_rate", "10")
    basket = await till.add(await till.open(), await till.variant("600.00"))
    assert basket.totals.shipping == try_("29.99")
    assert basket.totals.total == try_("629.99")
    # 600.00 at 20 % -> 100.00; 29.99 at 10 % -> 2.7263... -> 2.73
    assert [(t.rate, t.amount) for t in basket.totals.tax_lines] == [(Decimal(20), try_("100.00")),
                                                                    (Decimal(10), try_("2.73"))]  # fmt: skip


async def test_quantities_multiply_exactly(till: Till) -> None:
    basket = await till.add(await till.open(), await till.variant("33.33"), 3)
    line = basket.lines[0]
    assert (line.unit_price, line.total_price) == (try_("33.33"), try_("99.99"))
    assert basket.totals.total == try_("149.89")


async def test_a_price_change_since_adding_is_shown_until_the_line_is_changed(till: Till) -> None:
    variant = await till.variant("100.00")
    basket = await till.add(await till.open(), variant, 2)
    await till.reprice(variant, "120.00")
    seen = await till.read(basket)
    line = seen.lines[0]
    assert line.unit_price == try_("120.00")
    assert line.price_changed_from == try_("100.00")
    assert seen.totals.subtotal == try_("240.00")  # always today's price
    assert line_json(line)["price_changed_from"] == money("100.00")
    changed = await till.change(basket, line.line_id, 3)
    assert changed.lines[0].price_changed_from is None  # the customer saw and took the new price
    assert (await till.stored(basket.basket.id)).lines[0].unit_price_at_add == try_("120.00")


async def test_adding_more_of_a_variant_takes_todays_price_too(till: Till) -> None:
    variant = await till.variant("100.00")
    basket = await till.add(await till.open(), variant)
    await till.reprice(variant, "90.00")
    again = await till.add(basket, variant)
    assert again.lines[0].price_changed_from is None
    assert again.lines[0].total_price == try_("180.00")


async def test_a_catalog_discount_is_the_price_the_customer_pays(app: App, till: Till) -> None:
    variant = await till.variant("200.00")
    await app.use(SetVariantPrice)(NewPrice(STAFF, variant.id, try_("200.00"), try_("50.00")))
    basket = await till.add(await till.open(), variant)
    assert basket.lines[0].unit_price == try_("150.00")


async def test_a_line_no_longer_sold_is_shown_but_counts_in_no_total(app: App, till: Till) -> None:
    kept, dropped = await till.variant("100.00"), await till.variant("70.00")
    basket = await till.add(await till.add(await till.open(), kept), dropped)
    await app.use(ChangeVariant)(Revision(STAFF, dropped.id, {"is_active": False}))
    seen = await till.read(basket)
    assert [ln.purchasable for ln in seen.lines] == [True, False]
    assert seen.lines[1].unit_price == try_("70.00")  # the last agreed price, for the customer to recognise it
    assert seen.totals.subtotal == try_("100.00")


def _line(total: str, rate: str) -> PricedLine:
    price = try_(total)
    return PricedLine(line_id=uuid.uuid4(), variant_id=uuid.uuid4(), product_id=None, product_name="",
                      variant_name="", sku="", quantity=1,
                      unit_price=price, total_price=price, discount_amount=try_("0"), tax_rate=Decimal(rate),
                      price_changed_from=None, purchasable=True)  # fmt: skip


@pytest.mark.parametrize("totals", [["0.01", "0.01", "0.01"], ["33.33", "33.33", "33.34"], ["19.99", "0.05", "7.77"]])
def test_each_line_gets_an_exact_share_of_its_rates_tax(totals: list[str]) -> None:
    lines = [_line(t, "20") for t in totals] + [_line("10.10", "10")]
    split = split_tax(lines, try_("49.90"), Decimal(20))
    by_rate = {t.rate: t.amount for t in split.tax_lines}
    shares_20 = sum((split.per_line[ln.line_id] for ln in lines if ln.tax_rate == 20), try_("0"))
    assert shares_20 + split.shipping_tax == by_rate[Decimal(20)]
    assert split.per_line[lines[-1].line_id] == by_rate[Decimal(10)] == try_("0.92")
    gross_20 = sum((try_(t) for t in totals), try_("49.90"))
    assert by_rate[Decimal(20)] == Money.rounded(gross_20.amount / 6, "TRY")
