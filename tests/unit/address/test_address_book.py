"""The address book: places that belong together, phones in E.164, owners only, one default of each kind."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from core.address.model import Address
from core.address.use_cases.address_book import (
    AddressChange,
    AddressFields,
    ChangeAddress,
    CreateAddress,
    DeleteAddress,
    GetAddress,
    ListAddresses,
    NewAddress,
)
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid, NotFound
from tests.unit.address.conftest import CAFERAGA, ISTANBUL, KADIKOY, USKUDAR, customer, kadikoy
from tests.unit.conftest import App


async def add(app: App, actor: Actor, **fields: Any) -> Address:
    return await app.use(CreateAddress)(NewAddress(actor, AddressFields(**kadikoy(**fields))))


async def change(app: App, actor: Actor, address: Address, **changes: Any) -> Address:
    return await app.use(ChangeAddress)(AddressChange(actor, address.id, changes))


async def defaults(app: App, actor: Actor) -> tuple[list[str], list[str]]:
    mine = await app.use(ListAddresses)(actor)
    return [a.title for a in mine if a.is_default_shipping], [a.title for a in mine if a.is_default_billing]


async def test_an_address_keeps_resolved_names_ids_and_the_postal_code(geo: App) -> None:
    ayse = await customer(geo, "ayse@example.com")
    address = await add(geo, ayse)
    assert (address.city_id, address.city, address.township_id, address.township) == (
        ISTANBUL, "İstanbul", KADIKOY, "Kadıköy")  # fmt: skip
    assert (address.district_id, address.district, address.postal_code) == (CAFERAGA, "Caferağa Mah", "34710")
    assert address.phone == "+905321234567"
    assert (await geo.use(GetAddress)(ayse, address.id)).line == "Moda Cad. No: 1 D: 2"


async def test_the_first_address_is_both_defaults_and_a_new_default_replaces_the_old(geo: App) -> None:
    ayse = await customer(geo, "ayse@example.com")
    await add(geo, ayse, title="Ev")
    assert await defaults(geo, ayse) == (["Ev"], ["Ev"])
    work = await add(geo, ayse, title="İş", is_default_shipping=True)
    assert await defaults(geo, ayse) == (["İş"], ["Ev"])
    await add(geo, ayse, title="Yazlık")
    assert await defaults(geo, ayse) == (["İş"], ["Ev"])
    await change(geo, ayse, work, is_default_billing=True)
    assert await defaults(geo, ayse) == (["İş"], ["İş"])
    await change(geo, ayse, work, is_default_shipping=False)
    assert await defaults(geo, ayse) == ([], ["İş"])


async def test_someone_elses_address_is_not_found(geo: App) -> None:
    ayse, mehmet = await customer(geo, "ayse@example.com"), await customer(geo, "mehmet@example.com")
    address = await add(geo, ayse)
    with pytest.raises(NotFound):
        await geo.use(GetAddress)(mehmet, address.id)
    with pytest.raises(NotFound):
        await change(geo, mehmet, address, title="Benim")
    with pytest.raises(NotFound):
        await geo.use(DeleteAddress)(mehmet, address.id)
    assert await geo.use(ListAddresses)(mehmet) == []
    await geo.use(DeleteAddress)(ayse, address.id)
    with pytest.raises(NotFound):
        await geo.use(GetAddress)(ayse, address.id)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"township": str(USKUDAR)}, "district"),
        ({"city": "17"}, "township"),
        ({"postal_code": "34714"}, "postal_code"),
        ({"phone": "12"}, "phone"),
        ({"title": "  "}, "title"),
        ({"country": "ZZ"}, "country"),
    ],
)
async def test_a_bad_field_is_named(geo: App, fields: dict[str, Any], field: str) -> None:
    ayse = await customer(geo, "ayse@example.com")
    with pytest.raises(Invalid) as caught:
        await add(geo, ayse, **fields)
    assert caught.value.errors[0].loc == ("body", field)


async def test_changing_a_level_forgets_the_narrower_levels_not_sent(geo: App) -> None:
    ayse = await customer(geo, "ayse@example.com")
    address = await add(geo, ayse)
    moved = await change(geo, ayse, address, township="Üsküdar")
    assert (moved.township_id, moved.district_id, moved.postal_code) == (USKUDAR, None, None)
    moved = await change(geo, ayse, moved, district="Altunizade")
    assert (moved.district, moved.postal_code) == ("Altunizade Mah", "34662")
    with pytest.raises(Invalid) as caught:
        await change(geo, ayse, moved, postal_code="34710")
    assert caught.value.errors[0].loc == ("body", "postal_code")
    abroad = await change(geo, ayse, moved, country="DE", city="Berlin")
    assert (abroad.country, abroad.city_id, abroad.city, abroad.township, abroad.postal_code) == (
        "DE", None, "Berlin", "", None)  # fmt: skip
    renamed = await change(geo, ayse, abroad, title="Berlin evi", phone="+49 30 901820")
    assert (renamed.title, renamed.phone, renamed.city) == ("Berlin evi", "+4930901820", "Berlin")


async def test_the_address_book_has_a_limit(geo: App) -> None:
    await geo.set("address.max_per_user", 2)
    ayse = await customer(geo, "ayse@example.com")
    await add(geo, ayse)
    second = await add(geo, ayse)
    with pytest.raises(Conflict) as caught:
        await add(geo, ayse)
    assert caught.value.code == "address_limit"
    await geo.use(DeleteAddress)(ayse, second.id)
    await add(geo, ayse)


async def test_unknown_address_is_not_found(geo: App) -> None:
    ayse = await customer(geo, "ayse@example.com")
    with pytest.raises(NotFound):
        await geo.use(GetAddress)(ayse, uuid.uuid4())
