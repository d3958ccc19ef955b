"""The company profile's use cases on memory storage: every check names its field, the default company is
always exactly one, and every change is audited."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Any

import pytest

from core.catalog.use_cases.common import Revision
from core.company.use_cases.companies import ChangeCompany, DefaultCompany, DeleteCompany, GetCompany, ListCompanies
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.pagination import PageRequest
from tests.unit.address.conftest import CAFERAGA, ISTANBUL, KADIKOY
from tests.unit.company.conftest import STAFF, TCKN, Companies, address
from tests.unit.conftest import App


def loc(exc: pytest.ExceptionInfo[Invalid]) -> tuple[str | int, ...]:
    assert len(exc.value.errors) == 1, exc.value.errors
    return exc.value.errors[0].loc


async def change(app: App, company_id: uuid.UUID, **changes: Any) -> Any:
    return await app.use(ChangeCompany)(Revision(STAFF, company_id, changes))


# --- creating and checking -----------------------------------------------------------------------------------


async def test_a_company_is_created_with_checked_and_normalised_values(companies: Companies) -> None:
    made = await companies.create(" Çarşı Ticaret A.Ş. ", tax_no="4540536920", email=" Info@Carsi.COM.tr ",
                                  phone="0212 444 55 66", currency="try", default_language="TR", country="tr",
                                  mersis_no="0454-0536-9200-0015", trade_registry_no="123456-5",
                                  work_start_hour="08:30", work_end_hour="17:45")  # fmt: skip
    stored = await companies.get(made.id)
    assert (stored.legal_name, stored.tax_no, stored.email) == ("Çarşı Ticaret A.Ş.", "4540536920", "info@carsi.com.tr")
    assert (stored.phone, stored.currency, stored.default_language, stored.country) == (
        "+902124445566",
        "TRY",
        "tr",
        "TR",
    )
    assert (stored.mersis_no, stored.trade_registry_no) == ("0454053692000015", "123456-5")
    assert (stored.work_start_hour, stored.work_end_hour) == (time(8, 30), time(17, 45))
    assert stored.address() is None


async def test_a_sole_proprietors_tckn_is_accepted_as_tax_number(companies: Companies) -> None:
    assert (await companies.create(tax_no=TCKN)).tax_no == TCKN


@pytest.mark.parametrize(("fields", "field"), [
    ({"tax_no": "4540536921"}, "tax_no"),  # wrong VKN check digit
    ({"tax_no": "17291716050"}, "tax_no"),  # wrong TCKN check digits
    ({"tax_no": "45405369"}, "tax_no"),
    ({"tax_no": "45405369\uff120"}, "tax_no"),  # a full-width digit
    ({"mersis_no": "045405369200001"}, "mersis_no"),  # 15 digits
    ({"mersis_no": "04540536920000AB"}, "mersis_no"),
    ({"currency": "TRL"}, "currency"),  # withdrawn in 2005, not in ISO 4217 any more
    ({"currency": "LIRA"}, "currency"),
    ({"default_language": "xx"}, "default_language"),
    ({"default_language": "tur"}, "default_language"),  # ISO 639-2, not 639-1
    ({"country": "XX"}, "country"),
    ({"country": "TUR"}, "country"),
    ({"email": "not-an-address"}, "email"),
    ({"phone": "12"}, "phone"),
    ({"work_start_hour": "9"}, "work_start_hour"),
    ({"work_end_hour": "24:00"}, "work_end_hour"),
    ({"work_start_hour": "18:00", "work_end_hour": "09:00"}, "work_end_hour"),
    ({"work_start_hour": "09:00", "work_end_hour": "09:00"}, "work_end_hour"),
    ({"tax_office": "  "}, "tax_office"),
    ({"legal_name": ""}, "legal_name"),
    ({"trade_registry_no": "12;DROP"}, "trade_registry_no"),
])  # fmt: skip
async def test_an_invalid_value_is_422_naming_its_field(companies: Companies, fields: dict[str, Any],
                                                       field: str) -> None:  # fmt: skip
    with pytest.raises(Invalid) as exc:
        await companies.create(**fields)
    assert loc(exc) == ("body", field)
    async with companies.app.uow() as uow:
        assert await uow.companies.count() == 0


async def test_a_tax_number_a_live_company_has_is_a_conflict_until_that_one_is_deleted(companies: Companies) -> None:
    first = await companies.create(tax_no="4540536920")
    with pytest.raises(Conflict) as exc:
        await companies.create(tax_no="4540536920")
    assert exc.value.code == "duplicate_tax_no"
    await companies.create(tax_no="1234567890", is_default=True)
    await companies.app.use(DeleteCompany)(STAFF, first.id)
    assert (await companies.create(tax_no="4540536920")).tax_no == "4540536920"


# --- the address ---------------------------------------------------------------------------------------------


async def test_the_address_is_resolved_against_the_tree_by_names_or_ids(companies: Companies) -> None:
    made = await companies.create(address=address(city="istanbul", township="KADIKÖY", district="caferağa"))
    place = made.address()
    assert place is not None
    assert (place.city_id, place.township_id, place.district_id) == (ISTANBUL, KADIKOY, CAFERAGA)
    assert (place.city, place.township, place.district, place.postal_code) == (
        "İstanbul",
        "Kadıköy",
        "Caferağa Mah",
        "34710",
    )
    by_ids = await companies.create(address=address(city=str(ISTANBUL), township=str(KADIKOY), district=None))
    assert by_ids.address() is not None and by_ids.address().township == "Kadıköy"  # type: ignore[union-attr]


async def test_the_address_country_defaults_to_the_companys(companies: Companies) -> None:
    made = await companies.create(address=address(country=None))
    assert made.address() is not None and made.address().country == "TR"  # type: ignore[union-attr]


@pytest.mark.parametrize(("fields", "field"), [
    ({"city": "Ankara"}, "city"),
    ({"township": "Çankaya"}, "township"),
    ({"township": "Beşiktaş", "district": "Caferağa"}, "district"),  # a district of another township
    ({"district": "Caferağa", "postal_code": "34000"}, "postal_code"),
    ({"country": "XX"}, "country"),
    ({"line": " "}, "line"),
])  # fmt: skip
async def test_an_address_whose_parts_do_not_belong_together_is_422_naming_the_part(
        companies: Companies, fields: dict[str, Any], field: str) -> None:  # fmt: skip
    with pytest.raises(Invalid) as exc:
        await companies.create(address=address(**fields))
    assert loc(exc) == ("body", "address", field)


async def test_an_address_abroad_is_free_text(companies: Companies) -> None:
    made = await companies.create(address=address(country="DE", city="Berlin", township="Mitte", postal_code="10115"))
    place = made.address()
    assert place is not None and (place.country, place.city, place.city_id) == ("DE", "Berlin", None)


async def test_patching_the_address_changes_or_clears_it(companies: Companies) -> None:
    made = await companies.create(address=address())
    changed = await change(companies.app, made.id, address=address(district="Osmanağa"))
    assert changed.address() is not None and changed.address().district == "Osmanağa Mah"  # type: ignore[union-attr]
    assert changed.address().postal_code == "34714"  # type: ignore[union-attr]
    assert (await change(companies.app, made.id, address=None)).address() is None


# --- the default company -------------------------------------------------------------------------------------


async def test_the_first_company_is_the_default_and_later_ones_are_not(companies: Companies) -> None:
    first = await companies.create("Bir A.Ş.")
    second = await companies.create("İki A.Ş.")
    assert (await companies.get(first.id)).is_default and not (await companies.get(second.id)).is_default
    profile = await companies.app.use(DefaultCompany)()
    assert (profile.id, profile.legal_name) == (first.id, "Bir A.Ş.")


async def test_making_another_company_the_default_clears_the_previous_one(companies: Companies) -> None:
    first = await companies.create("Bir A.Ş.")
    second = await companies.create("İki A.Ş.")
    await change(companies.app, second.id, is_default=True)
    assert not (await companies.get(first.id)).is_default and (await companies.get(second.id)).is_default
    third = await companies.create("Üç A.Ş.", is_default=True)
    flags = [(await companies.get(c.id)).is_default for c in (first, second, third)]
    assert flags == [False, False, True]
    assert (await companies.app.use(DefaultCompany)()).id == third.id
    audit = await companies.app.audit(target_type="company", target_id=str(second.id))
    assert [e.changes.get("is_default") for e in audit if "is_default" in e.changes][:2] == [
        [True, False],
        [False, True],
    ]


async def test_the_default_cannot_be_unset_nor_deleted_while_others_exist(companies: Companies) -> None:
    first = await companies.create("Bir A.Ş.")
    second = await companies.create("İki A.Ş.")
    with pytest.raises(Conflict) as exc:
        await change(companies.app, first.id, is_default=False)
    assert exc.value.code == "company_is_default"
    with pytest.raises(Conflict):
        await companies.app.use(DeleteCompany)(STAFF, first.id)
    await companies.app.use(DeleteCompany)(STAFF, second.id)
    await companies.app.use(DeleteCompany)(STAFF, first.id)  # the last one may go
    with pytest.raises(NotFound):
        await companies.app.use(DefaultCompany)()
    assert (await companies.create("Yeni A.Ş.")).is_default  # with no default left, the next one is it


# --- changing, reading, auditing -----------------------------------------------------------------------------


async def test_a_patch_checks_each_field_and_audits_what_changed(companies: Companies) -> None:
    made = await companies.create()
    changed = await change(companies.app, made.id, legal_name="Yeni Ad Ltd. Şti.", work_end_hour="19:00",
                           phone="+90 532 111 22 33")  # fmt: skip
    assert (changed.legal_name, changed.work_end_hour, changed.phone) == (
        "Yeni Ad Ltd. Şti.",
        time(19),
        "+905321112233",
    )
    entries = await companies.app.audit(target_type="company", target_id=str(made.id))
    assert [e.action for e in entries] == ["company.update", "company.create"]
    assert entries[0].changes["legal_name"] == ["Çarşı Ticaret A.Ş.", "Yeni Ad Ltd. Şti."]
    assert entries[0].actor_id == STAFF.user_id


@pytest.mark.parametrize(("changes", "field"), [
    ({"tax_no": "1234567891"}, "tax_no"),
    ({"work_start_hour": "18:30"}, "work_start_hour"),  # after the stored end (18:00)
    ({"work_end_hour": "08:00"}, "work_end_hour"),  # before the stored start (09:00)
    ({"currency": None}, "currency"),
    ({"is_default": "yes"}, "is_default"),
    ({"is_active": False}, "is_active"),  # not a field staff change here
])  # fmt: skip
async def test_an_invalid_patch_is_422_naming_its_field_and_changes_nothing(
        companies: Companies, changes: dict[str, Any], field: str) -> None:  # fmt: skip
    made = await companies.create()
    with pytest.raises(Invalid) as exc:
        await change(companies.app, made.id, **changes)
    assert loc(exc) == ("body", field)
    stored = await companies.get(made.id)
    assert (stored.tax_no, stored.work_start_hour, stored.work_end_hour) == (made.tax_no, time(9), time(18))


async def test_patching_the_tax_number_to_another_companys_is_a_conflict(companies: Companies) -> None:
    await companies.create(tax_no="4540536920")
    other = await companies.create(tax_no="1234567890")
    with pytest.raises(Conflict):
        await change(companies.app, other.id, tax_no="4540536920")
    assert (await change(companies.app, other.id, tax_no="1234567890")).tax_no == "1234567890"  # its own: fine


async def test_companies_are_listed_newest_first_and_found_by_name(companies: Companies) -> None:
    made = [await companies.create(name) for name in ("Anadolu Gıda", "Işık Tekstil", "Çınar Yayın")]
    page = await companies.app.use(ListCompanies)(PageRequest(limit=2))
    assert [c.id for c in page.items] == [made[2].id, made[1].id] and page.next_cursor
    rest = await companies.app.use(ListCompanies)(PageRequest(limit=2, cursor=page.next_cursor))
    assert [c.id for c in rest.items] == [made[0].id] and rest.next_cursor is None
    found = await companies.app.use(ListCompanies)(PageRequest(), q="ışık")
    assert [c.legal_name for c in found.items] == ["Işık Tekstil"]


async def test_a_deleted_company_is_gone(companies: Companies) -> None:
    await companies.create()
    other = await companies.create()
    await companies.app.use(DeleteCompany)(STAFF, other.id)
    with pytest.raises(NotFound):
        await companies.app.use(GetCompany)(other.id)
    entries = await companies.app.audit(target_type="company", target_id=str(other.id))
    assert entries[0].action == "company.delete"
