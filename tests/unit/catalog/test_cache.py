"""Public catalog reads are cached under a generation; every staff change replaces it after its commit, and so
does the catalog.changed event's handler (for a process that died between commit and bump)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.memory.services import FixedClock, MemoryMailer, MemorySms
from bootstrap import Settings, bootstrap, shutdown
from core.catalog.events import CatalogChanged
from core.catalog.handlers import InvalidateCatalogCache
from core.catalog.model import Category, OptionKey
from core.catalog.use_cases.common import CatalogCache, Revision
from core.catalog.use_cases.products import (
    ChangeProduct,
    ChangeVariant,
    DeleteProduct,
    DeleteVariant,
    GenerateVariants,
    NewPrice,
    SetVariantPrice,
    VariantMatrix,
)
from core.catalog.use_cases.taxonomy import (
    ChangeBrand,
    ChangeCategory,
    ChangeOptionKey,
    DeleteBrand,
    DeleteCategory,
    DeleteOptionKey,
    OptionKeyRevision,
    ValueIn,
)
from core.platform.outbox import RelayOutbox
from core.shared.events import StoredEvent
from ports.services import Clock, Mailer, OutboxRelayTrigger, SmsSender
from tests.unit.catalog.conftest import STAFF, Shop, try_, value_id
from tests.unit.conftest import App


class _HeldTrigger:
    """Committed events wait in the outbox until the test relays them: only the use cases' own bumps run."""

    def poke(self) -> None:
        pass


@pytest.fixture
async def quiet(settings: Settings, clock: FixedClock, mailer: MemoryMailer, sms: MemorySms) -> AsyncIterator[Shop]:
    c = bootstrap(settings, overrides={Clock: clock, Mailer: mailer, SmsSender: sms,
                                       OutboxRelayTrigger: _HeldTrigger()})  # fmt: skip
    yield Shop(App(c, clock, mailer, sms))
    await shutdown(c)


def _poison(shop: Shop, table: str, row_id: uuid.UUID, **fields: Any) -> None:
    """Change committed rows behind the use cases' back: no event, no bump."""
    shop.store.tables[table][row_id].update(fields)


async def test_reads_are_served_from_the_cache_until_a_staff_change(quiet: Shop) -> None:
    shop = quiet
    category = await shop.category("Eski ad")
    product = await shop.listed("Eski ürün", category=category)
    assert [n["name"] for n in await shop.tree()] == ["Eski ad"]
    assert await shop.names() == ["Eski ürün"]
    assert (await shop.show(product.slug))["name"] == "Eski ürün"
    _poison(shop, "categories", category.id, name="Yeni ad")
    _poison(shop, "products", product.id, name="Yeni ürün")
    assert [n["name"] for n in await shop.tree()] == ["Eski ad"]  # stale: served from cache
    assert await shop.names() == ["Eski ürün"]
    assert (await shop.show(product.slug))["name"] == "Eski ürün"
    assert (await shop.show(product.id))["name"] == "Yeni ürün"  # another key, not cached yet
    await shop.brand("İlgisiz")  # any staff change
    assert [n["name"] for n in await shop.tree()] == ["Yeni ad"]
    assert await shop.names() == ["Yeni ürün"]
    assert (await shop.show(product.slug))["name"] == "Yeni ürün"


async def test_different_queries_are_cached_apart(quiet: Shop) -> None:
    shop = quiet
    await shop.listed("Ucuz", "10.00")
    await shop.listed("Pahalı", "100.00")
    assert await shop.names(max_price="50") == ["Ucuz"]
    assert await shop.names(min_price="50") == ["Pahalı"]
    assert await shop.names(min_price="50", currency="USD") == []


@pytest.fixture
async def world(quiet: Shop) -> dict[str, Any]:
    """One of everything, plus a sentinel category whose cached name tells whether the tree was re-read."""
    shop = quiet
    colour = await shop.option_key("Renk", ["Kırmızı", "Mavi"])
    spare = await shop.option_key("Desen", ["Düz"])
    product = await shop.product("Tişört", "TS")
    variant = await shop.variant(product, "TS-1", [value_id(colour, "Kırmızı")])
    empty_brand, empty_category = await shop.brand("Boş", "EMPTY"), await shop.category("Boş", "EMPTY")
    sentinel = await shop.category("Önce", "SENTINEL")
    return {"colour": colour, "spare": spare, "product": product, "variant": variant, "brand": empty_brand,
            "category": empty_category, "sentinel": sentinel}  # fmt: skip


Step = Callable[[Shop, dict[str, Any]], Awaitable[Any]]


def _key(w: dict[str, Any], name: str) -> OptionKey:
    return w[name]  # type: ignore[no-any-return]


