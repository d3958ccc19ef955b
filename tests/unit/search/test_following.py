"""The index follows the catalog through `catalog.changed` events; until it has, a changed product is still found
by its folded name, code or barcode (never by a stale document)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.memory.services import FixedClock, MemoryMailer, MemorySms
from bootstrap import Settings, bootstrap
from core.catalog.handlers import InvalidateCatalogCache
from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import ChangeProduct
from core.search.handlers import FollowCatalog
from ports.services import OutboxRelayTrigger
from tests.conftest import FAST_HASH
from tests.unit.catalog.conftest import STAFF, Shop
from tests.unit.conftest import App


class NoRelay:
    def poke(self) -> None:
        """The outbox stays undelivered until the test hands the events to the handler."""


def shop_without_relay(tmp_path: Path) -> Shop:
    settings = Settings(database_url="memory://", profile="test", var_dir=str(tmp_path), **FAST_HASH)
    container = bootstrap(settings, overrides={OutboxRelayTrigger: NoRelay()})
    return Shop(App(container, FixedClock(datetime.now(UTC)), MemoryMailer(), MemorySms()))


async def follow(shop: Shop) -> None:
    for event in shop.events():  # as the job runner does: the index, then the cache
        await shop.app.use(FollowCatalog)(event)
        await shop.app.use(InvalidateCatalogCache)(event)


async def test_before_the_handler_runs_a_product_matches_as_a_folded_substring(tmp_path: Path) -> None:
    shop = shop_without_relay(tmp_path)
    kazak = await shop.listed("İstanbul Yün Kazak", code="KZK-1")
    assert await shop.names(q="istanbul yun") == ["İstanbul Yün Kazak"]
    assert await shop.names(q="kazk") == []  # typos need the document
    await follow(shop)
    assert await shop.names(q="kazk") == ["İstanbul Yün Kazak"]
    await shop.app.use(ChangeProduct)(Revision(STAFF, kazak.id, {"name": "Ankara Hırka"}))
    # the document still says "İstanbul": it is outdated, so the product matches by its new name only
    assert await shop.names(q="istanbul") == []
    assert await shop.names(q="ankara") == ["Ankara Hırka"]
    await follow(shop)
    assert await shop.names(q="ankra") == ["Ankara Hırka"]


async def test_the_handler_removes_what_is_no_longer_visible(tmp_path: Path) -> None:
    shop = shop_without_relay(tmp_path)
    lamp = await shop.listed("Masa Lambası")
    await follow(shop)
    assert await shop.names(q="lamba") == ["Masa Lambası"]
    await shop.app.use(ChangeProduct)(Revision(STAFF, lamp.id, {"is_active": False}))
    await follow(shop)
    assert await shop.names(q="lamba") == []
    assert lamp.id not in shop.store.tables["search_documents"]
