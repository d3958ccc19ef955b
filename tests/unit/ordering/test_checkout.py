"""Checkout on memory adapters: one transaction that prices, reserves, converts and announces — or does nothing."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from core.address.use_cases.address_book import AddressFields, CreateAddress, NewAddress
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import ChangeVariant
from core.ordering.model import Order
from core.ordering.use_cases.checkout import Checkout, InlineAddress, Placed, PlaceOrder
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.pagination import PageRequest
from tests.unit.conftest import App
from tests.unit.ordering.conftest import inline_address
from tests.unit.ordering.shop import STAFF, Shop


def address(**fields: Any) -> InlineAddress:
    return InlineAddress(**inline_address(**fields))


async def place(app: App, basket_id: uuid.UUID, token: str | None = None, *, actor: Actor | None = None,
                **fields: Any) -> Placed:  # fmt: skip
    values: dict[str, Any] = {"payment_method": "sandbox", "shipping_address": address()}
    if actor is None:
        values["email"] = "misafir@example.com"
    values.update(fields)
    return await app.use(Checkout)(PlaceOrder(actor=actor, basket_id=basket_id, basket_token=token, **values))


async def customer(app: App, email: str) -> Actor:
    await app.register(email)
    return await app.actor(await app.login(email))


async def order_of(app: App, order_id: uuid.UUID) -> Order:
    async with app.uow() as uow:
        return await uow.orders.get(order_id)


async def test_a_guest_checkout_makes_a_pending_order_reserves_stock_and_converts_the_basket(
    app: App, shop: Shop
) -> None:
    shirt, mug = await shop.variant("199.90"), await shop.variant("50.00", tax_rate=10, name="Kupa")
    await shop.stock(shirt.id, 5)
    await shop.stock(mug.id, 5)
    basket_id, token = await shop.basket((shirt, 2), (mug, 1))

    placed = await place(app, basket_id, token, notes=" Kapıya bırakın. ")

    order = await order_of(app, placed.order.id)
    assert [(line.product_name, line.variant_name, line.sku) for line in order.lines] == [
        ("Pamuklu Tişört", "Kırmızı M", shirt.code), ("Kupa", "Kırmızı M", mug.code)]  # fmt: skip
    assert order.notes == "Kapıya bırakın."
    assert order.status == "pending" and re.fullmatch(r"CRS-\d{4}-\d{6}", order.number)
    assert order.email == "misafir@example.com" and order.user_id is None
    assert [(line.quantity, line.unit_price, line.tax_rate) for line in order.lines] == [
        (2, Decimal("199.90"), Decimal(20)), (1, Decimal("50.00"), Decimal(10))]  # fmt: skip
    assert order.subtotal.amount == Decimal("449.80")
    assert order.total == order.subtotal - order.discount + order.shipping
    assert order.shipping.is_zero or order.shipping_amount > 0
    shipping_tax = order.tax_amount - sum(line.tax_amount for line in order.lines)
    assert Decimal(0) <= shipping_tax <= order.shipping_amount  # the lines' KDV shares, and shipping's own
    assert sum(Decimal(t["amount"]) for t in order.tax_lines) == order.tax_amount
    assert order.shipping_address["township"] == "Kadıköy" and order.shipping_address["phone"] == "+905321234567"
    assert order.billing_address == order.shipping_address
    assert order.estimated_delivery_date is not None
    assert [(h.from_status, h.to_status) for h in order.history] == [(None, "pending")]
    assert await shop.available(shirt.id) == 3 and await shop.available(mug.id) == 4
    async with app.uow() as uow:
        basket = await uow.baskets.get(basket_id)
        assert basket is not None and basket.status == "converted"
    assert placed.access_token and order.can_be_read_by(None, placed.access_token)
    assert not order.can_be_read_by(None, "wrong") and order.access_token_hash != placed.access_token
    placed_events = [e for e in app.container.resolve(MemoryStore).outbox if e.name == "order.placed"]
    assert len(placed_events) == 1
    payload = placed_events[0].payload
    assert payload == {"order_id": str(order.id), "number": order.number, "user_id": None,
                       "email": "misafir@example.com", "language": "tr", "status": "pending",
                       "total": {"amount": str(order.total.amount), "currency": "TRY"}}  # fmt: skip


async def test_a_customer_checks_out_with_saved_addresses_and_the_order_keeps_copies(app: App, shop: Shop) -> None:
    ayse = await customer(app, "ayse@example.com")
    home = await app.use(CreateAddress)(NewAddress(ayse, AddressFields(
        "Ev", "Ayşe Yılmaz", "0532 123 45 67", "TR", inline_address()["city"], "Moda Cad. 1",
        inline_address()["township"])))  # fmt: skip
    shirt = await shop.variant()
    await shop.stock(shirt.id, 1)
    basket_id, _ = await shop.basket((shirt, 1), user_id=ayse.user_id)

    placed = await place(app, basket_id, actor=ayse, shipping_address=None, shipping_address_id=home.id,
                         billing_address=address(recipient_name="Fatura Adı"))  # fmt: skip

    order = placed.order
    assert placed.access_token is None and order.access_token_hash is None
    assert order.user_id == ayse.user_id and order.email == "ayse@example.com"
    assert order.shipping_address["line"] == "Moda Cad. 1"
    assert order.billing_address["recipient_name"] == "Fatura Adı"
    assert order.can_be_read_by(ayse.user_id, None) and not order.can_be_read_by(uuid.uuid4(), None)


async def test_another_customers_address_or_basket_is_refused(app: App, shop: Shop) -> None:
    ayse, can = await customer(app, "ayse@example.com"), await customer(app, "can@example.com")
    home = await app.use(CreateAddress)(NewAddress(ayse, AddressFields(
        "Ev", "Ayşe", "0532 123 45 67", "TR", inline_address()["city"], "Moda",
        inline_address()["township"])))  # fmt: skip
    shirt = await shop.variant()
    await shop.stock(shirt.id, 5)
    cans_basket, _ = await shop.basket((shirt, 1), user_id=can.user_id)
    with pytest.raises(Invalid) as caught:
        await place(app, cans_basket, actor=can, shipping_address=None, shipping_address_id=home.id)
    assert caught.value.errors[0].loc == ("body", "shipping_address_id")
    with pytest.raises(NotFound):
        await place(app, cans_basket, actor=ayse)
    with pytest.raises(NotFound):
        await place(app, cans_basket)  # a guest, without a token
    guest_basket, _token = await shop.basket((shirt, 1))
    with pytest.raises(NotFound):
        await place(app, guest_basket, "not-the-token")
    assert await shop.available(shirt.id) == 5


async def test_a_short_line_reserves_nothing_and_names_the_variant(app: App, shop: Shop) -> None:
    plenty, scarce = await shop.variant(), await shop.variant()
    await shop.stock(plenty.id, 10)
    await shop.stock(scarce.id, 1)
    basket_id, token = await shop.basket((plenty, 3), (scarce, 2))
    with pytest.raises(Conflict) as caught:
        await place(app, basket_id, token)
    assert caught.value.code == "insufficient_stock" and str(scarce.id) in caught.value.detail
    assert await shop.available(plenty.id) == 10 and await shop.available(scarce.id) == 1
    async with app.uow() as uow:
        basket = await uow.baskets.get(basket_id)
        assert basket is not None and basket.status == "active"
        assert (await uow.orders.list(PageRequest())).items == []


async def test_empty_basket_unavailable_items_and_payment_methods_are_409(app: App, shop: Shop) -> None:
    empty, token = await shop.basket()
    with pytest.raises(Conflict) as caught:
        await place(app, empty, token)
    assert caught.value.code == "basket_empty"

    shirt = await shop.variant("100.00")
    await shop.stock(shirt.id, 5)
    basket_id, token = await shop.basket((shirt, 1))
    await shop.payment_method("closed", active=False)
    await shop.payment_method("big_only", min_amount="1000")
    for method, code in (("closed", "payment_method_unavailable"), ("nope", "payment_method_unavailable"),
                         ("big_only", "payment_amount_out_of_range")):  # fmt: skip
        with pytest.raises(Conflict) as caught:
            await place(app, basket_id, token, payment_method=method)
        assert caught.value.code == code

    await app.use(ChangeVariant)(Revision(STAFF, shirt.id, {"is_active": False}))
    with pytest.raises(Conflict) as caught:
        await place(app, basket_id, token)
    assert caught.value.code == "item_unavailable" and str(shirt.id) in caught.value.detail
    assert await shop.available(shirt.id) == 5


async def test_a_converted_basket_cannot_check_out_again(app: App, shop: Shop) -> None:
    shirt = await shop.variant()
    await shop.stock(shirt.id, 5)
    basket_id, token = await shop.basket((shirt, 1))
    await place(app, basket_id, token)
    with pytest.raises(Conflict) as caught:
        await place(app, basket_id, token)
    assert caught.value.code == "basket_not_active"
    assert await shop.available(shirt.id) == 4


@pytest.mark.parametrize(("fields", "loc"), [
    ({"shipping_address": None}, ("body", "shipping_address")),
    ({"shipping_address": address(township="Yok Böyle Bir Yer")}, ("body", "shipping_address", "township")),
    ({"shipping_address": address(phone="12")}, ("body", "shipping_address", "phone")),
    ({"shipping_address": address(recipient_name=" ")}, ("body", "shipping_address", "recipient_name")),
    ({"shipping_address": None, "shipping_address_id": uuid.uuid4()}, ("body", "shipping_address_id")),
    ({"email": None}, ("body", "email")),
    ({"email": "not-an-email"}, ("body", "email")),
])  # fmt: skip
async def test_bad_checkout_fields_are_422_naming_the_field(app: App, shop: Shop, fields: dict[str, Any],
                                                           loc: tuple[str, ...]) -> None:  # fmt: skip
    shirt = await shop.variant()
    await shop.stock(shirt.id, 5)
    basket_id, token = await shop.basket((shirt, 1))
    with pytest.raises(Invalid) as caught:
        await place(app, basket_id, token, **fields)
    assert caught.value.errors[0].loc == loc, caught.value.errors
    assert await shop.available(shirt.id) == 5


async def test_order_numbers_are_unique_and_follow_each_other(app: App, shop: Shop) -> None:
    shirt = await shop.variant()
    await shop.stock(shirt.id, 10)
    numbers = []
    for _ in range(3):
        basket_id, token = await shop.basket((shirt, 1))
        numbers.append((await place(app, basket_id, token)).order.number)
    sequence = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert len(set(numbers)) == 3 and sequence == sorted(sequence)
