"""Staff work on campaigns, coupons and bundles on memory storage: every check names its field, codes are
unique case-insensitively among live coupons, generated codes never collide, and every change is audited."""

from __future__ import annotations

import csv
import io
import itertools
import uuid
from decimal import Decimal
from typing import Any

import pytest

from core.catalog.use_cases.common import Revision
from core.promotions.model import CODE_ALPHABET, BundleItem
from core.promotions.use_cases import admin_coupons
from core.promotions.use_cases.admin_bundles import ChangeBundle, DeleteBundle, GetBundle, ListBundles
from core.promotions.use_cases.admin_campaigns import ChangeCampaign, DeleteCampaign, GetCampaign, ListCampaigns
from core.promotions.use_cases.admin_coupons import (
    ChangeCoupon,
    CouponBatch,
    DeleteCoupon,
    ExportCoupons,
    GenerateCoupons,
    ListCoupons,
)
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.pagination import PageRequest
from tests.unit.conftest import App
from tests.unit.ordering.shop import Shop
from tests.unit.promotions.conftest import STAFF, STARTED, Promotions, days

CATEGORY = str(uuid.uuid4())
RULES = [
    {"rule_type": "all",
     "conditions": [{"type": "category", "ids": [CATEGORY]}, {"type": "min_quantity", "quantity": 3}],
     "actions": [{"type": "lines_percentage", "percent": "20"}]},
    {"conditions": [{"type": "first_order"}], "actions": [{"type": "free_shipping"}]},
]  # fmt: skip


def loc(exc: pytest.ExceptionInfo[Invalid]) -> tuple[str | int, ...]:
    return exc.value.errors[0].loc


async def change(app: App, use_case: type[Any], target: uuid.UUID, **changes: Any) -> Any:
    return await app.use(use_case)(Revision(STAFF, target, changes))


async def actions(app: App, target_type: str) -> list[str]:
    return sorted(e.action for e in await app.audit(target_type=target_type))


# --- campaigns -----------------------------------------------------------------------------------------------


async def test_a_campaign_is_created_with_checked_values_and_its_rules(app: App, promotions: Promotions) -> None:
    made = await promotions.campaign(" Yaz ", discount_type="fixed_amount", discount_value="50", currency="try",
                                     minimum_cart_amount="250", usage_limit=100, rules=RULES, priority=5,
                                     exclusive=True, automatic=True, end_date=STARTED + days(30))  # fmt: skip
    stored = await app.use(GetCampaign)(made.id)
    assert (stored.name, stored.discount_value, stored.currency, stored.minimum_cart_amount) == (
        "Yaz", Decimal("50.00"), "TRY", Decimal("250.00"))  # fmt: skip
    assert (stored.usage_limit, stored.used_count, stored.priority, stored.exclusive, stored.automatic) == (
        100, 0, 5, True, True)  # fmt: skip
    assert len(stored.rules) == 2 and stored.rules[0].conditions[1].quantity == 3  # type: ignore[union-attr]
    assert await actions(app, "campaign") == ["campaign.create"]


@pytest.mark.parametrize(("fields", "where"), [
    ({"name": " "}, ("body", "name")),
    ({"discount_type": "bogo"}, ("body", "discount_type")),
    ({"discount_value": "0"}, ("body", "discount_value")),
    ({"discount_value": "101"}, ("body", "discount_value")),
    ({"discount_type": "fixed_amount", "discount_value": "9.999"}, ("body", "discount_value")),
    ({"currency": "XYZ"}, ("body", "currency")),
    ({"minimum_cart_amount": "-1"}, ("body", "minimum_cart_amount")),
    ({"usage_limit": 0}, ("body", "usage_limit")),
    ({"priority": 10**6}, ("body", "priority")),
    ({"end_date": STARTED}, ("body", "end_date")),
    ({"rules": [{"conditions": [{"type": "brand", "ids": ["nope"]}]}]},
     ("body", "rules", 0, "conditions", 0, "ids", 0)),
    ({"rules": {"not": "a list"}}, ("body", "rules")),
])  # fmt: skip
async def test_an_invalid_campaign_is_422_naming_the_field(app: App, promotions: Promotions, fields: dict[str, Any],
                                                          where: tuple[Any, ...]) -> None:  # fmt: skip
    with pytest.raises(Invalid) as exc:
        await promotions.campaign(**fields)
    assert loc(exc) == where
    assert (await app.use(ListCampaigns)(PageRequest())).items == []


