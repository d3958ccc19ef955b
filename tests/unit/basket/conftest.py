"""Basket fixtures: a `Till` that stocks variants (catalog `Shop` + inventory `Depot`) and drives the basket use
cases the routes call, as a guest or as a user."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from core.basket.model import Basket
from core.basket.use_cases.baskets import (
    Access,
    AddItem,
    AddToBasket,
    ChangeBasketItem,
    ChangeItem,
    Open,
    OpenBasket,
    ReadBasket,
    RemoveBasketItem,
    RemoveItem,
)
from core.basket.views import BasketView
from core.catalog.model import Variant
from core.catalog.use_cases.products import NewPrice, SetVariantPrice
from core.inventory.model import Warehouse
from core.shared.actor import Actor
from core.shared.money import Money
from tests.unit.catalog.conftest import STAFF, Shop
from tests.unit.conftest import App
from tests.unit.inventory.conftest import Depot


class Till:
    def __init__(self, app: App, shop: Shop, depot: Depot) -> None:
        self.app, self.shop, self.depot = app, shop, depot
        self._warehouse: Warehouse | None = None
        self.tokens: dict[uuid.UUID, str | None] = {}  # each guest basket's token, as a client keeps it

    async def variant(self, price: str = "100.00", *, stock: int = 100, tax_rate: str = "20", **fields: Any) -> Variant:
        """An option-less variant at `price` TRY with `stock` units on hand."""
        product = await self.shop.product(tax_rate=Decimal(tax_rate), **fields)
        variant = await self.shop.variant(product, price=price)
        if stock:
            self._warehouse = self._warehouse or await self.depot.warehouse()
            await self.depot.put(variant, self._warehouse, stock)
        return variant

    async def reprice(self, variant: Variant, price: str, currency: str = "TRY") -> None:
        await self.app.use(SetVariantPrice)(NewPrice(STAFF, variant.id, Money.of(price, currency)))

    async def open(self, actor: Actor | None = None, currency: str | None = None) -> BasketView:
        view = await self.app.use(OpenBasket)(Open(actor, currency))
        self.tokens[view.basket.id] = view.token
        return view

    def access(self, view: BasketView, actor: Actor | None) -> Access:
        return Access(actor, view.basket.id, self.tokens.get(view.basket.id))

    async def read(self, view: BasketView, actor: Actor | None = None) -> BasketView:
        return await self.app.use(ReadBasket)(self.access(view, actor))

    async def add(self, view: BasketView, variant: Variant | uuid.UUID, quantity: int = 1,
                  actor: Actor | None = None) -> BasketView:  # fmt: skip
        variant_id = variant if isinstance(variant, uuid.UUID) else variant.id
        return await self.app.use(AddToBasket)(AddItem(self.access(view, actor), variant_id, quantity))

    async def change(
        self, view: BasketView, item_id: uuid.UUID, quantity: int, actor: Actor | None = None
    ) -> BasketView:
        cmd = ChangeItem(self.access(view, actor), item_id, quantity)
        return await self.app.use(ChangeBasketItem)(cmd)

    async def remove(self, view: BasketView, item_id: uuid.UUID, actor: Actor | None = None) -> BasketView:
        return await self.app.use(RemoveBasketItem)(RemoveItem(self.access(view, actor), item_id))

    async def stored(self, basket_id: uuid.UUID) -> Basket:
        async with self.app.uow() as uow:
            found = await uow.baskets.get(basket_id)
            assert found is not None
            return found

    async def customer(self, email: str) -> Actor:
        await self.app.register(email)
        return await self.app.actor(await self.app.login(email))


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "TRY"}


@pytest.fixture
def shop(app: App) -> Shop:
    return Shop(app)


@pytest.fixture
def depot(app: App, shop: Shop) -> Depot:
    return Depot(app, shop)


@pytest.fixture
def till(app: App, shop: Shop, depot: Depot) -> Till:
    return Till(app, shop, depot)
