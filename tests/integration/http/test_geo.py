"""The public geo lookups over HTTP on SQLite and PostgreSQL (the small fixture tree), and the real shipped
data file loaded into both databases."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.geo.source import GeoData
from core.address.model import geo_id
from core.address.use_cases.loading import LoadGeo, LoadGeoData
from core.shared.text import turkish_sort_key
from ports.address import GeoSource
from tests.integration.http.conftest import Api, assert_problem, running_api
from tests.unit.address.geo_fixture import fixture_source

GEO = "/api/v1/geo"


@pytest.fixture
async def geo_api(db_url: tuple[str, str], tmp_path: Path) -> AsyncIterator[Api]:
    """The app with the fixture geo tree loaded."""
    kind, url = db_url
    async with running_api(kind, url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await api.resolve(LoadGeo)(LoadGeoData())
        yield api


async def items(api: Api, path: str, **params: str) -> list[dict[str, object]]:
    response = await api.client.get(f"{GEO}/{path}", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_cities_sorted_by_turkish_alphabet(geo_api: Api) -> None:
    cities = await items(geo_api, "cities", country="TR")
    # Ç after C/B, I (dotless) before İ, Ş after S, Ü/U order: the Turkish alphabet, not code points
    assert [c["name"] for c in cities] == ["Bursa", "Çanakkale", "Denizli", "Iğdır", "Isparta", "İstanbul", "İzmir",
                                           "Sivas", "Şanlıurfa", "Uşak"]  # fmt: skip
    istanbul = next(c for c in cities if c["code"] == "34")
    assert istanbul == {"id": str(geo_id("city", "TR", "34")), "name": "İstanbul", "code": "34", "country": "TR",
                        "region_id": str(geo_id("region", "MAR")), "region": "Marmara"}  # fmt: skip
    assert await items(geo_api, "cities", country="de") == []


async def test_townships_and_districts(geo_api: Api) -> None:
    by_plate = await items(geo_api, "townships", city="34")
    assert [t["name"] for t in by_plate] == ["Beşiktaş", "Çatalca", "Kadıköy", "Sarıyer", "Şişli", "Tuzla",
                                             "Ümraniye", "Üsküdar"]  # fmt: skip
    assert await items(geo_api, "townships", city=str(geo_id("city", "TR", "34"))) == by_plate
    kadikoy = next(t for t in by_plate if t["name"] == "Kadıköy")
    districts = await items(geo_api, "districts", township=str(kadikoy["id"]))
    assert [(d["name"], d["postal_code"]) for d in districts][:2] == [("Acıbadem Mah", "34718"),
                                                                    ("Caferağa Mah", "34710")]  # fmt: skip


async def test_countries(geo_api: Api) -> None:
    countries = await items(geo_api, "countries")
    tr = next(c for c in countries if c["alpha2code"] == "TR")
    assert (tr["name"], tr["alpha3code"], tr["calling_code"]) == ("Türkiye", "TUR", "90")
    assert [c["name"] for c in countries] == sorted((c["name"] for c in countries), key=turkish_sort_key)  # type: ignore[arg-type]


async def test_missing_parameters_are_422_and_unknown_parents_404(geo_api: Api) -> None:
    for path, field in (("cities", "country"), ("townships", "city"), ("districts", "township")):
        body = assert_problem(await geo_api.client.get(f"{GEO}/{path}"), 422)
        assert body["errors"][0]["loc"] == ["query", field], body
    body = assert_problem(await geo_api.client.get(f"{GEO}/districts", params={"township": "Kadıköy"}), 422)
    assert body["errors"][0]["loc"] == ["query", "township"]
    assert_problem(await geo_api.client.get(f"{GEO}/cities", params={"country": "XX"}), 404)
    assert_problem(await geo_api.client.get(f"{GEO}/townships", params={"city": "99"}), 404)
    assert_problem(await geo_api.client.get(f"{GEO}/townships", params={"city": "x" * 5000}), 404)
    missing = str(geo_id("township", "TR", "34", "Atlantis"))
    assert_problem(await geo_api.client.get(f"{GEO}/districts", params={"township": missing}), 404)


async def test_the_shipped_data_file_loads_fast_and_idempotently(db_url: tuple[str, str], tmp_path: Path) -> None:
    kind, url = db_url
    async with running_api(kind, url, tmp_path, overrides={GeoSource: GeoData()}) as api:
        started = time.monotonic()
        first = await api.resolve(LoadGeo)(LoadGeoData())
        took = time.monotonic() - started
        assert first.added["regions"] == 7 and first.added["cities"] == 81
        assert 950 <= first.added["townships"] <= 1000 and first.added["districts"] > 30_000
        assert first.added["countries"] >= 249
        assert took < 60, f"loading took {took:.1f} s"
        started = time.monotonic()
        again = await api.resolve(LoadGeo)(LoadGeoData())
        assert not again.anything and again.total == first.added
        assert time.monotonic() - started < 30
        cities = await items(api, "cities", country="TR")
        assert len(cities) == 81 and {c["region"] for c in cities} == {
            "Marmara", "Ege", "Akdeniz", "İç Anadolu", "Karadeniz", "Doğu Anadolu", "Güneydoğu Anadolu"}  # fmt: skip
        names = [c["name"] for c in cities]
        assert names.index("Çanakkale") < names.index("Çorum") < names.index("Denizli")
        assert names.index("Iğdır") < names.index("Isparta") < names.index("İstanbul") < names.index("İzmir")
        assert names.index("Sivas") < names.index("Şanlıurfa") < names.index("Şırnak") < names.index("Tekirdağ")
        assert names.index("Uşak") < names.index("Van")
        townships = [t["name"] for t in await items(api, "townships", city="İstanbul")]
        assert townships.index("Tuzla") < townships.index("Ümraniye") < townships.index("Üsküdar")
