"""LoadGeo: the source's rows in, with ids from natural keys; a second run writes nothing."""

from __future__ import annotations

import copy

from adapters.geo.source import GeoData
from core.address.model import geo_id
from core.address.use_cases.geo import ListCities, ListCountries
from core.address.use_cases.loading import LoadGeo, LoadGeoData
from ports.address import GeoSource
from tests.unit.address.geo_fixture import COUNTRIES, TREE
from tests.unit.conftest import App


async def test_load_adds_every_row_once_with_ids_from_natural_keys(app: App) -> None:
    app.container.register(GeoSource, instance=GeoData(TREE, only_countries=COUNTRIES))
    seen: list[int] = []
    first = await app.use(LoadGeo)(LoadGeoData(progress=seen.append))
    assert first.added == {"countries": 5, "regions": 6, "cities": 10, "townships": 9, "districts": 11}
    assert sum(seen) == app.container.resolve(GeoSource).size()
    again = await app.use(LoadGeo)(LoadGeoData())
    assert not again.anything and again.total == first.added
    async with app.uow() as uow:
        tr = await uow.geo.country("TR")
        assert tr is not None and (tr.alpha3code, tr.calling_code, tr.id) == ("TUR", "90", geo_id("country", "TR"))
        istanbul = await uow.geo.city(geo_id("city", "TR", "34"))
        assert istanbul is not None and istanbul.name == "İstanbul"
        regions = {r.id: r.name for r in await uow.geo.regions()}
        assert regions[istanbul.region_id] == "Marmara"  # type: ignore[index]
        townships = {t.name: t.code for t in await uow.geo.townships(istanbul.id)}
        assert townships["Kadıköy"] == "34-kadikoy" and townships["Üsküdar"] == "34-uskudar"


async def test_a_changed_name_is_rewritten_and_drops_the_cached_lookups(app: App) -> None:
    app.container.register(GeoSource, instance=GeoData(TREE, only_countries=COUNTRIES))
    await app.use(LoadGeo)(LoadGeoData())
    assert [c["name"] for c in await app.use(ListCities)("TR")][:2] == ["Bursa", "Çanakkale"]
    renamed = copy.deepcopy(TREE)
    renamed["cities"][0][1] = "Bursa (yeni)"  # type: ignore[index]
    app.container.register(GeoSource, instance=GeoData(renamed, only_countries=COUNTRIES))
    loaded = await app.use(LoadGeo)(LoadGeoData())
    assert loaded.changed["cities"] == 1 and not any(loaded.added.values())
    assert next(c["name"] for c in await app.use(ListCities)("TR")) == "Bursa (yeni)"
    assert len(await app.use(ListCountries)()) == 5