async def test_a_campaign_patch_replaces_the_rules_and_is_audited(app: App, promotions: Promotions) -> None:
    made = await promotions.campaign(rules=RULES)
    changed = await change(app, ChangeCampaign, made.id, rules=RULES[1:], discount_type="fixed_amount",
                           discount_value="25.5", end_date=None, name="Kış")  # fmt: skip
    assert (changed.name, changed.discount_type, changed.discount_value, len(changed.rules)) == (
        "Kış", "fixed_amount", Decimal("25.50"), 1)  # fmt: skip
    stored = await app.use(GetCampaign)(made.id)
    assert len(stored.rules) == 1 and stored.discount_value == Decimal("25.50")
    await change(app, ChangeCampaign, made.id, rules=None)
    assert (await app.use(GetCampaign)(made.id)).rules == []
    entries = await app.audit(target_type="campaign")
    assert [e.action for e in entries].count("campaign.update") == 2
    assert any("rules" in e.changes for e in entries if e.action == "campaign.update")


async def test_a_patch_checks_the_value_against_type_and_currency(app: App, promotions: Promotions) -> None:
    made = await promotions.campaign(discount_type="fixed_amount", discount_value="10.50")
    with pytest.raises(Invalid) as exc:
        await change(app, ChangeCampaign, made.id, currency="JPY")
    assert loc(exc) == ("body", "discount_value")
    with pytest.raises(Invalid) as exc:
        await change(app, ChangeCampaign, made.id, discount_value="10.505")
    assert loc(exc) == ("body", "discount_value")
    with pytest.raises(Invalid) as exc:
        await change(app, ChangeCampaign, made.id, slug="x")
    assert loc(exc) == ("body", "slug")
    with pytest.raises(Invalid) as exc:
        await change(app, ChangeCampaign, made.id, start_date=STARTED + days(10), end_date=STARTED + days(5))
    assert loc(exc) == ("body", "end_date")
    assert (await app.use(GetCampaign)(made.id)).discount_value == Decimal("10.50")


async def test_a_usage_limit_below_the_uses_so_far_is_409(app: App, promotions: Promotions) -> None:
    made = await promotions.campaign(usage_limit=5)
    async with app.uow() as uow:
        assert await uow.promotions.claim_campaign(made.id) and await uow.promotions.claim_campaign(made.id)
        await uow.commit()
    with pytest.raises(Conflict) as exc:
        await change(app, ChangeCampaign, made.id, usage_limit=1)
    assert exc.value.code == "limit_below_uses"
    assert (await change(app, ChangeCampaign, made.id, usage_limit=2)).usage_limit == 2


async def test_a_deleted_campaign_is_gone_and_its_coupons_stop_working(app: App, promotions: Promotions) -> None:
    coupon = await promotions.coupon()
    await app.use(DeleteCampaign)(STAFF, coupon.campaign_id)
    with pytest.raises(NotFound):
        await app.use(GetCampaign)(coupon.campaign_id)
    async with app.uow() as uow:
        found = await uow.promotions.coupon_by_code("YAZ10")
        assert found is not None
        campaign = None
        with pytest.raises(NotFound):
            campaign = await uow.promotions.get_campaign(found.campaign_id)
    assert found.blocked_reason(campaign, app.clock.now(), 0) == ("coupon_not_found", "no usable coupon YAZ10")
    assert "campaign.delete" in await actions(app, "campaign")


async def test_campaigns_are_listed_newest_first_and_filtered(app: App, promotions: Promotions) -> None:
    first = await promotions.campaign("Yaz Şenliği")
    second = await promotions.campaign("Kış", automatic=True)
    everything = await app.use(ListCampaigns)(PageRequest())
    assert [c.id for c in everything.items] == [second.id, first.id]
    assert [c.id for c in (await app.use(ListCampaigns)(PageRequest(), q="ŞENLİ")).items] == [first.id]
    assert [c.id for c in (await app.use(ListCampaigns)(PageRequest(), automatic=True)).items] == [second.id]
    page = await app.use(ListCampaigns)(PageRequest(limit=1))
    rest = await app.use(ListCampaigns)(PageRequest(limit=1, cursor=page.next_cursor))
    assert [c.id for c in rest.items] == [first.id]


# --- coupons -------------------------------------------------------------------------------------------------


