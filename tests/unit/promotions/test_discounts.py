"""Standalone discounts: the pure price rule, the staff use cases, and their effect on the storefront and the
basket's offers (memory adapters)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from core.catalog.use_cases.common import Revision
from core.promotions.discounts import Discount, Target, discounted, lineage, lowest
from core.promotions.use_cases.discounts import (
    ChangeDiscount,
    CreateDiscount,
    DeleteDiscount,
    ListDiscounts,
    NewDiscount,
)
from core.shared.actor import Actor
from core.shared.errors import Invalid
from core.shared.money import Money
from core.shared.pagination import PageRequest
from tests.unit.basket.conftest import Till
from tests.unit.catalog.conftest import Shop
from tests.unit.conftest import App
from tests.unit.inventory.conftest import Depot

STAFF = Actor(uuid.uuid4(), frozenset({"promotions.manage"}))
NOW = datetime.now(UTC)
V, P, B, C, ROOT = (uuid.uuid4() for _ in range(5))
TARGET = Target(V, P, B, frozenset({C, ROOT}))


def try_(amount: str) -> Money:
    return Money.of(amount, "TRY")


def discount(target_type: str = "product", target_id: uuid.UUID = P, kind: str = "percentage", value: str = "10",
             currency: str = "TRY") -> Discount:  # fmt: skip
    return Discount(name="İndirim", target_type=target_type, target_id=target_id, discount_type=kind,
                    value=Decimal(value), currency=currency, start_date=NOW - timedelta(days=1))  # fmt: skip


# --- the pure rule ------------------------------------------------------------------------------------------


def test_a_percentage_or_an_amount_comes_off_the_list_price() -> None:
    assert discounted(try_("200.00"), try_("200.00"), TARGET, [discount(value="15")]) == try_("170.00")
    assert discounted(try_("99.99"), try_("99.99"), TARGET, [discount(value="33.33")]) == try_("66.66")
    assert discounted(try_("200.00"), try_("200.00"), TARGET, [discount(kind="fixed_amount", value="25.50")]) \
        == try_("174.50")  # fmt: skip
    assert discounted(try_("20.00"), try_("20.00"), TARGET, [discount(kind="fixed_amount", value="50")]) \
        == try_("0.00")  # never below zero  # fmt: skip
    read_back = discount(kind="fixed_amount", value="100.0000")  # as PostgreSQL's NUMERIC(19, 4) returns it
    assert str(discounted(try_("200.00"), try_("200.00"), TARGET, [read_back]).amount) == "100.00"


def test_each_target_kind_matches_and_the_best_reduction_wins() -> None:
    every = [
        discount("variant", V, value="5"),
        discount("brand", B, value="20"),
        discount("category", ROOT, value="10"),
        discount("product", P, kind="fixed_amount", value="15.00"),
    ]
    assert discounted(try_("100.00"), try_("100.00"), TARGET, every) == try_("80.00")  # the brand's 20 %
    assert discounted(try_("200.00"), try_("200.00"), TARGET, every[2:]) == try_("180.00")  # 10 % > 15.00 here
    others = [discount("variant", uuid.uuid4()), discount("brand", uuid.uuid4()), discount("category", uuid.uuid4()),
              discount("product", uuid.uuid4())]  # fmt: skip
    assert discounted(try_("100.00"), try_("100.00"), TARGET, others) == try_("100.00")


def test_the_catalogs_own_bigger_discount_wins_and_other_currencies_do_nothing() -> None:
    assert discounted(try_("100.00"), try_("70.00"), TARGET, [discount(value="10")]) == try_("70.00")
    assert discounted(try_("100.00"), try_("95.00"), TARGET, [discount(value="10")]) == try_("90.00")
    usd = Money.of("100.00", "USD")
    assert discounted(usd, usd, TARGET, [discount(value="10")]) == usd
    assert discounted(usd, usd, TARGET, [discount(value="10", currency="USD")]) == Money.of("90.00", "USD")


def test_a_category_reaches_its_descendants_through_the_lineage() -> None:
    root, child, grandchild = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    parents = {root: None, child: root, grandchild: child}
    assert lineage(grandchild, parents) == {root, child, grandchild}
    assert lineage(root, parents) == {root}
    assert lineage(child, {child: grandchild, grandchild: child}) == {child, grandchild}  # a cycle stops


def test_a_card_shows_its_lowest_variant_after_discounts_with_that_variants_list_price() -> None:
    other = Target(uuid.uuid4(), P, B, frozenset({C}))
    only_first = [discount("variant", V, value="20")]
    offers = [(TARGET, try_("100.00"), try_("100.00")), (other, try_("120.00"), try_("95.00"))]
    assert lowest(offers, only_first) == (try_("80.00"), try_("100.00"))
    assert lowest(offers, []) == (try_("95.00"), try_("120.00"))
    assert lowest([(TARGET, try_("100.00"), try_("100.00"))], []) == (try_("100.00"), None)
    assert lowest([], only_first) is None


@pytest.mark.parametrize(("kind", "value"), [("percentage", "0"), ("percentage", "100.01"), ("percentage", "-5"),
                                             ("percentage", "10.555"), ("fixed_amount", "0"),
                                             ("fixed_amount", "1.001"), ("fixed_amount", "abc"),
                                             ("percentage", "NaN")])  # fmt: skip
def test_values_out_of_range_are_refused_on_value(kind: str, value: str) -> None:
    made = discount(kind=kind)
    made.value = value  # type: ignore[assignment]
    with pytest.raises(Invalid) as caught:
        made.check()
    assert caught.value.errors[0].loc == ("body", "value")


def test_an_end_not_after_the_start_is_refused() -> None:
    made = discount()
    made.end_date = made.start_date
    with pytest.raises(Invalid) as caught:
        made.check()
    assert caught.value.errors[0].loc == ("body", "end_date")


# --- use cases, storefront and basket on the memory adapters ---------------------------------------------


async def create(app: App, **fields: Any) -> Discount:
    values: dict[str, Any] = {"name": "Yaz", "target_type": "product", "discount_type": "percentage",
                              "value": Decimal(10), **fields}  # fmt: skip
    return await app.use(CreateDiscount)(NewDiscount(actor=STAFF, **values))


async def test_staff_create_change_list_and_delete_with_audit_and_catalog_events(app: App) -> None:
    shop = Shop(app)
    product = await shop.listed("Kazak", "200.00")
    made = await create(app, target_id=product.id, end_date=NOW + timedelta(days=3))
    assert (made.value, made.currency, made.is_active) == (Decimal("10.00"), "TRY", True)
    changed = await app.use(ChangeDiscount)(Revision(STAFF, made.id, {"value": Decimal(25), "name": "Kış"}))
    assert (changed.value, changed.name) == (Decimal("25.00"), "Kış")
    page = await app.use(ListDiscounts)(PageRequest(), target_type="product", target_id=product.id)
    assert [d.id for d in page.items] == [made.id]
    await app.use(DeleteDiscount)(STAFF, made.id)
    assert (await app.use(ListDiscounts)(PageRequest())).items == []
    assert [e.action for e in await app.audit(target_type="discount")] == \
        ["discount.delete", "discount.update", "discount.create"]  # fmt: skip
    assert [c for c in shop.changes() if c[0] == "discount"] == [
        ("discount", str(made.id), "created"), ("discount", str(made.id), "updated"),
        ("discount", str(made.id), "deleted")]  # fmt: skip


async def test_an_unknown_target_a_bad_value_or_period_is_a_422_on_its_field(app: App) -> None:
    shop = Shop(app)
    product = await shop.listed()
    for fields, loc in [({"target_id": uuid.uuid4()}, "target_id"),
                        ({"target_id": product.id, "target_type": "brand"}, "target_id"),
                        ({"target_id": product.id, "value": Decimal(101)}, "value"),
                        ({"target_id": product.id, "end_date": NOW - timedelta(days=1), "start_date": NOW}, "end_date"),
                        ({"target_id": product.id, "currency": "XYZ"}, "currency"),
                        ({"target_id": product.id, "target_type": "shop"}, "target_type")]:  # fmt: skip
        with pytest.raises(Invalid) as caught:
            await create(app, **fields)
        assert caught.value.errors[0].loc == ("body", loc), fields
    made = await create(app, target_id=product.id)
    with pytest.raises(Invalid) as caught:
        await app.use(ChangeDiscount)(Revision(STAFF, made.id, {"target_type": "category"}))
    assert caught.value.errors[0].loc == ("body", "target_id")
    with pytest.raises(Invalid) as caught:  # 25 % is fine; as an amount it keeps its value; as 250 % it is not
        await app.use(ChangeDiscount)(Revision(STAFF, made.id, {"value": Decimal(250)}))
    assert caught.value.errors[0].loc == ("body", "value")
    assert (await app.use(ChangeDiscount)(Revision(STAFF, made.id, {"discount_type": "fixed_amount"}))).value \
        == Decimal("10.00")  # fmt: skip


async def test_the_storefront_shows_live_discounts_with_the_list_price_as_compare_at(app: App) -> None:
    shop = Shop(app)
    top = await shop.category("Giyim")
    under = await shop.category("Kazak", parent_id=top.id)
    brand = await shop.brand("Koton")
    sweater = await shop.listed("Kazak", "200.00", category=under, brand=brand)
    other = await shop.listed("Çorap", "50.00")
    before = await shop.browse()  # cached now: the discount's change must replace it
    assert {i["name"]: i["compare_at_price"] for i in before["items"]} == {"Kazak": None, "Çorap": None}

    made = await create(app, target_type="category", target_id=top.id, value=Decimal(25))
    cards = {i["name"]: i for i in (await shop.browse())["items"]}
    assert cards["Kazak"]["price"] == {"amount": "150.00", "currency": "TRY"}
    assert cards["Kazak"]["compare_at_price"] == {"amount": "200.00", "currency": "TRY"}
    assert (cards["Çorap"]["price"]["amount"], cards["Çorap"]["compare_at_price"]) == ("50.00", None)
    page = await shop.show(sweater.id)
    assert page["variants"][0]["price"]["amount"] == "150.00"
    assert page["variants"][0]["compare_at_price"]["amount"] == "200.00"
    assert page["variants"][0]["prices"] == [{"amount": "150.00", "currency": "TRY"}]

    await create(app, target_type="brand", target_id=brand.id, discount_type="fixed_amount", value=Decimal(60))
    assert (await shop.show(sweater.id))["variants"][0]["price"]["amount"] == "140.00"  # the best wins
    await app.use(ChangeDiscount)(Revision(STAFF, made.id, {"is_active": False}))
    await create(app, target_id=other.id, start_date=NOW + timedelta(hours=1))  # not started
    await create(app, target_id=other.id, start_date=NOW - timedelta(days=2), end_date=NOW - timedelta(days=1))
    cards = {i["name"]: i for i in (await shop.browse())["items"]}
    assert (cards["Kazak"]["price"]["amount"], cards["Çorap"]["price"]["amount"]) == ("140.00", "50.00")


async def test_the_basket_sells_at_the_discounted_price(app: App) -> None:
    shop = Shop(app)
    till = Till(app, shop, Depot(app, shop))
    variant = await till.variant("80.00")
    basket = await till.add(await till.open(), variant, 2)
    assert basket.lines[0].unit_price == try_("80.00")
    await create(app, target_type="variant", target_id=variant.id, value=Decimal("12.5"))
    line = (await till.read(basket)).lines[0]
    assert (line.unit_price, line.total_price) == (try_("70.00"), try_("140.00"))
