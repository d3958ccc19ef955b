"""Company fixtures: the address context's small geo fixture, loaded, and a helper that creates companies through
the staff use case with valid defaults."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest

from core.address.use_cases.loading import LoadGeo, LoadGeoData
from core.company.model import Company
from core.company.use_cases.companies import CompanyAddressIn, CreateCompany, NewCompany
from core.shared.actor import Actor
from ports.address import GeoSource
from tests.unit.address.geo_fixture import fixture_source
from tests.unit.conftest import App

STAFF = Actor(uuid.uuid4(), frozenset({"company.manage"}))
# valid VKNs (check digit computed with python-stdnum's algorithm)
VKNS = ["4540536920", "1234567890", "0010000009", "3840207000", "9990000005"]
TCKN = "17291716060"


async def load_reference_data(container: Any) -> None:
    """The address context's small geo fixture (a part of Türkiye's tree, and a few countries), loaded the way
    `carsi geo load` loads the shipped data."""
    container.register(GeoSource, instance=fixture_source())
    await container.resolve(LoadGeo)(LoadGeoData())


class Companies:
    def __init__(self, app: App) -> None:
        self.app = app
        self._vkn = itertools.cycle(VKNS)

    async def create(self, legal_name: str = "Çarşı Ticaret A.Ş.", **fields: Any) -> Company:
        values: dict[str, Any] = {"tax_no": next(self._vkn), "tax_office": "Kadıköy", "email": "info@carsi.com.tr",
                                  **fields}  # fmt: skip
        return await self.app.use(CreateCompany)(NewCompany(actor=STAFF, legal_name=legal_name, **values))

    async def get(self, company_id: uuid.UUID) -> Company:
        async with self.app.uow() as uow:
            return await uow.companies.get(company_id)


@pytest.fixture
async def companies(app: App) -> Companies:
    await load_reference_data(app.container)
    return Companies(app)


def address(**fields: Any) -> CompanyAddressIn:
    values: dict[str, Any] = {"line": "Moda Cad. No: 1 D: 2", "country": "TR", "city": "İstanbul",
                              "township": "Kadıköy", **fields}  # fmt: skip
    return CompanyAddressIn(**values)
