"""Campaigns, coupons and bundle deals over HTTP (`promotions.manage`), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import httpx
import pytest

from tests.integration.http.conftest import Api, User, assert_problem
from tests.unit.ordering.shop import Shop

ADMIN = "/api/v1/admin/promotions"
CAMPAIGNS, COUPONS, BUNDLES = f"{ADMIN}/campaigns", f"{ADMIN}/coupons", f"{ADMIN}/bundles"
CATEGORY = str(uuid.uuid4())
RULE = {"rule_type": "any", "conditions": [{"type": "category", "ids": [CATEGORY]}],
        "actions": [{"type": "buy_x_get_y", "buy": 2, "get": 1, "percent": "100"}]}  # fmt: skip


def campaign_body(**fields: Any) -> dict[str, Any]:
    return {"name": "Yaz indirimi", "discount_type": "percentage", "discount_value": "10",
            "start_date": "2025-06-01T00:00:00+03:00", "end_date": "2025-09-01T00:00:00Z", **fields}  # fmt: skip


def locs(response: httpx.Response) -> list[list[Any]]:
    return [e["loc"] for e in assert_problem(response, 422)["errors"]]


@pytest.fixture
async def staff(api: Api) -> User:
    return await api.staff("promotions.manage")


async def campaign(api: Api, staff: User, **fields: Any) -> dict[str, Any]:
    made = await api.client.post(CAMPAIGNS, json=campaign_body(**fields), headers=staff.headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


async def test_only_promotion_managers_reach_the_promotion_routes(api: Api, staff: User) -> None:
    customer, catalog = await api.customer(), await api.staff("catalog.manage")
    for path in (CAMPAIGNS, COUPONS, BUNDLES):
        for who in (customer, catalog):
            assert_problem(await api.client.get(path, headers=who.headers), 403, "permission_denied")
            assert_problem(await api.client.post(path, json={}, headers=who.headers), 403)
        assert_problem(await api.client.get(path), 401)
        assert (await api.client.get(path, headers=staff.headers)).status_code == 200
    csv_path = f"{CAMPAIGNS}/{uuid.uuid4()}/coupons.csv"
    assert_problem(await api.client.get(csv_path, headers=customer.headers), 403)
    assert_problem(await api.client.get(csv_path), 401)


async def test_a_campaign_is_created_read_changed_listed_and_deleted(api: Api, staff: User) -> None:
    h = staff.headers
    made = await campaign(api, staff, discount_type="fixed_amount", discount_value="50", minimum_cart_amount="250",
                          usage_limit=100, rules=[RULE], automatic=True, priority=3, exclusive=True)  # fmt: skip
    assert {k: made[k] for k in ("discount_type", "discount_value", "minimum_cart_amount", "usage_limit",
                                 "used_count", "automatic", "priority", "exclusive", "currency", "is_active")} == {
        "discount_type": "fixed_amount", "discount_value": "50.00", "minimum_cart_amount": "250.00",
        "usage_limit": 100, "used_count": 0, "automatic": True, "priority": 3, "exclusive": True,
        "currency": "TRY", "is_active": True,
    }  # fmt: skip
    assert made["start_date"] == "2025-05-31T21:00:00+00:00" and made["end_date"] == "2025-09-01T00:00:00+00:00"
    assert made["rules"] == [RULE]
    url = f"{CAMPAIGNS}/{made['id']}"
    assert (await api.client.get(url, headers=h)).json() == made

    patched = await api.client.patch(url, json={"discount_type": "percentage", "discount_value": "12.5",
                                                "rules": None, "end_date": None}, headers=h)  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert (patched.json()["discount_value"], patched.json()["rules"], patched.json()["end_date"]) == ("12.5", [], None)

    listed = await api.client.get(CAMPAIGNS, params={"automatic": "true", "q": "yaz"}, headers=h)
    assert [c["id"] for c in listed.json()["items"]] == [made["id"]] and listed.json()["next_cursor"] is None
    assert (await api.client.delete(url, headers=h)).status_code == 204
    assert_problem(await api.client.get(url, headers=h), 404)
    audit = await api.client.get("/api/v1/admin/audit-log", params={"target_type": "campaign"},
                                 headers=(await api.admin()).headers)  # fmt: skip
    assert {"campaign.create", "campaign.update", "campaign.delete"} <= {e["action"] for e in audit.json()["items"]}


@pytest.mark.parametrize(("fields", "loc"), [
    ({"discount_type": "bogo"}, ["body", "discount_type"]),
    ({"discount_value": 10}, ["body", "discount_value"]),
    ({"discount_value": "150"}, ["body", "discount_value"]),
    ({"start_date": "2025-06-01T00:00:00"}, ["body", "start_date"]),
    ({"end_date": "2025-05-01T00:00:00Z"}, ["body", "end_date"]),
    ({"usage_limit": 0}, ["body", "usage_limit"]),
    ({"currency": "XXQ"}, ["body", "currency"]),
    ({"rules": [{"conditions": [{"type": "category", "ids": ["nope"]}]}]},
     ["body", "rules", 0, "conditions", 0, "ids", 0]),
    ({"rules": [{"actions": [{"type": "order_percentage", "percent": "250"}]}]},
     ["body", "rules", 0, "actions", 0, "percent"]),
    ({"owner": "me"}, ["body", "owner"]),
])  # fmt: skip
async def test_an_invalid_campaign_is_422_naming_the_field(api: Api, staff: User, fields: dict[str, Any],
                                                          loc: list[Any]) -> None:  # fmt: skip
    assert loc in locs(await api.client.post(CAMPAIGNS, json=campaign_body(**fields), headers=staff.headers))
    assert (await api.client.get(CAMPAIGNS, headers=staff.headers)).json()["items"] == []


async def test_coupons_are_unique_case_insensitively_changed_and_deleted(api: Api, staff: User) -> None:
    h = staff.headers
    made = await campaign(api, staff)
    body = {"code": " yaz10 ", "campaign_id": made["id"], "total_usage_limit": 100, "usage_limit_per_user": 1}
    created = await api.client.post(COUPONS, json=body, headers=h)
    assert created.status_code == 201, created.text
    coupon = created.json()
    assert (coupon["code"], coupon["used_count"], coupon["start_date"], coupon["is_active"]) == ("YAZ10", 0, None, True)
    assert_problem(await api.client.post(COUPONS, json={**body, "code": "Yaz10"}, headers=h), 409,
                   "duplicate_coupon_code")  # fmt: skip
    assert locs(await api.client.post(COUPONS, json={**body, "campaign_id": str(uuid.uuid4())}, headers=h)) == [
        ["body", "campaign_id"]
    ]
    assert locs(await api.client.post(COUPONS, json={**body, "code": "ab"}, headers=h)) == [["body", "code"]]
    url = f"{COUPONS}/{coupon['id']}"
    patched = await api.client.patch(url, json={"code": "yaz-10", "end_date": "2025-07-01T00:00:00Z"}, headers=h)
    assert (patched.json()["code"], patched.json()["end_date"]) == ("YAZ-10", "2025-07-01T00:00:00+00:00")
    listed = await api.client.get(COUPONS, params={"campaign_id": made["id"]}, headers=h)
    assert [c["id"] for c in listed.json()["items"]] == [coupon["id"]]
    assert (await api.client.delete(url, headers=h)).status_code == 204
    assert_problem(await api.client.get(url, headers=h), 404)
    again = await api.client.post(COUPONS, json={**body, "code": "YAZ-10"}, headers=h)
    assert again.status_code == 201, again.text


async def test_codes_are_generated_and_exported_as_csv(api: Api, staff: User) -> None:
    h = staff.headers
    made = await campaign(api, staff)
    url = f"{CAMPAIGNS}/{made['id']}/coupons/generate"
    generated = await api.client.post(url, json={"count": 300, "prefix": "yaz-", "length": 6}, headers=h)
    assert generated.status_code == 201, generated.text
    codes = generated.json()["codes"]
    assert generated.json()["count"] == 300 and len(set(codes)) == 300 and all(c.startswith("YAZ-") for c in codes)
    assert not any(ch in c[4:] for c in codes for ch in "0O1I")
    assert locs(await api.client.post(url, json={"count": 10_001}, headers=h)) == [["body", "count"]]
    assert_problem(await api.client.post(f"{CAMPAIGNS}/{uuid.uuid4()}/coupons/generate", json={"count": 1},
                                         headers=h), 404)  # fmt: skip

    exported = await api.client.get(f"{CAMPAIGNS}/{made['id']}/coupons.csv", headers=h)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert sorted(r["code"] for r in rows) == sorted(codes)
    assert {(r["total_usage_limit"], r["usage_limit_per_user"], r["used_count"], r["is_active"]) for r in rows} == {
        ("1", "", "0", "true")
    }
    assert_problem(await api.client.get(f"{CAMPAIGNS}/{uuid.uuid4()}/coupons.csv", headers=h), 404)


async def test_a_bundle_is_created_changed_and_deleted(api: Api, staff: User) -> None:
    h = staff.headers
    shop = Shop(api.container)
    shirt, trousers = str((await shop.variant("100.00")).id), str((await shop.variant("80.00")).id)
    body = {"name": "Kombin", "items": [{"variant_id": shirt, "quantity": 1}, {"variant_id": trousers, "quantity": 2}],
            "price": "199.9"}  # fmt: skip
    created = await api.client.post(BUNDLES, json=body, headers=h)
    assert created.status_code == 201, created.text
    made = created.json()
    assert (made["items"], made["price"], made["percent"], made["currency"]) == (body["items"], "199.90", None, "TRY")
    url = f"{BUNDLES}/{made['id']}"
    patched = await api.client.patch(url, json={"price": None, "percent": "15", "items": body["items"][:1]},
                                     headers=h)  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert (patched.json()["price"], patched.json()["percent"], patched.json()["items"]) == (
        None, "15", body["items"][:1])  # fmt: skip
    assert (await api.client.get(url, headers=h)).json() == patched.json()
    assert locs(await api.client.post(BUNDLES, json={**body, "percent": "10"}, headers=h)) == [["body", "price"]]
    assert locs(await api.client.post(BUNDLES, json={**body, "items": [{"variant_id": str(uuid.uuid4())}]},
                                      headers=h)) == [["body", "items", 0, "variant_id"]]  # fmt: skip
    assert [b["id"] for b in (await api.client.get(BUNDLES, headers=h)).json()["items"]] == [made["id"]]
    assert (await api.client.delete(url, headers=h)).status_code == 204
    assert_problem(await api.client.get(url, headers=h), 404)
