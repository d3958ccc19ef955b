"""The company repository (ports/company.py): the same answers from the memory, SQLite and PostgreSQL adapters,
and on SQL the database itself holding one live default and unique live tax numbers under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from bootstrap import Settings, bootstrap, shutdown
from core.catalog.use_cases.common import Revision
from core.company.model import Company
from core.company.use_cases.companies import ChangeCompany, CreateCompany, NewCompany
from core.shared.actor import SYSTEM
from core.shared.errors import Conflict, NotFound
from core.shared.pagination import PageRequest
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH
from tests.integration.contract.builders import unique, walk
from tests.integration.contract.conftest import Backend, acting_as


def company(tax_no: str | None = None, **fields: Any) -> Company:
    values: dict[str, Any] = {"legal_name": "Çarşı A.Ş.", "tax_office": "Kadıköy", "email": "info@carsi.com.tr",
                              **fields}  # fmt: skip
    return Company(tax_no=tax_no or unique()[:10], **values)


async def add(backend: Backend, *items: Company) -> None:
    async with backend.uow() as uow:
        for item in items:
            await uow.companies.add(item)
        await uow.commit()


async def test_a_company_round_trips_with_every_field(backend: Backend) -> None:
    made = company("4540536920", mersis_no="0454053692000015", phone="+902124445566", trade_registry_no="123456",
                   currency="EUR", default_language="en", country="DE", work_start_hour=time(8, 30),
                   work_end_hour=time(17, 45), address_line="Moda Cad. 1", address_country="DE",
                   address_city="Berlin", address_township="Mitte", address_postal_code="10115")  # fmt: skip
    with acting_as(SYSTEM):
        await add(backend, made)
    async with backend.uow() as uow:
        got = await uow.companies.get(made.id)
    assert (got.tax_no, got.mersis_no, got.phone, got.currency, got.default_language, got.country) == (
        "4540536920",
        "0454053692000015",
        "+902124445566",
        "EUR",
        "en",
        "DE",
    )
    assert (got.work_start_hour, got.work_end_hour) == (time(8, 30), time(17, 45))
    address = got.address()
    assert address is not None and (address.line, address.city, address.postal_code) == (
        "Moda Cad. 1",
        "Berlin",
        "10115",
    )
    assert got.version == 1 and not got.is_default


async def test_lookups_see_live_companies_only(backend: Backend) -> None:
    live, gone = company(), company()
    await add(backend, live, gone)
    async with backend.uow() as uow:
        (await uow.companies.get(gone.id)).delete(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.companies.by_tax_no(live.tax_no)).id == live.id  # type: ignore[union-attr]
        assert await uow.companies.by_tax_no(gone.tax_no) is None
        assert await uow.companies.count() == 1
        with pytest.raises(NotFound):
            await uow.companies.get(gone.id)
        with pytest.raises(NotFound):
            await uow.companies.get(uuid.uuid4())


async def test_make_default_moves_the_flag_and_returns_the_previous_default(backend: Backend) -> None:
    first, second = company(), company()
    await add(backend, first, second)
    async with backend.uow() as uow:
        assert await uow.companies.default() is None
        assert await uow.companies.make_default(await uow.companies.get(first.id)) is None
        await uow.commit()
    async with backend.uow() as uow:
        previous = await uow.companies.make_default(await uow.companies.get(second.id))
        assert previous is not None and previous.id == first.id and not previous.is_default
        again = await uow.companies.make_default(await uow.companies.get(second.id))
        assert again is None  # already the default
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.companies.default()).id == second.id  # type: ignore[union-attr]
        assert not (await uow.companies.get(first.id)).is_default


async def test_a_soft_deleted_default_is_not_the_default(backend: Backend) -> None:
    only = company(is_default=True)
    await add(backend, only)
    async with backend.uow() as uow:
        (await uow.companies.get(only.id)).delete(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.companies.default() is None
        assert await uow.companies.count() == 0


async def test_the_list_pages_newest_first_and_filters_by_folded_name_or_tax_no(backend: Backend) -> None:
    made = []
    for name in ("Anadolu Gıda", "IŞIK Tekstil", "Çınar Yayın", "Deniz Lojistik", "Ege Un"):
        with acting_as(SYSTEM):
            item = company(legal_name=name)
            await add(backend, item)
        made.append(item)

    async def page(cursor: str | None) -> Any:
        async with backend.uow() as uow:
            return await uow.companies.list(PageRequest(limit=2, cursor=cursor))

    seen = await walk(page)
    assert [c.id for c in seen] == [c.id for c in reversed(made)]
    async with backend.uow() as uow:
        found = await uow.companies.list(PageRequest(), q="ışık")
        assert [c.legal_name for c in found.items] == ["IŞIK Tekstil"]
        by_tax = await uow.companies.list(PageRequest(), q=made[3].tax_no)
        assert [c.id for c in by_tax.items] == [made[3].id]


# --- SQL: the database holds the rules when two writers race ---------------------------------------------------


@pytest.fixture
async def sql(sql_url: str, tmp_path: Path) -> AsyncIterator[Any]:
    c = bootstrap(Settings(database_url=sql_url, profile="test", var_dir=str(tmp_path), **FAST_HASH))
    yield c
    await shutdown(c)


async def test_the_database_refuses_a_second_live_default(sql: Any) -> None:
    async with sql.resolve(UnitOfWork) as uow:
        await uow.companies.add(company(is_default=True))
        await uow.commit()
    async with sql.resolve(UnitOfWork) as uow:
        await uow.companies.add(company(is_default=True))  # no make_default: the index must catch it
        with pytest.raises(Conflict):
            await uow.commit()


async def test_a_duplicate_live_tax_number_the_check_missed_is_a_conflict(sql: Any) -> None:
    first = company("4540536920")
    async with sql.resolve(UnitOfWork) as uow:
        await uow.companies.add(first)
        await uow.commit()
    async with sql.resolve(UnitOfWork) as uow:
        await uow.companies.add(company("4540536920"))
        with pytest.raises(Conflict):
            await uow.commit()


async def test_concurrent_default_switches_leave_exactly_one_default(sql: Any) -> None:
    create = sql.resolve(CreateCompany)
    made = [await create(NewCompany(SYSTEM, f"Şirket {n}", tax_no, "Kadıköy", "info@carsi.com.tr"))
            for n, tax_no in enumerate(["4540536920", "1234567890", "0010000009", "3840207000"])]  # fmt: skip
    for _ in range(3):
        results = await asyncio.gather(
            *(sql.resolve(ChangeCompany)(Revision(SYSTEM, c.id, {"is_default": True})) for c in made[1:]),
            return_exceptions=True,
        )
        assert all(isinstance(r, Company | Conflict) for r in results), results
        async with sql.resolve(UnitOfWork) as uow:
            flags = [(await uow.companies.get(c.id)).is_default for c in made]
        assert flags.count(True) == 1, flags
