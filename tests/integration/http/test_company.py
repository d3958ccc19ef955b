"""The company profile over HTTP (`company.manage`), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.company.use_cases.companies import DefaultCompany
from tests.integration.http.conftest import Api, User, assert_problem
from tests.unit.address.conftest import CAFERAGA, ISTANBUL, KADIKOY
from tests.unit.company.conftest import load_reference_data

COMPANIES = "/api/v1/admin/companies"


def body(**fields: Any) -> dict[str, Any]:
    return {"legal_name": "Çarşı Ticaret A.Ş.", "tax_no": "4540536920", "tax_office": "Kadıköy",
            "email": "info@carsi.com.tr", **fields}  # fmt: skip


def locs(response: httpx.Response) -> list[list[Any]]:
    return [e["loc"] for e in assert_problem(response, 422)["errors"]]


@pytest.fixture
async def staff(api: Api) -> User:
    await load_reference_data(api.container)
    return await api.staff("company.manage")


async def test_only_company_managers_reach_the_company_routes(api: Api, staff: User) -> None:
    customer, catalog = await api.customer(), await api.staff("catalog.manage")
    for who in (customer, catalog):
        assert_problem(await api.client.get(COMPANIES, headers=who.headers), 403, "permission_denied")
        assert_problem(await api.client.post(COMPANIES, json=body(), headers=who.headers), 403)
    assert_problem(await api.client.get(COMPANIES), 401)
    assert (await api.client.get(COMPANIES, headers=staff.headers)).status_code == 200


async def test_a_company_is_created_read_changed_listed_and_deleted(api: Api, staff: User) -> None:
    h = staff.headers
    place = {"line": "Moda Cad. No: 1", "city": "istanbul", "township": "Kadıköy", "district": "Caferağa"}
    sent = body(phone="0212 444 55 66", mersis_no="0454053692000015", work_start_hour="08:30", address=place)
    created = await api.client.post(COMPANIES, json=sent, headers=h)
    assert created.status_code == 201, created.text
    made = created.json()
    assert (made["phone"], made["work_start_hour"], made["work_end_hour"], made["is_default"]) == (
        "+902124445566",
        "08:30",
        "18:00",
        True,
    )
    assert made["address"] == {
        "line": "Moda Cad. No: 1", "country": "TR", "city_id": str(ISTANBUL), "city": "İstanbul",
        "township_id": str(KADIKOY), "township": "Kadıköy", "district_id": str(CAFERAGA), "district": "Caferağa Mah",
        "postal_code": "34710",
    }  # fmt: skip
    url = f"{COMPANIES}/{made['id']}"
    assert (await api.client.get(url, headers=h)).json() == made

    patched = await api.client.patch(url, json={"legal_name": "Çarşı A.Ş.", "currency": "eur", "address": None},
                                     headers=h)  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert (patched.json()["legal_name"], patched.json()["currency"], patched.json()["address"]) == (
        "Çarşı A.Ş.",
        "EUR",
        None,
    )

    listed = await api.client.get(COMPANIES, params={"q": "çarşı"}, headers=h)
    assert [c["id"] for c in listed.json()["items"]] == [made["id"]] and listed.json()["next_cursor"] is None

    profile = await api.resolve(DefaultCompany)()
    assert (str(profile.id), profile.currency) == (made["id"], "EUR")

    assert (await api.client.delete(url, headers=h)).status_code == 204
    assert_problem(await api.client.get(url, headers=h), 404)


@pytest.mark.parametrize(("fields", "loc"), [
    ({"tax_no": "4540536921"}, ["body", "tax_no"]),
    ({"mersis_no": "123"}, ["body", "mersis_no"]),
    ({"currency": "XYZ"}, ["body", "currency"]),
    ({"default_language": "zz"}, ["body", "default_language"]),
    ({"country": "ZZ"}, ["body", "country"]),
    ({"phone": "123"}, ["body", "phone"]),
    ({"email": "nope"}, ["body", "email"]),
    ({"work_start_hour": "19:00"}, ["body", "work_end_hour"]),
    ({"work_end_hour": "25:00"}, ["body", "work_end_hour"]),
    ({"address": {"line": "x", "city": "Ankara", "township": "Çankaya"}}, ["body", "address", "city"]),
    ({"address": {"line": "x", "city": "İstanbul", "township": "Beşiktaş", "district": "Caferağa"}},
     ["body", "address", "district"]),
    ({"address": {"line": "x", "city": "İstanbul", "township": "Kadıköy", "floor": 3}}, ["body", "address", "floor"]),
    ({"address": {"city": "İstanbul", "township": "Kadıköy"}}, ["body", "address", "line"]),
    ({"owner": "me"}, ["body", "owner"]),
    ({"tax_no": 4540536920}, ["body", "tax_no"]),
])  # fmt: skip
async def test_an_invalid_company_is_422_naming_the_field(api: Api, staff: User, fields: dict[str, Any],
                                                         loc: list[Any]) -> None:  # fmt: skip
    assert loc in locs(await api.client.post(COMPANIES, json=body(**fields), headers=staff.headers))
    assert (await api.client.get(COMPANIES, headers=staff.headers)).json()["items"] == []


async def test_a_patch_is_checked_field_by_field(api: Api, staff: User) -> None:
    made = (await api.client.post(COMPANIES, json=body(), headers=staff.headers)).json()
    url = f"{COMPANIES}/{made['id']}"
    assert locs(await api.client.patch(url, json={"tax_no": "1111111111"}, headers=staff.headers)) == [
        ["body", "tax_no"]
    ]
    assert locs(await api.client.patch(url, json={"slug": "x"}, headers=staff.headers)) == [["body", "slug"]]
    assert locs(await api.client.patch(url, json={"work_start_hour": "18:00"}, headers=staff.headers)) == [
        ["body", "work_start_hour"]
    ]
    assert_problem(await api.client.patch(url, json={"is_default": False}, headers=staff.headers), 409,
                   "company_is_default")  # fmt: skip


async def test_a_live_companys_tax_number_is_409(api: Api, staff: User) -> None:
    assert (await api.client.post(COMPANIES, json=body(), headers=staff.headers)).status_code == 201
    assert_problem(await api.client.post(COMPANIES, json=body(legal_name="Başka"), headers=staff.headers), 409,
                   "duplicate_tax_no")  # fmt: skip


async def test_one_default_company_moves_with_is_default(api: Api, staff: User) -> None:
    h = staff.headers
    first = (await api.client.post(COMPANIES, json=body(), headers=h)).json()
    second = (await api.client.post(COMPANIES, json=body(tax_no="1234567890", is_default=True), headers=h)).json()
    assert (
        second["is_default"]
        and not (await api.client.get(f"{COMPANIES}/{first['id']}", headers=h)).json()["is_default"]
    )
    assert_problem(await api.client.delete(f"{COMPANIES}/{second['id']}", headers=h), 409, "company_is_default")
    moved = await api.client.patch(f"{COMPANIES}/{first['id']}", json={"is_default": True}, headers=h)
    assert moved.json()["is_default"]
    assert (await api.client.delete(f"{COMPANIES}/{second['id']}", headers=h)).status_code == 204
    audit = await api.client.get(
        "/api/v1/admin/audit-log", params={"target_type": "company"}, headers=(await api.admin()).headers
    )
    assert {"company.create", "company.update", "company.delete"} <= {e["action"] for e in audit.json()["items"]}
