"""The public lookups: Turkish alphabetical order, required parameters, unknown parents."""

from __future__ import annotations

import pytest

from core.address.use_cases.geo import ListCities, ListCountries, ListDistricts, ListTownships
from core.shared.errors import Invalid, NotFound
from tests.unit.address.conftest import ISTANBUL, KADIKOY
from tests.unit.conftest import App


async def test_cities_in_turkish_order_with_their_region(geo: App) -> None:
    cities = await geo.use(ListCities)("tr")
    assert [c["name"] for c in cities] == ["Bursa", "Çanakkale", "Denizli", "Iğdır", "Isparta", "İstanbul", "İzmir",
                                           "Sivas", "Şanlıurfa", "Uşak"]  # fmt: skip
    istanbul = next(c for c in cities if c["code"] == "34")
    assert (istanbul["id"], istanbul["region"]) == (str(ISTANBUL), "Marmara")


async def test_townships_by_city_id_plate_code_or_name(geo: App) -> None:
    names = [t["name"] for t in await geo.use(ListTownships)(str(ISTANBUL))]
    assert names == ["Beşiktaş", "Çatalca", "Kadıköy", "Sarıyer", "Şişli", "Tuzla", "Ümraniye", "Üsküdar"]
    assert await geo.use(ListTownships)("34") == await geo.use(ListTownships)("istanbul")
    with pytest.raises(NotFound):
        await geo.use(ListTownships)("99")


async def test_districts_with_postal_codes(geo: App) -> None:
    districts = await geo.use(ListDistricts)(str(KADIKOY))
    assert [(d["name"], d["postal_code"]) for d in districts] == [
        ("Acıbadem Mah", "34718"), ("Caferağa Mah", "34710"), ("Fenerbahçe Mah", "34726"), ("Koşuyolu Mah", "34718"),
        ("Osmanağa Mah", "34714")]  # fmt: skip
    with pytest.raises(Invalid) as caught:
        await geo.use(ListDistricts)("Kadıköy")
    assert caught.value.errors[0].loc == ("query", "township")
    with pytest.raises(NotFound):
        await geo.use(ListDistricts)(str(ISTANBUL))


async def test_countries_and_required_parameters(geo: App) -> None:
    countries = await geo.use(ListCountries)()
    assert [c["alpha2code"] for c in countries] == ["AZ", "DE", "TR", "GB", "US"]  # Türkiye before United ...
    assert next(c for c in countries if c["alpha2code"] == "TR")["calling_code"] == "90"
    assert await geo.use(ListCities)("DE") == []
    with pytest.raises(NotFound):
        await geo.use(ListCities)("XX")
    for use_case, field in ((ListCities, "country"), (ListTownships, "city"), (ListDistricts, "township")):
        with pytest.raises(Invalid) as caught:
            await geo.use(use_case)(None)
        assert caught.value.errors[0].loc == ("query", field)