async def test_coupon_codes_are_unique_case_insensitively_among_live_coupons(app: App, promotions: Promotions) -> None:
    first = await promotions.coupon(" yaz10 ")
    assert first.code == "YAZ10"
    with pytest.raises(Conflict) as exc:
        await promotions.coupon("Yaz10", first.campaign_id)
    assert exc.value.code == "duplicate_coupon_code"
    await app.use(DeleteCoupon)(STAFF, first.id)
    again = await promotions.coupon("yaz10", first.campaign_id)
    assert again.code == "YAZ10" and again.id != first.id
    assert await actions(app, "coupon") == ["coupon.create", "coupon.create", "coupon.delete"]


@pytest.mark.parametrize(("fields", "where"), [
    ({"code": "x"}, ("body", "code")),
    ({"total_usage_limit": 0}, ("body", "total_usage_limit")),
    ({"usage_limit_per_user": -1}, ("body", "usage_limit_per_user")),
    ({"start_date": STARTED + days(2), "end_date": STARTED + days(1)}, ("body", "end_date")),
])  # fmt: skip
async def test_an_invalid_coupon_is_422_naming_the_field(promotions: Promotions, fields: dict[str, Any],
                                                        where: tuple[Any, ...]) -> None:  # fmt: skip
    campaign = await promotions.campaign()
    values = {"code": "YAZ10", **fields}
    with pytest.raises(Invalid) as exc:
        await promotions.coupon(values.pop("code"), campaign.id, **values)
    assert loc(exc) == where


async def test_a_coupon_needs_a_live_campaign(app: App, promotions: Promotions) -> None:
    with pytest.raises(Invalid) as exc:
        await promotions.coupon("YAZ10", uuid.uuid4())
    assert loc(exc) == ("body", "campaign_id") and exc.value.code == "unknown_reference"


async def test_a_coupon_patch_checks_code_and_limits(app: App, promotions: Promotions) -> None:
    coupon = await promotions.coupon("YAZ10", total_usage_limit=5)
    await promotions.coupon("KIS20", coupon.campaign_id)
    with pytest.raises(Conflict) as exc:
        await change(app, ChangeCoupon, coupon.id, code="kis20")
    assert exc.value.code == "duplicate_coupon_code"
    async with app.uow() as uow:
        assert await uow.promotions.claim_coupon(coupon.id, "user:1", None) is None
        assert await uow.promotions.claim_coupon(coupon.id, "user:2", None) is None
        await uow.commit()
    with pytest.raises(Conflict) as exc:
        await change(app, ChangeCoupon, coupon.id, total_usage_limit=1)
    assert exc.value.code == "limit_below_uses"
    with pytest.raises(Invalid) as exc:
        await change(app, ChangeCoupon, coupon.id, campaign_id=uuid.uuid4())
    assert loc(exc) == ("body", "campaign_id")
    changed = await change(app, ChangeCoupon, coupon.id, code="yaz-10", total_usage_limit=None, is_active=False)
    assert (changed.code, changed.total_usage_limit, changed.is_active, changed.used_count) == (
        "YAZ-10", None, False, 2)  # fmt: skip


async def test_coupons_are_listed_by_campaign_and_code_prefix(app: App, promotions: Promotions) -> None:
    one = await promotions.coupon("YAZ10")
    other = await promotions.coupon("KIS10")
    assert [c.id for c in (await app.use(ListCoupons)(PageRequest(), campaign_id=one.campaign_id)).items] == [one.id]
    assert [c.id for c in (await app.use(ListCoupons)(PageRequest(), q="ki")).items] == [other.id]


async def test_generated_codes_are_unique_and_from_the_alphabet(app: App, promotions: Promotions) -> None:
    campaign = await promotions.campaign()
    made = await app.use(GenerateCoupons)(CouponBatch(STAFF, campaign.id, 200, prefix="yaz-", length=8))
    assert made.count == 200 and len(set(made.codes)) == 200
    assert all(c.startswith("YAZ-") and len(c) == 12 and set(c[4:]) <= set(CODE_ALPHABET) for c in made.codes)
    async with app.uow() as uow:
        stored = await uow.promotions.coupons_of(campaign.id)
    assert sorted(c.code for c in stored) == sorted(made.codes)
    assert {(c.total_usage_limit, c.usage_limit_per_user, c.used_count) for c in stored} == {(1, None, 0)}
    assert "coupon.generate" in await actions(app, "campaign")


