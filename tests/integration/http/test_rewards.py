"""Reward points over HTTP on SQLite and PostgreSQL: a delivered order's points show in my ledger (through
the outbox and the in-process jobs), page by page; staff with `promotions.manage` see anyone's and adjust them,
audited; taking more than is held is 409 insufficient_points."""

from __future__ import annotations

import uuid

from core.platform.use_cases import ReadAuditLog
from core.shared.pagination import PageRequest
from ports.platform import AuditQuery
from tests.integration.http.conftest import Api, assert_problem
from tests.unit.rewards.points import Points

MINE = "/api/v1/me/rewards"


def staff_path(user_id: str) -> str:
    return f"/api/v1/admin/rewards/{user_id}"


async def test_a_delivered_order_shows_in_my_rewards(api: Api) -> None:
    ayse = await api.customer()
    points = Points(api.container)
    order = await points.order(uuid.UUID(ayse.id), total="259.90", shipping="9.90")
    await points.deliver(order.id)
    response = await api.client.get(MINE, headers=ayse.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["balance"] == 250 and body["value"] == {"amount": "2.50", "currency": "TRY"}
    assert body["user_id"] == ayse.id and body["next_cursor"] is None
    [entry] = body["entries"]
    assert entry["kind"] == "earn" and entry["points"] == 250 and entry["remaining"] == 250
    assert entry["order_id"] == str(order.id) and entry["expires_at"] is not None and entry["shortfall"] == 0
    await points.refund(order.id, "100.00")
    body = (await api.client.get(MINE, headers=ayse.headers)).json()
    assert body["balance"] == 150 and [e["kind"] for e in body["entries"]] == ["reverse", "earn"]


async def test_my_ledger_pages_and_is_mine_only(api: Api) -> None:
    ayse, mehmet = await api.customer(), await api.customer()
    staff = await api.staff("promotions.manage")
    for n in range(3):
        given = await api.client.post(f"{staff_path(ayse.id)}/adjust", json={"points": 10 + n, "note": "hoş geldin"},
                                      headers=staff.headers)  # fmt: skip
        assert given.status_code == 201, given.text
    first = (await api.client.get(f"{MINE}?limit=2", headers=ayse.headers)).json()
    assert len(first["entries"]) == 2 and first["next_cursor"] and first["balance"] == 33
    rest = (await api.client.get(f"{MINE}?limit=2&cursor={first['next_cursor']}", headers=ayse.headers)).json()
    seen = [e["id"] for e in first["entries"] + rest["entries"]]
    assert len(set(seen)) == 3 and rest["next_cursor"] is None
    theirs = (await api.client.get(MINE, headers=mehmet.headers)).json()
    assert theirs["balance"] == 0 and theirs["entries"] == []
    assert_problem(await api.client.get(MINE), 401)
    assert_problem(await api.client.get(f"{MINE}?cursor=nonsense", headers=ayse.headers), 422)


async def test_staff_see_and_adjust_a_customers_points_with_an_audit_trail(api: Api) -> None:
    ayse = await api.customer()
    staff = await api.staff("promotions.manage")
    given = await api.client.post(f"{staff_path(ayse.id)}/adjust", json={"points": 100, "note": "goodwill"},
                                  headers=staff.headers)  # fmt: skip
    assert given.status_code == 201, given.text
    assert given.json()["balance"] == 100 and given.json()["entry"]["kind"] == "adjust"
    taken = await api.client.post(f"{staff_path(ayse.id)}/adjust", json={"points": -30, "note": "correction"},
                                  headers=staff.headers)  # fmt: skip
    assert taken.status_code == 201 and taken.json()["balance"] == 70
    too_much = await api.client.post(f"{staff_path(ayse.id)}/adjust", json={"points": -71, "note": "oops"},
                                     headers=staff.headers)  # fmt: skip
    assert_problem(too_much, 409, "insufficient_points")
    view = (await api.client.get(staff_path(ayse.id), headers=staff.headers)).json()
    assert view["balance"] == 70 and [e["points"] for e in view["entries"]] == [-30, 100]
    trail = await api.resolve(ReadAuditLog)(AuditQuery(target_type="reward_account", target_id=ayse.id),
                                            PageRequest(limit=10))  # fmt: skip
    assert [e.action for e in trail.items] == ["rewards.adjust", "rewards.adjust"]
    assert {e.actor_id for e in trail.items} == {uuid.UUID(staff.id)}


async def test_staff_routes_need_the_permission_a_known_account_and_valid_input(api: Api) -> None:
    ayse = await api.customer()
    staff = await api.staff("promotions.manage")
    assert_problem(await api.client.get(staff_path(ayse.id), headers=ayse.headers), 403)
    assert_problem(await api.client.post(f"{staff_path(ayse.id)}/adjust", json={"points": 5, "note": "x"},
                                         headers=ayse.headers), 403)  # fmt: skip
    unknown = str(uuid.uuid4())
    assert_problem(await api.client.get(staff_path(unknown), headers=staff.headers), 404)
    assert_problem(await api.client.post(f"{staff_path(unknown)}/adjust", json={"points": 5, "note": "x"},
                                         headers=staff.headers), 404)  # fmt: skip
    for body in ({"points": 0, "note": "x"}, {"points": 5, "note": ""}, {"points": 10**12, "note": "x"},
                 {"points": "5", "note": "x"}, {"points": 1.5, "note": "x"}, {"note": "x"}):  # fmt: skip
        assert_problem(await api.client.post(f"{staff_path(ayse.id)}/adjust", json=body, headers=staff.headers), 422)
    assert (await api.client.get(MINE, headers=ayse.headers)).json()["balance"] == 0
