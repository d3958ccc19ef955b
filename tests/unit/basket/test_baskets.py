"""Opening baskets, who may reach them, and the rules on their lines: limits, stock, what is for sale."""

from __future__ import annotations

import uuid

import pytest

from core.basket.model import Basket
from core.basket.use_cases.baskets import Access, ReadBasket
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import ChangeVariant
from core.shared.errors import Conflict, Invalid, NotFound
from tests.unit.basket.conftest import Till
from tests.unit.catalog.conftest import STAFF
from tests.unit.conftest import App


async def test_a_guest_basket_is_reached_only_with_its_token(app: App, till: Till) -> None:
    basket = await till.open()
    assert basket.token and basket.basket.user_id is None and basket.basket.status == "active"
    assert basket.basket.currency == "TRY"
    stored = await till.stored(basket.basket.id)
    assert stored.token_hash and basket.token not in stored.token_hash  # only a hash is kept
    read = app.use(ReadBasket)
    assert (await read(Access(None, basket.basket.id, basket.token))).basket.id == basket.basket.id
    for token in (None, "", "wrong", basket.token + "x"):
        with pytest.raises(NotFound):
            await read(Access(None, basket.basket.id, token))
    with pytest.raises(NotFound):
        await read(Access(None, uuid.uuid4(), basket.token))


async def test_a_user_basket_is_reached_only_by_its_owner(app: App, till: Till) -> None:
    ayse, mehmet = await till.customer("ayse@example.com"), await till.customer("mehmet@example.com")
    basket = await till.open(ayse)
    assert basket.token is None and basket.basket.user_id == ayse.user_id
    assert (await till.read(basket, ayse)).basket.id == basket.basket.id
    for actor in (mehmet, None):
        with pytest.raises(NotFound):
            await till.read(basket, actor)
    with pytest.raises(NotFound):
        await till.add(basket, await till.variant(), actor=mehmet)


async def test_a_user_has_one_active_basket(app: App, till: Till) -> None:
    await app.set("basket.currencies", "TRY,EUR")
    ayse = await till.customer("ayse@example.com")
    first = await till.open(ayse)
    assert (await till.open(ayse)).basket.id == first.basket.id
    with pytest.raises(Conflict) as e:
        await till.open(ayse, "EUR")
    assert e.value.code == "basket_exists"


async def test_currencies_are_the_shops(app: App, till: Till) -> None:
    with pytest.raises(Invalid) as e:
        await till.open(currency="EUR")
    assert e.value.code == "unsupported_currency"
    with pytest.raises(Invalid):
        await till.open(currency="XYZ")
    await app.set("basket.currencies", "TRY,EUR")
    assert (await till.open(currency="EUR")).basket.currency == "EUR"


async def test_the_same_variant_adds_to_its_line(till: Till) -> None:
    variant = await till.variant()
    basket = await till.add(await till.add(await till.open(), variant, 2), variant, 3)
    assert [(ln.variant_id, ln.quantity) for ln in basket.lines] == [(variant.id, 5)]


async def test_quantities_below_one_are_invalid(till: Till) -> None:
    variant = await till.variant()
    basket = await till.add(await till.open(), variant)
    for quantity in (0, -1):
        with pytest.raises(Invalid) as e:
            await till.add(basket, variant, quantity)
        assert e.value.errors[0].loc == ("body", "quantity")
        with pytest.raises(Invalid):
            await till.change(basket, basket.lines[0].line_id, quantity)


async def test_limits_on_lines_and_quantity(app: App, till: Till) -> None:
    await app.set("basket.max_lines", 2)
    await app.set("basket.max_quantity", 5)
    a, b, c = await till.variant(), await till.variant(), await till.variant()
    basket = await till.add(await till.add(await till.open(), a, 5), b)
    with pytest.raises(Conflict) as e:
        await till.add(basket, c)
    assert e.value.code == "basket_line_limit"
    with pytest.raises(Conflict) as e:
        await till.add(basket, a)
    assert e.value.code == "quantity_limit"
    with pytest.raises(Conflict) as e:
        await till.change(basket, basket.lines[1].line_id, 6)
    assert e.value.code == "quantity_limit"
    with pytest.raises(Conflict):
        await till.add(basket, b, 10**30)  # absurd numbers are a limit, not a crash
    assert [ln.quantity for ln in (await till.read(basket)).lines] == [5, 1]