async def test_a_generated_code_a_coupon_has_is_drawn_again(app: App, promotions: Promotions,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    taken = await promotions.coupon("TAKEN0001")
    fresh = (f"FRESH{n:04d}" for n in itertools.count())
    draws = iter(["TAKEN0001", "TAKEN0001"])
    monkeypatch.setattr(admin_coupons, "random_code", lambda prefix, length: next(draws, None) or next(fresh))
    made = await app.use(GenerateCoupons)(CouponBatch(STAFF, taken.campaign_id, 3))
    assert made.codes == ["FRESH0000", "FRESH0001", "FRESH0002"]


async def test_generating_stops_when_no_free_code_is_left(app: App, promotions: Promotions,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    taken = await promotions.coupon("TAKEN0001")
    monkeypatch.setattr(admin_coupons, "random_code", lambda prefix, length: "TAKEN0001")
    with pytest.raises(Conflict) as exc:
        await app.use(GenerateCoupons)(CouponBatch(STAFF, taken.campaign_id, 2))
    assert exc.value.code == "code_space_exhausted"


@pytest.mark.parametrize(("fields", "where"), [
    ({"count": 0}, ("body", "count")), ({"count": 10_001}, ("body", "count")),
    ({"prefix": "-X"}, ("body", "prefix")), ({"prefix": "A" * 21}, ("body", "prefix")),
    ({"length": 5}, ("body", "length")), ({"total_usage_limit": 0}, ("body", "total_usage_limit")),
])  # fmt: skip
async def test_an_invalid_batch_is_422(app: App, promotions: Promotions, fields: dict[str, Any],
                                      where: tuple[Any, ...]) -> None:  # fmt: skip
    campaign = await promotions.campaign()
    values = {"count": 5, **fields}
    with pytest.raises(Invalid) as exc:
        await app.use(GenerateCoupons)(CouponBatch(STAFF, campaign.id, **values))
    assert loc(exc) == where


async def test_a_campaigns_coupons_export_as_csv(app: App, promotions: Promotions) -> None:
    campaign = await promotions.campaign()
    await promotions.coupon("BBB", campaign.id, total_usage_limit=3, end_date=STARTED + days(10))
    await promotions.coupon("AAA", campaign.id, usage_limit_per_user=1, is_active=False)
    await promotions.coupon("OTHER")
    rows = list(csv.reader(io.StringIO(await app.use(ExportCoupons)(campaign.id))))
    assert rows == [
        ["code", "total_usage_limit", "usage_limit_per_user", "used_count", "start_date", "end_date", "is_active"],
        ["AAA", "", "1", "0", "", "", "false"],
        ["BBB", "3", "", "0", "", (STARTED + days(10)).isoformat(), "true"],
    ]
    with pytest.raises(NotFound):
        await app.use(ExportCoupons)(uuid.uuid4())


# --- bundles -------------------------------------------------------------------------------------------------


async def test_a_bundle_is_created_changed_and_deleted(app: App, promotions: Promotions) -> None:
    shop = Shop(app.container)
    shirt, trousers, socks = (await shop.variant("100.00")).id, (await shop.variant("80.00")).id, uuid.uuid4()
    made = await promotions.bundle([(shirt, 1), (trousers, 2)], price="200")
    stored = await app.use(GetBundle)(made.id)
    assert (stored.items, stored.price, stored.percent) == (
        [BundleItem(shirt, 1), BundleItem(trousers, 2)], Decimal("200.00"), None)  # fmt: skip
    changed = await change(app, ChangeBundle, made.id, items=[BundleItem(trousers, 1)], price=None, percent="15")
    assert (changed.items, changed.price, changed.percent) == ([BundleItem(trousers, 1)], None, Decimal(15))
    assert (await app.use(GetBundle)(made.id)).items == [BundleItem(trousers, 1)]
    with pytest.raises(Invalid) as exc:
        await change(app, ChangeBundle, made.id, items=[BundleItem(trousers, 1), BundleItem(socks, 1)])
    assert loc(exc) == ("body", "items", 1, "variant_id") and exc.value.code == "unknown_reference"
    with pytest.raises(Invalid) as exc:
        await change(app, ChangeBundle, made.id, price="10")
    assert exc.value.code == "price_or_percent"
    assert [b.id for b in (await app.use(ListBundles)(PageRequest())).items] == [made.id]
    await app.use(DeleteBundle)(STAFF, made.id)
    with pytest.raises(NotFound):
        await app.use(GetBundle)(made.id)
    assert await actions(app, "bundle_deal") == ["bundle.create", "bundle.delete", "bundle.update"]


async def test_a_bundle_of_unknown_variants_is_422(promotions: Promotions) -> None:
    with pytest.raises(Invalid) as exc:
        await promotions.bundle([(uuid.uuid4(), 1)])
    assert loc(exc) == ("body", "items", 0, "variant_id")
