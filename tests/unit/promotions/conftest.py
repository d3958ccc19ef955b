"""Promotion fixtures: a staff actor and a helper that makes campaigns, coupons and bundles through the staff
use cases with valid defaults."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.promotions.model import BundleDeal, BundleItem, Campaign, Coupon
from core.promotions.use_cases.admin_bundles import CreateBundle, NewBundle
from core.promotions.use_cases.admin_campaigns import CreateCampaign, NewCampaign
from core.promotions.use_cases.admin_coupons import CreateCoupon, NewCoupon
from core.shared.actor import Actor
from tests.unit.conftest import App

STAFF = Actor(uuid.uuid4(), frozenset({"promotions.manage"}))
STARTED = datetime(2024, 1, 1, tzinfo=UTC)


class Promotions:
    def __init__(self, container: Any) -> None:
        self.container = container

    def use(self, cls: type[Any]) -> Any:
        return self.container.resolve(cls)

    async def campaign(self, name: str = "Yaz indirimi", **fields: Any) -> Campaign:
        values: dict[str, Any] = {"discount_type": "percentage", "discount_value": "10", "start_date": STARTED,
                                  **fields}  # fmt: skip
        return await self.use(CreateCampaign)(NewCampaign(actor=STAFF, name=name, **values))  # type: ignore[no-any-return]

    async def coupon(self, code: str = "YAZ10", campaign_id: uuid.UUID | None = None, **fields: Any) -> Coupon:
        if campaign_id is None:
            campaign_id = (await self.campaign()).id
        return await self.use(CreateCoupon)(NewCoupon(STAFF, code, campaign_id, **fields))  # type: ignore[no-any-return]

    async def bundle(self, items: list[tuple[uuid.UUID, int]], **fields: Any) -> BundleDeal:
        values: dict[str, Any] = {"price": "150.00", **fields}
        made = NewBundle(STAFF, "Set", [BundleItem(v, q) for v, q in items], **values)
        return await self.use(CreateBundle)(made)  # type: ignore[no-any-return]


@pytest.fixture
def promotions(app: App) -> Promotions:
    return Promotions(app.container)


def days(n: float) -> timedelta:
    return timedelta(days=n)
