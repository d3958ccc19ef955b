"""The same search behaviour on every index: memory, SQLite FTS5, PostgreSQL full text + trigram, and
Elasticsearch. Products are made through the catalog use cases; the index follows through the outbox (drained)."""

from __future__ import annotations

from typing import Any

import pytest

from core.catalog.use_cases.common import Revision
from core.catalog.use_cases.products import ChangeProduct, DeleteProduct
from core.catalog.use_cases.taxonomy import ChangeBrand, ChangeCategory
from core.catalog.views import ProductQuery
from core.search.documents import SearchQuery
from core.search.use_cases.reindex import Reindex
from core.shared.pagination import PageRequest
from tests.integration.search.conftest import Searching
from tests.unit.catalog.conftest import STAFF


async def names(s: Searching, **query: Any) -> list[str]:
    return [item["name"] for item in (await s.shop.browse(**query))["items"]]


async def catalog(s: Searching) -> dict[str, Any]:
    shop = s.shop
    koton, mavi = await shop.brand("Koton", "KOTON"), await shop.brand("Mavi", "MAVI")
    giyim = await shop.category("Giyim", "GIYIM")
    ust = await shop.category("Üst Giyim", "UST", parent_id=giyim.id)
    ev = await shop.category("Ev", "EV")
    made = {
        "kazak": await shop.listed("İstanbul Yün Kazak", "450.00", brand=koton, category=ust, code="KZK-1"),
        "lamba": await shop.listed("IŞIK Masa Lambası", "1200.00", brand=mavi, category=ev, code="LMB-1"),
        "hirka": await shop.listed(
            "Örgü Hırka", "300.00", brand=mavi, category=ust, code="HRK-1", description="Kazak kadar sıcak tutar"
        ),
        "gomlek": await shop.listed(
            "Keten Gömlek",
            "99.90",
            brand=koton,
            category=giyim,
            code="GML-1",
            specifications=[{"key": "Kumaş", "value": "Pamuk"}],
        ),
    }
    await s.drain()
    return {"koton": koton, "mavi": mavi, "giyim": giyim, "ust": ust, "ev": ev, **made}


async def test_turkish_letters_and_case_are_folded_and_typos_forgiven(searching: Searching) -> None:
    await catalog(searching)
    assert await names(searching, q="istanbul") == ["İstanbul Yün Kazak"]
    assert await names(searching, q="İSTANBUL") == ["İstanbul Yün Kazak"]
    assert await names(searching, q="ışık") == ["IŞIK Masa Lambası"]
    assert await names(searching, q="IŞIK lamba") == ["IŞIK Masa Lambası"]
    assert await names(searching, q="isik") == ["IŞIK Masa Lambası"]
    assert await names(searching, q="kazk istanbul") == ["İstanbul Yün Kazak"]
    assert await names(searching, q="kazk") == ["İstanbul Yün Kazak", "Örgü Hırka"]  # the name outranks the description
    assert await names(searching, q="gomlek") == ["Keten Gömlek"]
    assert await names(searching, q="kaz") == ["İstanbul Yün Kazak", "Örgü Hırka"]  # a word's beginning
    assert await names(searching, q="kzk-1") == ["İstanbul Yün Kazak"]  # the code
    assert await names(searching, q="pamuk") == ["Keten Gömlek"]  # a specification value
    assert set(await names(searching, q="koton")) == {"Keten Gömlek", "İstanbul Yün Kazak"}  # by brand
    assert await names(searching, q="kahve") == []
    assert await names(searching, q="%") == []


async def test_results_are_ranked_by_relevance_unless_a_sort_is_asked(searching: Searching) -> None:
    await catalog(searching)
    # the name match outranks the description match, though the description's product is newer and cheaper
    assert await names(searching, q="kazak") == ["İstanbul Yün Kazak", "Örgü Hırka"]
    assert await names(searching, q="kazak", sort="price") == ["Örgü Hırka", "İstanbul Yün Kazak"]
    assert await names(searching, q="kazak", sort="-created_at") == ["Örgü Hırka", "İstanbul Yün Kazak"]
    # the category path is indexed: both products are under Üst Giyim (under Giyim)
    assert set(await names(searching, q="ust giyim")) == {"İstanbul Yün Kazak", "Örgü Hırka"}


async def test_filters_combine_with_q(searching: Searching) -> None:
    made = await catalog(searching)
    assert await names(searching, q="kazak", brand="mavi") == ["Örgü Hırka"]
    assert await names(searching, q="kazak", category=str(made["giyim"].id)) == ["İstanbul Yün Kazak",
                                                                                   "Örgü Hırka"]  # fmt: skip
    assert await names(searching, q="giyim", category="ev") == []
    assert await names(searching, q="kazak", min_price="400") == ["İstanbul Yün Kazak"]
    assert await names(searching, q="kazak", max_price="300") == ["Örgü Hırka"]
    assert await names(searching, q="kazak", in_stock=True) == []  # nothing has stock here
    assert set(await names(searching, q="kazak", in_stock=False)) == {"İstanbul Yün Kazak", "Örgü Hırka"}


