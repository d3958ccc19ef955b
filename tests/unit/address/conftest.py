"""Address fixtures: the unit container with the small geo fixture as its data source, loaded."""

from __future__ import annotations

from typing import Any

import pytest

from core.address.model import geo_id
from core.address.use_cases.loading import LoadGeo, LoadGeoData
from core.shared.actor import Actor
from ports.address import GeoSource
from tests.unit.address.geo_fixture import fixture_source
from tests.unit.conftest import App

KADIKOY = geo_id("township", "TR", "34", "Kadıköy")
USKUDAR = geo_id("township", "TR", "34", "Üsküdar")
ISTANBUL = geo_id("city", "TR", "34")
CANAKKALE = geo_id("city", "TR", "17")
CAFERAGA = geo_id("district", "TR", "34", "Kadıköy", "Caferağa Mah")
ALTUNIZADE = geo_id("district", "TR", "34", "Üsküdar", "Altunizade Mah")


@pytest.fixture
async def geo(app: App) -> App:
    """The app with the fixture geo data loaded."""
    app.container.register(GeoSource, instance=fixture_source())
    await app.use(LoadGeo)(LoadGeoData())
    return app


async def customer(app: App, email: str) -> Actor:
    await app.register(email)
    return await app.actor(await app.login(email))


def kadikoy(**fields: Any) -> dict[str, Any]:
    """Address fields in Kadıköy, İstanbul, by id."""
    return {"title": "Ev", "recipient_name": "Ayşe Yılmaz", "phone": "0532 123 45 67", "country": "TR",
            "city": str(ISTANBUL), "township": str(KADIKOY), "district": str(CAFERAGA),
            "line": "Moda Cad. No: 1 D: 2", **fields}  # fmt: skip
