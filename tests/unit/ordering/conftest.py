"""Ordering fixtures: the unit container with the small geo tree loaded, a sandbox payment method and a Shop."""

from __future__ import annotations

from typing import Any

import pytest

from core.address.model import geo_id
from core.address.use_cases.loading import LoadGeo, LoadGeoData
from ports.address import GeoSource
from tests.unit.address.geo_fixture import fixture_source
from tests.unit.conftest import App
from tests.unit.ordering.shop import Shop

ISTANBUL = str(geo_id("city", "TR", "34"))
KADIKOY = str(geo_id("township", "TR", "34", "Kadıköy"))
CAFERAGA = str(geo_id("district", "TR", "34", "Kadıköy", "Caferağa Mah"))


def inline_address(**fields: Any) -> dict[str, Any]:
    return {"recipient_name": "Ayşe Yılmaz", "phone": "0532 123 45 67", "country": "TR", "city": ISTANBUL,
            "township": KADIKOY, "district": CAFERAGA, "line": "Moda Cad. No: 1 D: 2", **fields}  # fmt: skip


@pytest.fixture
async def shop(app: App) -> Shop:
    app.container.register(GeoSource, instance=fixture_source())
    await app.use(LoadGeo)(LoadGeoData())
    built = Shop(app.container)
    await built.payment_method("sandbox")
    return built
