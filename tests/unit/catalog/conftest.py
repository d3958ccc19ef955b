"""Catalog fixtures: a `Shop` that creates categories, brands, option keys, products and variants through the
staff use cases (defaults filled in), and reads the storefront the way the public routes do."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from core.catalog.model import Brand, Category, OptionKey, Product, Variant
from core.catalog.use_cases.products import CreateProduct, CreateVariant, NewProduct, NewVariant
from core.catalog.use_cases.storefront import BrowseProducts, BrowseQuery, CategoryTree, ShowProduct
from core.catalog.use_cases.taxonomy import (
    CreateBrand,
    CreateCategory,
    CreateOptionKey,
    NewBrand,
    NewCategory,
    NewOptionKey,
    ValueIn,
)
from core.shared.actor import Actor
from core.shared.events import StoredEvent
from core.shared.money import Money
from tests.unit.conftest import App

STAFF = Actor(uuid.uuid4(), frozenset({"catalog.manage"}))


def try_(amount: str) -> Money:
    return Money.of(amount, "TRY")


class Shop:
    """Catalog steps most tests repeat; everything goes through the use cases the API calls."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._n = itertools.count(1)
        self._brand: Brand | None = None
        self._category: Category | None = None

    @property
    def store(self) -> MemoryStore:
        return self.app.container.resolve(MemoryStore)  # type: ignore[no-any-return]

    def _code(self, prefix: str) -> str:
        return f"{prefix}{next(self._n)}"

    async def category(self, name: str = "Giyim", code: str | None = None, **fields: Any) -> Category:
        return await self.app.use(CreateCategory)(
            NewCategory(actor=STAFF, name=name, code=code if code is not None else self._code("CAT"), **fields)
        )

    async def brand(self, name: str = "Marka", code: str | None = None, **fields: Any) -> Brand:
        return await self.app.use(CreateBrand)(
            NewBrand(actor=STAFF, name=name, code=code if code is not None else self._code("BR"), **fields)
        )

    async def option_key(self, key: str, values: list[str], *, is_variant_creator: bool = True) -> OptionKey:
        """A key whose values sort in the order given."""
        items = [ValueIn(value=v, sorting=i) for i, v in enumerate(values)]
        return await self.app.use(CreateOptionKey)(
            NewOptionKey(actor=STAFF, key=key, is_variant_creator=is_variant_creator, values=items)
        )

    async def product(
        self,
        name: str = "Basic Tişört",
        code: str | None = None,
        *,
        brand: Brand | None = None,
        category: Category | None = None,
        **fields: Any,
    ) -> Product:
        if brand is None:
            self._brand = self._brand or await self.brand("Varsayılan", "DEFAULT-BRAND")
            brand = self._brand
        if category is None:
            self._category = self._category or await self.category("Varsayılan", "DEFAULT-CAT")
            category = self._category
        return await self.app.use(CreateProduct)(
            NewProduct(
                actor=STAFF,
                name=name,
                code=code if code is not None else self._code("P"),
                brand_id=brand.id,
                category_id=category.id,
                **fields,
            )
        )

    async def variant(
        self,
        product: Product,
        code: str | None = None,
        values: list[uuid.UUID] | None = None,
        price: str | Money = "100.00",
        **fields: Any,
    ) -> Variant:
        money = price if isinstance(price, Money) else try_(price)
        return await self.app.use(CreateVariant)(
            NewVariant(
                actor=STAFF,
                product_id=product.id,
                code=code if code is not None else self._code("V"),
                option_value_ids=values or [],
                price=money,
                **fields,
            )
        )

    async def listed(self, name: str = "Ürün", price: str = "100.00", **fields: Any) -> Product:
        """A product with one option-less variant at `price` TRY: visible in the storefront."""
        product = await self.product(name, **fields)
        await self.variant(product, price=price)
        return product

    async def tree(self) -> list[dict[str, Any]]:
        return (await self.app.use(CategoryTree)())["items"]  # type: ignore[no-any-return]

    async def browse(self, **query: Any) -> dict[str, Any]:
        return await self.app.use(BrowseProducts)(BrowseQuery(**query))

    async def names(self, **query: Any) -> list[str]:
        return [item["name"] for item in (await self.browse(**query))["items"]]

    async def show(self, ref: str | uuid.UUID) -> dict[str, Any]:
        return await self.app.use(ShowProduct)(str(ref))

    def events(self) -> list[StoredEvent]:
        return [e for e in self.store.outbox if e.name == "catalog.changed"]

    def changes(self) -> list[tuple[str, str, str]]:
        """The catalog.changed events so far as (entity, entity_id, action)."""
        return [(e.payload["entity"], e.payload["entity_id"], e.payload["action"]) for e in self.events()]


def value_id(key: OptionKey, value: str) -> uuid.UUID:
    return next(v.id for v in key.values if v.value == value)


@pytest.fixture
def shop(app: App) -> Shop:
    return Shop(app)
