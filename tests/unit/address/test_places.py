"""resolve_place: ids or names that belong together, and Invalid naming the field that does not."""

from __future__ import annotations

from typing import Any

import pytest

from core.address.places import Place, resolve_place
from core.shared.errors import Invalid
from tests.unit.address.conftest import ALTUNIZADE, CAFERAGA, ISTANBUL, KADIKOY, USKUDAR
from tests.unit.conftest import App


async def resolve(app: App, **given: Any) -> Place:
    async with app.uow() as uow:
        return await resolve_place(uow, **given)


async def bad_field(app: App, **given: Any) -> tuple[Any, ...]:
    with pytest.raises(Invalid) as caught:
        await resolve(app, **given)
    assert len(caught.value.errors) == 1
    return caught.value.errors[0].loc


async def test_ids_resolve_to_names_and_the_district_gives_the_postal_code(geo: App) -> None:
    place = await resolve(geo, country="tr", city=str(ISTANBUL), township=str(KADIKOY), district=str(CAFERAGA))
    assert place == Place("TR", ISTANBUL, "İstanbul", KADIKOY, "Kadıköy", CAFERAGA, "Caferağa Mah", "34710")


async def test_names_match_by_turkish_case_rules_and_a_city_by_plate_code(geo: App) -> None:
    place = await resolve(geo, country="TR", city="İSTANBUL", township="KADIKÖY", district="caferağa mahallesi")
    assert (place.city_id, place.township_id, place.district_id) == (ISTANBUL, KADIKOY, CAFERAGA)
    assert (await resolve(geo, country="TR", city="34", township="üsküdar")).township_id == USKUDAR
    assert (await resolve(geo, country="TR", city="istanbul", township="Kadıköy")).city_id == ISTANBUL
    # dotless ı and dotted i are different letters: "Kadikoy" is not "Kadıköy"
    assert await bad_field(geo, country="TR", city="34", township="Kadikoy") == ("body", "township")


async def test_without_a_district_the_postal_code_must_be_one_of_the_township(geo: App) -> None:
    place = await resolve(geo, country="TR", city="34", township="Kadıköy", postal_code="34718")
    assert (place.district_id, place.postal_code) == (None, "34718")
    assert await bad_field(geo, country="TR", city="34", township="Kadıköy", postal_code="34662") == (
        "body", "postal_code")  # fmt: skip


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"country": "XX", "city": "34", "township": "Kadıköy"}, "country"),
        ({"country": "TUR", "city": "34", "township": "Kadıköy"}, "country"),
        ({"country": "", "city": "34", "township": "Kadıköy"}, "country"),
        ({"country": "TR", "city": "Atlantis", "township": "Kadıköy"}, "city"),
        ({"country": "TR", "city": "99", "township": "Kadıköy"}, "city"),
        ({"country": "TR", "city": None, "township": "Kadıköy"}, "city"),
        ({"country": "TR", "city": "34", "township": None}, "township"),
        ({"country": "TR", "city": "17", "township": str(KADIKOY)}, "township"),
        ({"country": "TR", "city": "17", "township": "Kadıköy"}, "township"),
        ({"country": "TR", "city": "34", "township": str(USKUDAR), "district": str(CAFERAGA)}, "district"),
        ({"country": "TR", "city": "34", "township": "Kadıköy", "district": "Altunizade"}, "district"),
        ({"country": "TR", "city": "34", "township": "Kadıköy", "district": str(CAFERAGA), "postal_code": "34714"},
         "postal_code"),
        ({"country": "TR", "city": "34", "township": "Kadıköy", "postal_code": "3471"}, "postal_code"),
    ],
)  # fmt: skip
async def test_the_field_at_fault_is_named(geo: App, given: dict[str, Any], field: str) -> None:
    assert await bad_field(geo, **given) == ("body", field)


async def test_the_location_prefix_is_the_callers(geo: App) -> None:
    with pytest.raises(Invalid) as caught:
        async with geo.uow() as uow:
            await resolve_place(uow, country="TR", city="34", township=str(ALTUNIZADE), loc=("body", "address"))
    assert caught.value.errors[0].loc == ("body", "address", "township")


async def test_other_countries_take_free_text(geo: App) -> None:
    place = await resolve(geo, country="de", city="  Berlin ", township="Kreuzberg", postal_code="10997")
    assert place == Place("DE", None, "Berlin", None, "Kreuzberg", None, None, "10997")
    assert (await resolve(geo, country="DE", city="Berlin", township=None)).township == ""
    assert await bad_field(geo, country="DE", city="", township=None) == ("body", "city")


async def test_without_geo_data_every_country_is_unknown(app: App) -> None:
    assert await bad_field(app, country="TR", city="34", township="Kadıköy") == ("body", "country")
