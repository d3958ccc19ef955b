"""Search through the public product list: `q` ranked by relevance, typos, facets, paging — over SQLite and
PostgreSQL (their own indexes) and once over Elasticsearch (the emulator, or TEST_ELASTICSEARCH_URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.search.elastic import ElasticSearchIndex
from tests.integration.http.conftest import Api, assert_problem, running_api
from tests.integration.http.test_catalog_staff import Catalog, catalog_admin
from tests.integration.http.test_storefront import PUBLIC, browse, on_sale
from tests.integration.search.conftest import elasticsearch_url as elasticsearch_url
from tests.services import free_port


async def shop(api: Api) -> tuple[Catalog, dict[str, Any]]:
    staff = await catalog_admin(api)
    koton, mavi = await staff.brand("Koton"), await staff.brand("Mavi")
    clothes = await staff.category("Giyim")
    home = await staff.category("Ev")
    made = {
        "kazak": await on_sale(staff, "İstanbul Yün Kazak", koton, clothes, "450.00"),
        "hirka": await on_sale(staff, "Örgü Hırka", mavi, clothes, "300.00", description="Kazak kadar sıcak"),
        "lamba": await on_sale(staff, "IŞIK Masa Lambası", mavi, home, "1200.00"),
    }
    return staff, {"koton": koton, "mavi": mavi, "clothes": clothes, **made}


async def names(api: Api, **params: Any) -> list[str]:
    return [p["name"] for p in (await browse(api, limit=100, **params))["items"]]


async def test_q_is_found_at_once_then_ranked_with_typos_forgiven(api: Api) -> None:
    staff, made = await shop(api)
    # right after the write, before the outbox handler has indexed it: found as a folded substring
    await staff.patch(f"products/{made['lamba']['id']}", name="IŞIK Masa Lambası Yeni")
    assert await names(api, q="lambasi yeni") == ["IŞIK Masa Lambası Yeni"]
    await api.drain()
    assert await names(api, q="istanbul") == ["İstanbul Yün Kazak"]
    assert await names(api, q="ışık") == ["IŞIK Masa Lambası Yeni"]
    assert await names(api, q="kazk") == ["İstanbul Yün Kazak", "Örgü Hırka"]  # name before description
    assert await names(api, q="kazak", sort="price") == ["Örgü Hırka", "İstanbul Yün Kazak"]
    assert await names(api, q="kazak", brand="koton") == ["İstanbul Yün Kazak"]
    assert await names(api, q="kazak", max_price="350") == ["Örgü Hırka"]
    first = await browse(api, q="kazak", limit=1)
    rest = await browse(api, q="kazak", limit=1, cursor=first["next_cursor"])
    assert [p["name"] for p in first["items"] + rest["items"]] == ["İstanbul Yün Kazak", "Örgü Hırka"]
    assert rest["next_cursor"] is None


async def test_facets_are_served_when_asked(api: Api) -> None:
    _, made = await shop(api)
    await api.drain()
    body = await browse(api, q="kazak", facets="true")
    assert set(body) == {"items", "next_cursor", "facets"}
    assert body["facets"] == {
        "brands": [{"id": made["koton"]["id"], "slug": "koton", "name": "Koton", "count": 1},
                   {"id": made["mavi"]["id"], "slug": "mavi", "name": "Mavi", "count": 1}],
        "categories": [{"id": made["clothes"]["id"], "slug": "giyim", "name": "Giyim", "count": 2}],
        "price_ranges": [{"min": "250", "max": "500", "count": 2}],
    }  # fmt: skip
    whole = (await browse(api, facets="true"))["facets"]
    assert [(b["name"], b["count"]) for b in whole["brands"]] == [("Mavi", 2), ("Koton", 1)]
    assert "facets" not in await browse(api, q="kazak")


async def test_bad_search_queries_are_422(api: Api) -> None:
    for params in ({"facets": "maybe"}, {"q": "kazak", "cursor": "bm90LWEtY3Vyc29y"}, {"sort": "relevance"},
                   {"q": "x" * 5, "cursor": "WyJuYW4iLCJ4Il0"}):  # fmt: skip
        response = await api.client.get(f"{PUBLIC}/products", params=params)
        assert_problem(response, 422)
    assert (await browse(api, q="%_\\", facets="true"))["items"] == []


async def test_the_list_searches_elasticsearch_when_configured(
    elasticsearch_url: str,
    sqlite_url: str,
    tmp_path: Path,
) -> None:
    async with running_api("sqlite", sqlite_url, tmp_path, elasticsearch_url=elasticsearch_url) as api:
        index = api.resolve("elasticsearch")
        assert isinstance(index, ElasticSearchIndex)
        try:
            ready = await api.client.get("/health/ready")
            assert ready.json()["checks"] == {"database": "ok", "elasticsearch": "ok"}, ready.text
            await shop(api)
            await api.drain()
            assert await names(api, q="kazk") == ["İstanbul Yün Kazak", "Örgü Hırka"]
            facets = (await browse(api, q="ışık", facets="true"))["facets"]
            assert [b["name"] for b in facets["brands"]] == ["Mavi"]
        finally:
            for name in await index._current():
                await index.client.options(ignore_status=404).indices.delete(index=name)


async def test_readiness_names_elasticsearch_when_it_does_not_answer(sqlite_url: str, tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    async with running_api("sqlite", sqlite_url, tmp_path, elasticsearch_url=f"http://127.0.0.1:{closed}") as api:
        ready = await api.client.get("/health/ready")
        assert ready.status_code == 503, ready.text
        assert ready.json()["checks"] == {"database": "ok", "elasticsearch": "failed"}