STAFF_CHANGES: dict[str, Step] = {
    "create category": lambda s, w: s.category("Yeni"),
    "change category": lambda s, w: s.app.use(ChangeCategory)(Revision(STAFF, w["category"].id, {"sorting": 4})),
    "delete category": lambda s, w: s.app.use(DeleteCategory)(STAFF, w["category"].id),
    "create brand": lambda s, w: s.brand("Yeni"),
    "change brand": lambda s, w: s.app.use(ChangeBrand)(Revision(STAFF, w["brand"].id, {"name": "Dolu"})),
    "delete brand": lambda s, w: s.app.use(DeleteBrand)(STAFF, w["brand"].id),
    "create option key": lambda s, w: s.option_key("Beden", ["S"]),
    "change option key": lambda s, w: s.app.use(ChangeOptionKey)(
        OptionKeyRevision(STAFF, w["colour"].id, {}, values=[ValueIn("Yeşil", 3)])
    ),
    "delete option key": lambda s, w: s.app.use(DeleteOptionKey)(STAFF, w["spare"].id),
    "create product": lambda s, w: s.product("Yeni"),
    "change product": lambda s, w: s.app.use(ChangeProduct)(Revision(STAFF, w["product"].id, {"name": "Yeni"})),
    "delete product": lambda s, w: s.app.use(DeleteProduct)(STAFF, w["product"].id),
    "create variant": lambda s, w: s.variant(w["product"], "TS-2", [value_id(_key(w, "colour"), "Mavi")]),
    "generate variants": lambda s, w: s.app.use(GenerateVariants)(
        VariantMatrix(STAFF, w["product"].id, [v.id for v in w["colour"].values], try_("5.00"))
    ),
    "change variant": lambda s, w: s.app.use(ChangeVariant)(Revision(STAFF, w["variant"].id, {"name": "X"})),
    "set price": lambda s, w: s.app.use(SetVariantPrice)(NewPrice(STAFF, w["variant"].id, try_("7.00"))),
    "delete variant": lambda s, w: s.app.use(DeleteVariant)(STAFF, w["variant"].id),
}


@pytest.mark.parametrize("change", list(STAFF_CHANGES), ids=list(STAFF_CHANGES))
async def test_every_staff_change_makes_the_next_read_fresh(quiet: Shop, world: dict[str, Any], change: str) -> None:
    shop = quiet
    sentinel: Category = world["sentinel"]
    assert "Önce" in [n["name"] for n in await shop.tree()]
    _poison(shop, "categories", sentinel.id, name="Sonra")
    assert "Önce" in [n["name"] for n in await shop.tree()]
    await STAFF_CHANGES[change](shop, world)
    names = [n["name"] for n in await shop.tree()]
    assert "Sonra" in names and "Önce" not in names


async def test_the_catalog_changed_handler_bumps_the_cache(app: App) -> None:
    """Through the real outbox: an event committed without the use case's own bump still refreshes reads."""
    shop = Shop(app)
    category = await shop.category("Önce")
    await app.drain()  # the create's own events are handled; nothing is pending
    assert [n["name"] for n in await shop.tree()] == ["Önce"]
    _poison(shop, "categories", category.id, name="Sonra")
    assert [n["name"] for n in await shop.tree()] == ["Önce"]
    async with app.uow() as uow:
        uow.emit(CatalogChanged(entity="category", entity_id=category.id, action="updated"))
        await uow.commit()
    await app.drain()
    assert [n["name"] for n in await shop.tree()] == ["Sonra"]


async def test_relayed_staff_events_reach_the_handler(quiet: Shop) -> None:
    shop = quiet
    category = await shop.category("Önce")
    assert [n["name"] for n in await shop.tree()] == ["Önce"]
    _poison(shop, "categories", category.id, name="Sonra")
    assert await shop.app.use(RelayOutbox)() == 1  # the category's catalog.changed
    await shop.app.drain()
    assert [n["name"] for n in await shop.tree()] == ["Sonra"]


async def test_the_handler_replaces_the_generation(app: App) -> None:
    cache = app.use(CatalogCache)
    before = await cache.generation()
    assert await cache.generation() == before
    event = StoredEvent(uuid.uuid4(), CatalogChanged.name, {"entity": "brand", "entity_id": str(uuid.uuid4()),
                                                            "action": "created"}, datetime.now(UTC))  # fmt: skip
    await app.use(InvalidateCatalogCache)(event)
    assert await cache.generation() != before


async def test_a_miss_is_not_cached_but_a_value_is(app: App) -> None:
    cache = app.use(CatalogCache)
    calls: list[str] = []

    async def produce() -> Any:
        calls.append("x")
        return None if len(calls) == 1 else {"n": len(calls)}

    assert await cache.read("k", produce) is None
    assert await cache.read("k", produce) == {"n": 2}
    assert await cache.read("k", produce) == {"n": 2}
    assert len(calls) == 2
