"""Inventory fixtures: a `Depot` that creates warehouses and moves stock through the staff use cases, on top
of the catalog's `Shop` for variants."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from core.catalog.model import Variant
from core.inventory.model import Stock, StockMovement, Warehouse
from core.inventory.use_cases.stock import NewMovement, RecordMovement, StockOfVariant
from core.inventory.use_cases.warehouses import CreateWarehouse, NewWarehouse
from core.shared.actor import Actor
from tests.unit.catalog.conftest import Shop
from tests.unit.conftest import App

KEEPER = Actor(uuid.uuid4(), frozenset({"inventory.manage"}))


class Depot:
    def __init__(self, app: App, shop: Shop) -> None:
        self.app, self.shop = app, shop
        self._n = itertools.count(1)

    async def warehouse(self, priority: int = 0, **fields: Any) -> Warehouse:
        fields.setdefault("name", f"Depo {next(self._n)}")
        fields.setdefault("code", f"WH{next(self._n)}")
        return await self.app.use(CreateWarehouse)(NewWarehouse(actor=KEEPER, priority=priority, **fields))

    async def variant(self) -> Variant:
        product = await self.shop.product()
        return await self.shop.variant(product)

    async def move(self, kind: str, variant: Variant, quantity: int, **places: Any) -> list[StockMovement]:
        return await self.app.use(RecordMovement)(NewMovement(KEEPER, kind, variant.id, quantity, **places))

    async def put(self, variant: Variant, warehouse: Warehouse, quantity: int) -> None:
        await self.move("in", variant, quantity, warehouse_id=warehouse.id)

    async def stock(self, variant: Variant) -> dict[uuid.UUID, Stock]:
        return {r.warehouse_id: r for r in await self.app.use(StockOfVariant)(variant.id)}

    def events(self, name: str) -> list[dict[str, Any]]:
        return [e.payload for e in self.shop.store.outbox if e.name == name]


@pytest.fixture
def shop(app: App) -> Shop:
    return Shop(app)


@pytest.fixture
def depot(app: App, shop: Shop) -> Depot:
    return Depot(app, shop)
