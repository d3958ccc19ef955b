"""The address book over HTTP on SQLite and PostgreSQL: CRUD, places that belong together (422 naming the
field), owners only (404), one default shipping and one default billing address, also under concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.address.model import geo_id
from core.address.use_cases.loading import LoadGeo, LoadGeoData
from ports.address import GeoSource
from tests.integration.http.conftest import Api, User, assert_problem, running_api
from tests.unit.address.geo_fixture import fixture_source

MINE = "/api/v1/me/addresses"
ISTANBUL = str(geo_id("city", "TR", "34"))
KADIKOY = str(geo_id("township", "TR", "34", "Kadıköy"))
USKUDAR = str(geo_id("township", "TR", "34", "Üsküdar"))
CAFERAGA = str(geo_id("district", "TR", "34", "Kadıköy", "Caferağa Mah"))


@pytest.fixture
async def geo_api(db_url: tuple[str, str], tmp_path: Path) -> AsyncIterator[Api]:
    kind, url = db_url
    async with running_api(kind, url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await api.resolve(LoadGeo)(LoadGeoData())
        yield api


def body(**fields: Any) -> dict[str, Any]:
    return {"title": "Ev", "recipient_name": "Ayşe Yılmaz", "phone": "0532 123 45 67", "country": "TR",
            "city": ISTANBUL, "township": KADIKOY, "district": CAFERAGA, "line": "Moda Cad. No: 1 D: 2",
            **fields}  # fmt: skip


async def create(api: Api, who: User, **fields: Any) -> dict[str, Any]:
    response = await api.client.post(MINE, json=body(**fields), headers=who.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def patch(api: Api, who: User, address: dict[str, Any], **fields: Any) -> httpx.Response:
    return await api.client.patch(f"{MINE}/{address['id']}", json=fields, headers=who.headers)


async def defaults(api: Api, who: User) -> tuple[list[str], list[str]]:
    listed = (await api.client.get(MINE, headers=who.headers)).json()["items"]
    return ([a["title"] for a in listed if a["is_default_shipping"]],
            [a["title"] for a in listed if a["is_default_billing"]])  # fmt: skip


async def test_create_read_change_delete(geo_api: Api) -> None:
    ayse = await geo_api.customer()
    made = await create(geo_api, ayse, description="Kapıcıya bırakın")
    assert {k: made[k] for k in ("city_id", "city_name", "township_id", "township_name", "district_id",
                                 "district_name", "postal_code", "phone", "country")} == {
        "city_id": ISTANBUL, "city_name": "İstanbul", "township_id": KADIKOY, "township_name": "Kadıköy",
        "district_id": CAFERAGA, "district_name": "Caferağa Mah", "postal_code": "34710", "phone": "+905321234567",
        "country": "TR"}  # fmt: skip
    assert made["is_default_shipping"] and made["is_default_billing"]
    got = await geo_api.client.get(f"{MINE}/{made['id']}", headers=ayse.headers)
    assert got.status_code == 200 and got.json() == made
    changed = await patch(geo_api, ayse, made, township="Üsküdar", district="altunizade")
    assert changed.status_code == 200, changed.text
    assert (changed.json()["township_id"], changed.json()["district_name"], changed.json()["postal_code"]) == (
        USKUDAR, "Altunizade Mah", "34662")  # fmt: skip
    assert (await geo_api.client.delete(f"{MINE}/{made['id']}", headers=ayse.headers)).status_code == 204
    assert_problem(await geo_api.client.get(f"{MINE}/{made['id']}", headers=ayse.headers), 404)
    assert (await geo_api.client.get(MINE, headers=ayse.headers)).json()["items"] == []


async def test_names_and_plate_codes_are_accepted_and_other_countries_take_free_text(geo_api: Api) -> None:
    ayse = await geo_api.customer()
    by_name = await create(geo_api, ayse, city="İSTANBUL", township="kadıköy", district=None, postal_code="34714")
    assert (by_name["township_id"], by_name["district_id"], by_name["postal_code"]) == (KADIKOY, None, "34714")
    abroad = await create(geo_api, ayse, country="DE", city="Berlin", township="Kreuzberg", district=None,
                          postal_code="10997", phone="+49 30 901820")  # fmt: skip
    assert (abroad["city_id"], abroad["city_name"], abroad["township_name"], abroad["phone"]) == (
        None, "Berlin", "Kreuzberg", "+4930901820")  # fmt: skip


async def test_someone_elses_address_is_404(geo_api: Api) -> None:
    ayse, mehmet = await geo_api.customer(), await geo_api.customer()
    made = await create(geo_api, ayse)
    assert_problem(await geo_api.client.get(f"{MINE}/{made['id']}", headers=mehmet.headers), 404)
    assert_problem(await patch(geo_api, mehmet, made, title="Benim"), 404)
    assert_problem(await geo_api.client.delete(f"{MINE}/{made['id']}", headers=mehmet.headers), 404)
    assert (await geo_api.client.get(MINE, headers=mehmet.headers)).json()["items"] == []
    assert_problem(await geo_api.client.get(MINE), 401)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"city": "Atlantis"}, "city"),
        ({"city": "17"}, "township"),
        ({"township": None, "district": None}, "township"),
        ({"township": USKUDAR}, "district"),
        ({"district": "Altunizade"}, "district"),
        ({"postal_code": "34714"}, "postal_code"),
        ({"phone": "123"}, "phone"),
        ({"line": ""}, "line"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
async def test_a_mismatch_is_422_naming_the_field(geo_api: Api, fields: dict[str, Any], field: str) -> None:
    ayse = await geo_api.customer()
    problem = assert_problem(await geo_api.client.post(MINE, json=body(**fields), headers=ayse.headers), 422)
    assert problem["errors"][0]["loc"] == ["body", field], problem


async def test_defaults_move_between_addresses(geo_api: Api) -> None:
    ayse = await geo_api.customer()
    await create(geo_api, ayse, title="Ev")
    work = await create(geo_api, ayse, title="İş", is_default_billing=True)
    assert await defaults(geo_api, ayse) == (["Ev"], ["İş"])
    assert (await patch(geo_api, ayse, work, is_default_shipping=True)).status_code == 200
    assert await defaults(geo_api, ayse) == (["İş"], ["İş"])
    summer = await create(geo_api, ayse, title="Yazlık", is_default_shipping=True, is_default_billing=True)
    assert await defaults(geo_api, ayse) == (["Yazlık"], ["Yazlık"])
    assert (await geo_api.client.delete(f"{MINE}/{summer['id']}", headers=ayse.headers)).status_code == 204
    assert await defaults(geo_api, ayse) == ([], [])


async def test_the_limit_is_a_runtime_setting(geo_api: Api) -> None:
    admin, ayse = await geo_api.admin(), await geo_api.customer()
    response = await geo_api.client.put("/api/v1/admin/settings/address.max_per_user", json={"value": 1},
                                        headers=admin.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    await create(geo_api, ayse)
    assert_problem(await geo_api.client.post(MINE, json=body(), headers=ayse.headers), 409, "address_limit")


async def test_concurrent_make_default_never_leaves_two_defaults(pg_url: str, tmp_path: Path) -> None:
    """On PostgreSQL (SQLite serializes writers): concurrent requests each clearing the old default and setting
    their own; the losers get 409, never two defaults."""
    async with running_api("postgresql", pg_url, tmp_path, overrides={GeoSource: fixture_source()}) as api:
        await api.resolve(LoadGeo)(LoadGeoData())
        ayse = await api.customer()
        made = [await create(api, ayse, title=f"Adres {n}") for n in range(4)]
        for round_ in range(6):
            if round_ % 2:  # no default to clear: the partial unique index is what refuses the second one
                (title,), _ = await defaults(api, ayse)
                current = next(a for a in made if a["title"] == title)
                assert (await patch(api, ayse, current, is_default_shipping=False)).status_code == 200
            responses = await asyncio.gather(*(patch(api, ayse, a, is_default_shipping=True) for a in made[1:]))
            assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
            assert any(r.status_code == 200 for r in responses)
            shipping, _ = await defaults(api, ayse)
            assert len(shipping) == 1, shipping
            assert (await patch(api, ayse, made[0], is_default_shipping=True)).status_code == 200
