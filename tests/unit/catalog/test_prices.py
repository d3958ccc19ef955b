"""Prices: one per currency per variant, exact to the currency's minor unit, tax included; a discount in the
same currency that never takes the price below zero; what the customer pays is price minus discount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.catalog.model import Price, Product, Variant
from core.catalog.use_cases.products import GetVariant, NewPrice, SetVariantPrice
from core.shared.errors import Invalid
from core.shared.money import Money
from tests.unit.catalog.conftest import STAFF, Shop, try_


@pytest.fixture
async def product(shop: Shop) -> Product:
    return await shop.product("Fincan", "CUP")


@pytest.fixture
async def variant(shop: Shop, product: Product) -> Variant:
    return await shop.variant(product, "CUP-1", price="199.90")


async def _set(shop: Shop, variant: Variant, price: Money, discount: Money | None = None) -> Variant:
    return await shop.app.use(SetVariantPrice)(NewPrice(STAFF, variant.id, price, discount))


def _live(variant: Variant) -> list[Price]:
    return sorted((p for p in variant.prices if p.is_active and not p.is_deleted), key=lambda p: p.currency)


async def test_a_new_variant_has_its_price(shop: Shop, variant: Variant) -> None:
    stored = await shop.app.use(GetVariant)(variant.id)
    [price] = _live(stored)
    assert (price.currency, price.amount, price.discount) == ("TRY", Decimal("199.90"), Decimal(0))
    assert str(price.amount) == "199.90"


async def test_one_price_per_currency_replaced_in_place(shop: Shop, variant: Variant) -> None:
    await _set(shop, variant, Money.of("10.50", "USD"))
    await _set(shop, variant, try_("149.90"))
    await _set(shop, variant, Money.of("1990", "JPY"))
    await _set(shop, variant, try_("129.90"))
    stored = await shop.app.use(GetVariant)(variant.id)
    assert [(p.currency, str(p.amount)) for p in _live(stored)] == [
        ("JPY", "1990"),
        ("TRY", "129.90"),
        ("USD", "10.50"),
    ]
    assert len(stored.prices) == 3
    assert stored.price_in("TRY") is not None and stored.price_in("EUR") is None


async def test_amounts_are_exact(shop: Shop, variant: Variant) -> None:
    await _set(shop, variant, try_("0.10"), try_("0.03"))
    price = (await shop.app.use(GetVariant)(variant.id)).price_in("TRY")
    assert price is not None
    assert price.sale_price == Money(Decimal("0.07"), "TRY")  # not 0.07000000000000001
    assert Money.of("199.9", "TRY").amount == Decimal("199.90")


@pytest.mark.parametrize(("amount", "currency"), [("1990.5", "JPY"), ("19.999", "TRY"), ("1.2345", "KWD")])
def test_more_digits_than_the_currency_has_are_invalid(amount: str, currency: str) -> None:
    with pytest.raises(Invalid):
        Money.of(amount, currency)


@pytest.mark.parametrize("amount", [19.9, True])
def test_floats_are_never_money(amount: object) -> None:
    with pytest.raises(Invalid):
        Money.of(amount, "TRY")  # type: ignore[arg-type]


async def test_a_discount_comes_off_the_price(shop: Shop, variant: Variant) -> None:
    updated = await _set(shop, variant, try_("200.00"), try_("50.00"))
    price = updated.price_in("TRY")
    assert price is not None
    assert (price.list_price, price.sale_price) == (try_("200.00"), try_("150.00"))
    entry = (await shop.app.audit(target_id=str(variant.id)))[0]
    assert entry.action == "variant.price"
    assert entry.changes == {"price.TRY": [["199.90", "0.00"], ["200.00", "50.00"]]}


async def test_a_discount_as_large_as_the_price_makes_it_free(shop: Shop, variant: Variant) -> None:
    price = (await _set(shop, variant, try_("20.00"), try_("20.00"))).price_in("TRY")
    assert price is not None and price.sale_price == try_("0.00")


async def test_replacing_a_price_without_a_discount_clears_the_discount(shop: Shop, variant: Variant) -> None:
    await _set(shop, variant, try_("200.00"), try_("50.00"))
    price = (await _set(shop, variant, try_("180.00"))).price_in("TRY")
    assert price is not None and price.sale_price == try_("180.00")


@pytest.mark.parametrize(
    ("price", "discount", "code"),
    [
        (try_("100.00"), try_("100.01"), "discount_exceeds_price"),
        (try_("100.00"), Money.of("10.00", "USD"), "currency_mismatch"),
        (try_("100.00"), try_("-1.00"), "negative_discount"),
        (try_("-0.01"), None, "negative_price"),
    ],
)
async def test_bad_prices_are_invalid_and_change_nothing(
    shop: Shop, variant: Variant, price: Money, discount: Money | None, code: str
) -> None:
    with pytest.raises(Invalid) as e:
        await _set(shop, variant, price, discount)
    assert e.value.code == code
    stored = (await shop.app.use(GetVariant)(variant.id)).price_in("TRY")
    assert stored is not None and (stored.amount, stored.discount) == (Decimal("199.90"), Decimal(0))


async def test_a_new_variant_may_come_with_a_discount_checked_the_same_way(shop: Shop, product: Product) -> None:
    variant = await shop.variant(product, "CUP-2", price="100.00", discount=try_("25.00"))
    price = variant.price_in("TRY")
    assert price is not None and price.sale_price == try_("75.00")
    with pytest.raises(Invalid) as e:
        await shop.variant(product, "CUP-3", price="100.00", discount=try_("100.50"))
    assert e.value.code == "discount_exceeds_price"
    with pytest.raises(Invalid) as e:
        await shop.variant(product, "CUP-4", price="100.00", discount=Money.of("1", "EUR"))
    assert e.value.code == "currency_mismatch"


async def test_the_storefront_shows_the_sale_price_and_the_list_price(
    shop: Shop, product: Product, variant: Variant
) -> None:
    await _set(shop, variant, try_("200.00"), try_("50.00"))
    await _set(shop, variant, Money.of("1990", "JPY"))
    [shown] = (await shop.show(product.slug))["variants"]
    assert shown["price"] == {"amount": "150.00", "currency": "TRY"}
    assert shown["compare_at_price"] == {"amount": "200.00", "currency": "TRY"}
    assert shown["prices"] == [{"amount": "1990", "currency": "JPY"}, {"amount": "150.00", "currency": "TRY"}]
    [card] = (await shop.browse())["items"]
    assert (card["price"], card["compare_at_price"]) == ({"amount": "150.00", "currency": "TRY"},
                                                         {"amount": "200.00", "currency": "TRY"})  # fmt: skip
    [card] = (await shop.browse(currency="JPY"))["items"]
    assert (card["price"], card["compare_at_price"]) == ({"amount": "1990", "currency": "JPY"}, None)