async def test_more_than_available_is_insufficient_stock(till: Till) -> None:
    variant, none = await till.variant(stock=3), await till.variant(stock=0)
    basket = await till.open()
    with pytest.raises(Conflict) as e:
        await till.add(basket, variant, 4)
    assert e.value.code == "insufficient_stock"
    basket = await till.add(basket, variant, 3)
    with pytest.raises(Conflict) as e:
        await till.add(basket, variant, 1)
    assert e.value.code == "insufficient_stock"
    with pytest.raises(Conflict):
        await till.change(basket, basket.lines[0].line_id, 4)
    assert (await till.change(basket, basket.lines[0].line_id, 2)).lines[0].quantity == 2  # fewer always pass
    with pytest.raises(Conflict) as e:
        await till.add(basket, none)
    assert e.value.code == "insufficient_stock"


async def test_what_is_not_for_sale_is_refused_naming_the_variant(app: App, till: Till) -> None:
    basket = await till.open()
    with pytest.raises(Invalid) as e:
        await till.add(basket, uuid.uuid4())
    assert e.value.errors[0].loc == ("body", "variant_id")
    hidden = await till.variant()
    await app.use(ChangeVariant)(Revision(STAFF, hidden.id, {"is_active": False}))
    with pytest.raises(Invalid) as e:
        await till.add(basket, hidden)
    assert e.value.errors[0].loc == ("body", "variant_id")
    await app.set("basket.currencies", "TRY,EUR")
    euros = await till.open(currency="EUR")
    with pytest.raises(Invalid) as e:
        await till.add(euros, await till.variant())  # priced in TRY only
    assert e.value.code == "no_price"
    assert e.value.errors[0].loc == ("body", "variant_id")


async def test_lines_are_changed_and_removed(till: Till) -> None:
    a, b = await till.variant("10.00"), await till.variant("20.00")
    basket = await till.add(await till.add(await till.open(), a), b)
    basket = await till.change(basket, basket.lines[0].line_id, 4)
    assert [ln.quantity for ln in basket.lines] == [4, 1]
    basket = await till.remove(basket, basket.lines[0].line_id)
    assert [ln.variant_id for ln in basket.lines] == [b.id]
    with pytest.raises(NotFound):
        await till.remove(basket, uuid.uuid4())


async def test_a_converted_basket_takes_no_more_changes(app: App, till: Till) -> None:
    variant = await till.variant()
    basket = await till.add(await till.open(), variant)
    order_id = uuid.uuid4()
    async with app.uow() as uow:
        found = await uow.baskets.get(basket.basket.id)
        assert found is not None
        found.convert(order_id)
        await uow.commit()
    stored = await till.stored(basket.basket.id)
    assert (stored.status, stored.order_id) == ("converted", order_id)
    assert (await till.read(basket)).basket.status == "converted"  # still readable
    for attempt in (till.add(basket, variant), till.change(basket, basket.lines[0].line_id, 2),
                    till.remove(basket, basket.lines[0].line_id)):  # fmt: skip
        with pytest.raises(Conflict) as e:
            await attempt
        assert e.value.code == "basket_not_active"
    with pytest.raises(Conflict):
        stored.convert(uuid.uuid4())


def test_check_access_compares_the_token_hash() -> None:
    from core.accounts.secrets import new_token

    token, digest = new_token()
    guest = Basket(currency="TRY", token_hash=digest)
    assert guest.check_access(None, token) and guest.check_access(uuid.uuid4(), token)
    assert not guest.check_access(None, None) and not guest.check_access(None, token[:-1])
    owner = uuid.uuid4()
    mine = Basket(currency="TRY", user_id=owner)
    assert mine.check_access(owner, None) and not mine.check_access(uuid.uuid4(), token)
    assert not mine.check_access(None, token)
