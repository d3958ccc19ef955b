"""The address context's repositories: the same answers from the memory, SQLite and PostgreSQL adapters
(ports/address.py), and on SQL the database's own guard of one default address per kind."""

from __future__ import annotations

import uuid
from typing import Any

import attrs
import pytest

from adapters.geo.source import GeoData
from core.accounts.model import Account
from core.address.model import GEO_KINDS, Address, GeoRow, geo_id
from core.shared.errors import Conflict, NotFound
from tests.integration.contract.conftest import Backend
from tests.unit.address.geo_fixture import COUNTRIES, TREE


async def load_fixture(backend: Backend) -> dict[str, list[GeoRow]]:
    rows: dict[str, list[GeoRow]] = {kind: [] for kind in GEO_KINDS}
    for kind, row in GeoData(TREE, only_countries=COUNTRIES).rows():
        rows[kind].append(row)
    async with backend.uow() as uow:
        for kind, batch in rows.items():
            await uow.geo.save(kind, batch, [])
        await uow.commit()
    return rows


async def owner(backend: Backend) -> uuid.UUID:
    account = Account(email=f"{uuid.uuid4().hex[:10]}@example.com", password_hash="x")
    async with backend.uow() as uow:
        await uow.accounts.add(account)
        await uow.commit()
    return account.id


def address(owner_id: uuid.UUID, title: str = "Ev", **fields: Any) -> Address:
    values: dict[str, Any] = {"owner_id": owner_id, "title": title, "recipient_name": "Ayşe Yılmaz",
        "phone": "+905321234567", "country": "TR", "city_id": geo_id("city", "TR", "34"), "city": "İstanbul",
        "township_id": geo_id("township", "TR", "34", "Kadıköy"), "township": "Kadıköy", "district_id": None,
        "district": None, "postal_code": "34710", "line": "Moda Cad. 1"}  # fmt: skip
    return Address(**{**values, **fields})


async def test_geo_rows_are_stored_and_read_back(backend: Backend) -> None:
    rows = await load_fixture(backend)
    async with backend.uow() as uow:
        for kind, batch in rows.items():
            assert await uow.geo.stored(kind) == {r.id: r for r in batch}
        tr = await uow.geo.country("TR")
        assert tr is not None and tr.name == "Türkiye"
        assert await uow.geo.country("XX") is None
        assert len(await uow.geo.countries()) == len(COUNTRIES)
        assert len(await uow.geo.regions()) == len(TREE["regions"])
        assert {c.name for c in await uow.geo.cities("TR")} >= {"İstanbul", "Çanakkale", "Iğdır"}
        assert await uow.geo.cities("DE") == []
        istanbul = geo_id("city", "TR", "34")
        assert (await uow.geo.city(istanbul)).name == "İstanbul"  # type: ignore[union-attr]
        assert await uow.geo.city(uuid.uuid4()) is None
        assert len(await uow.geo.townships(istanbul)) == 8
        kadikoy = geo_id("township", "TR", "34", "Kadıköy")
        assert (await uow.geo.township(kadikoy)).city_id == istanbul  # type: ignore[union-attr]
        districts = {d.name: d for d in await uow.geo.districts(kadikoy)}
        assert districts["Caferağa Mah"].postal_code == "34710"
        assert await uow.geo.district(districts["Caferağa Mah"].id) == districts["Caferağa Mah"]
        assert await uow.geo.district(uuid.uuid4()) is None


async def test_geo_save_rewrites_changed_rows_and_rolls_back_without_commit(backend: Backend) -> None:
    rows = await load_fixture(backend)
    city = rows["cities"][0]
    renamed = attrs.evolve(city, name="Yeni Ad")
    async with backend.uow() as uow:
        await uow.geo.save("cities", [], [renamed])  # no commit
    async with backend.uow() as uow:
        assert (await uow.geo.city(city.id)) == city
        await uow.geo.save("cities", [], [renamed])
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.geo.city(city.id)) == renamed


async def test_addresses_of_an_owner_oldest_first_without_deleted_ones(backend: Backend) -> None:
    await load_fixture(backend)
    ayse, mehmet = await owner(backend), await owner(backend)
    home, work, other = address(ayse, "Ev"), address(ayse, "İş", is_default_shipping=True), address(mehmet)
    for item in (home, work, other):
        async with backend.uow() as uow:
            await uow.addresses.add(item)
            await uow.commit()
    async with backend.uow() as uow:
        assert [a.title for a in await uow.addresses.of_owner(ayse)] == ["Ev", "İş"]
        assert await uow.addresses.count_of_owner(ayse) == 2
        loaded = await uow.addresses.get(work.id)
        assert (loaded.city, loaded.township_id, loaded.is_default_shipping) == ("İstanbul", work.township_id, True)
        loaded.delete(ayse)
        await uow.commit()
    async with backend.uow() as uow:
        assert [a.title for a in await uow.addresses.of_owner(ayse)] == ["Ev"]
        assert await uow.addresses.count_of_owner(ayse) == 1
        with pytest.raises(NotFound):
            await uow.addresses.get(work.id)


async def test_moving_a_default_clears_the_old_one_first(backend: Backend) -> None:
    await load_fixture(backend)
    ayse = await owner(backend)
    home, work = address(ayse, "Ev", is_default_shipping=True), address(ayse, "İş")
    async with backend.uow() as uow:
        await uow.addresses.add(home)
        await uow.addresses.add(work)
        await uow.commit()
    async with backend.uow() as uow:
        old, new = await uow.addresses.get(home.id), await uow.addresses.get(work.id)
        old.is_default_shipping = False
        await uow.addresses.flush()
        new.is_default_shipping = True
        await uow.commit()
    async with backend.uow() as uow:
        assert [a.title for a in await uow.addresses.of_owner(ayse) if a.is_default_shipping] == ["İş"]


async def test_sql_refuses_a_second_default_of_a_kind(backend: Backend) -> None:
    """The memory adapter leaves this rule to the use case; on SQL the partial unique index holds it even
    when two transactions race (a deleted default does not count)."""
    if backend.kind == "memory":
        return
    await load_fixture(backend)
    ayse = await owner(backend)
    async with backend.uow() as uow:
        await uow.addresses.add(address(ayse, "Ev", is_default_shipping=True, is_default_billing=True))
        await uow.commit()
    with pytest.raises(Conflict):
        async with backend.uow() as uow:
            await uow.addresses.add(address(ayse, "İş", is_default_billing=True))
            await uow.commit()
    async with backend.uow() as uow:
        home = (await uow.addresses.of_owner(ayse))[0]
        home.delete(ayse)
        await uow.addresses.add(address(ayse, "İş", is_default_billing=True, is_default_shipping=True))
        await uow.commit()