async def test_facets_count_brands_categories_and_price_ranges_over_all_matches(searching: Searching) -> None:
    made = await catalog(searching)
    body = await searching.shop.browse(q="giyim", facets=True, limit=1)
    assert len(body["items"]) == 1 and body["next_cursor"]
    facets = body["facets"]
    assert facets["brands"] == [
        {"id": str(made["koton"].id), "slug": "koton", "name": "Koton", "count": 2},
        {"id": str(made["mavi"].id), "slug": "mavi", "name": "Mavi", "count": 1},
    ]
    assert [(c["name"], c["count"]) for c in facets["categories"]] == [("Üst Giyim", 2), ("Giyim", 1)]
    assert facets["price_ranges"] == [
        {"min": "0", "max": "100", "count": 1},
        {"min": "250", "max": "500", "count": 2},
    ]
    everything = (await searching.shop.browse(facets=True))["facets"]  # without q: the whole visible catalog
    assert sum(b["count"] for b in everything["brands"]) == 4
    assert {(r["min"], r["max"]) for r in everything["price_ranges"]} == {("0", "100"), ("250", "500"),
                                                                          ("1000", "2500")}  # fmt: skip
    narrowed = (await searching.shop.browse(q="giyim", brand="mavi", facets=True))["facets"]
    assert [b["name"] for b in narrowed["brands"]] == ["Mavi"]
    assert "facets" not in await searching.shop.browse(q="giyim")
    assert (await searching.shop.browse(q="giyim", brand="yok", facets=True))["facets"] == \
        {"brands": [], "categories": [], "price_ranges": []}  # fmt: skip


@pytest.mark.parametrize("sort", [None, "price", "-price", "name", "-created_at"])
async def test_q_results_page_with_cursors_visiting_each_once(searching: Searching, sort: str | None) -> None:
    shop = searching.shop
    for i in range(7):
        await shop.listed(f"Kazak {i}", f"{100 + (i % 3) * 10}.00", description="kazak" * (i % 2))
    await shop.listed("Çorap", "10.00")
    await searching.drain()
    everything = await names(searching, q="kazak", limit=100, **({"sort": sort} if sort else {}))
    assert sorted(everything) == [f"Kazak {i}" for i in range(7)]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        body = await shop.browse(q="kazak", limit=3, cursor=cursor, **({"sort": sort} if sort else {}))
        seen += [item["name"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


async def test_the_index_follows_renames_deactivation_and_deletion(searching: Searching) -> None:
    made = await catalog(searching)
    shop = searching.shop
    await shop.app.use(ChangeProduct)(Revision(STAFF, made["gomlek"].id, {"name": "Keten Tunik"}))
    await searching.drain()
    assert await names(searching, q="tunik") == ["Keten Tunik"]  # (its variant keeps the name "Keten Gömlek")
    await shop.app.use(ChangeBrand)(Revision(STAFF, made["mavi"].id, {"name": "Deniz"}))
    await searching.drain()
    assert set(await names(searching, q="deniz")) == {"Örgü Hırka", "IŞIK Masa Lambası"}
    await shop.app.use(ChangeCategory)(Revision(STAFF, made["ust"].id, {"name": "Triko"}))
    await searching.drain()
    assert set(await names(searching, q="triko")) == {"Örgü Hırka", "İstanbul Yün Kazak"}
    await shop.app.use(ChangeProduct)(Revision(STAFF, made["lamba"].id, {"is_active": False}))
    await shop.app.use(DeleteProduct)(STAFF, made["hirka"].id)
    await searching.drain()
    assert await names(searching, q="lamba") == []
    assert await names(searching, q="hirka") == []
    assert await names(searching, q="deniz") == []
    await shop.app.use(ChangeBrand)(Revision(STAFF, made["koton"].id, {"is_active": False}))
    await searching.drain()
    assert await names(searching, q="kazak") == []


def _query(q: str | None = None, **fields: Any) -> SearchQuery:
    return SearchQuery(ProductQuery(page=PageRequest(limit=50), currency="TRY", q=q), relevance=bool(q), **fields)


async def test_reindex_rebuilds_while_reads_keep_answering(searching: Searching) -> None:
    await catalog(searching)
    index = searching.index
    before = [c.name for c in (await index.search(_query("kazak"))).items]
    assert before == ["İstanbul Yün Kazak", "Örgü Hırka"]
    source = searching.shop.app.container.resolve(Reindex).source
    documents = await source.documents(await source.product_ids())
    answered: list[list[str]] = []

    async def slowly() -> Any:
        for doc in documents:  # one document per batch, a read between each
            answered.append([c.name for c in (await index.search(_query("kazak"))).items])
            yield [doc]

    assert await index.rebuild(slowly()) == 4
    assert answered and all(found == before for found in answered)
    assert [c.name for c in (await index.search(_query("kazak"))).items] == before


async def test_reindex_use_case_restores_a_lost_index(searching: Searching) -> None:
    made = await catalog(searching)
    await searching.shop.app.use(ChangeProduct)(Revision(STAFF, made["lamba"].id, {"is_active": False}))
    await searching.drain()
    await searching.index.remove([made[k].id for k in ("kazak", "hirka", "gomlek")])
    assert await names(searching, q="kazk") == []
    progress: list[int] = []
    assert await searching.shop.app.use(Reindex)(progress=progress.append, batch=2) == (4, 3)
    assert sum(progress) == 4
    assert await names(searching, q="kazk") == ["İstanbul Yün Kazak", "Örgü Hırka"]  # its name, then a description
    assert await names(searching, q="lamba") == []
