"""My notifications and notification preferences over HTTP on SQLite and PostgreSQL: order events become
notices (and e-mails) through the outbox and the in-process jobs; owners only (404), expired notices hidden."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from core.notifications.model import Notification
from core.shared.events import Event
from core.shared.time import utcnow
from ports.uow import UnitOfWork
from tests.integration.http.conftest import Api, User, assert_problem
from tests.unit.notifications.conftest import low_stock, order_event

MINE = "/api/v1/me/notifications"
PREFS = "/api/v1/me/notification-preferences"


async def commit(api: Api, *events: Event) -> None:
    async with api.resolve(UnitOfWork) as uow:
        for event in events:
            uow.emit(event)
        await uow.commit()
    await api.drain()


async def listed(api: Api, who: User, query: str = "") -> list[dict[str, Any]]:
    response = await api.client.get(f"{MINE}{query}", headers=who.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_order_events_become_my_notices_unread_first(api: Api) -> None:
    ayse = await api.customer(first_name="Ayşe")
    me = uuid.UUID(ayse.id)
    await commit(api, order_event("placed", user_id=me, email=ayse.email, number="CRS-2026-000001"))
    await commit(api, order_event("confirmed", user_id=me, email=ayse.email, number="CRS-2026-000001"))
    await commit(api, order_event("shipped", user_id=me, email=ayse.email, number="CRS-2026-000001",
                                  language="en"))  # fmt: skip
    items = await listed(api, ayse)
    assert [n["title"] for n in items] == ["Your order has been shipped", "Ödemeniz alındı", "Siparişiniz alındı"]
    assert all(n["status"] == "unread" and n["notification_type"] == "order_status" for n in items)
    assert items[0]["data"]["order_number"] == "CRS-2026-000001"
    subjects = [m.subject for m in api.mails_to(ayse.email)]
    assert "Çarşı: Siparişiniz alındı (CRS-2026-000001)" in subjects
    assert "Çarşı: Your order has been shipped (CRS-2026-000001)" in subjects

    oldest = items[-1]
    response = await api.client.post(f"{MINE}/{oldest['id']}/read", headers=ayse.headers)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "read" and response.json()["read_at"] is not None
    again = await api.client.post(f"{MINE}/{oldest['id']}/read", headers=ayse.headers)
    assert again.status_code == 200 and again.json()["read_at"] == response.json()["read_at"]
    # unread first: the read one (the oldest) goes below even newer... and stays below the unread
    await commit(api, order_event("delivered", user_id=me, email=ayse.email))
    items = await listed(api, ayse)
    assert [n["status"] for n in items] == ["unread", "unread", "unread", "read"]
    assert items[0]["title"] == "Siparişiniz teslim edildi"
    assert [n["id"] for n in await listed(api, ayse, "?status=read")] == [oldest["id"]]
    assert len(await listed(api, ayse, "?status=unread")) == 3


async def test_paging_walks_every_notice_once(api: Api) -> None:
    ayse = await api.customer()
    await commit(api, *(order_event("processing", user_id=uuid.UUID(ayse.id)) for _ in range(5)))
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await api.client.get(f"{MINE}{query}", headers=ayse.headers)).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    assert_problem(await api.client.get(f"{MINE}?limit=101", headers=ayse.headers), 422)
    assert_problem(await api.client.get(f"{MINE}?cursor=bogus", headers=ayse.headers), 422)
    assert_problem(await api.client.get(f"{MINE}?status=new", headers=ayse.headers), 422)


async def test_read_all_counts_what_it_changed(api: Api) -> None:
    ayse, ali = await api.customer(), await api.customer()
    await commit(api, *(order_event("processing", user_id=uuid.UUID(ayse.id)) for _ in range(3)),
                 order_event("processing", user_id=uuid.UUID(ali.id)))  # fmt: skip
    response = await api.client.post(f"{MINE}/read-all", headers=ayse.headers)
    assert response.status_code == 200 and response.json() == {"updated": 3}
    assert (await api.client.post(f"{MINE}/read-all", headers=ayse.headers)).json() == {"updated": 0}
    assert [n["status"] for n in await listed(api, ali)] == ["unread"]


async def test_someone_elses_notice_is_not_found(api: Api) -> None:
    ayse, ali = await api.customer(), await api.customer()
    await commit(api, order_event("placed", user_id=uuid.UUID(ayse.id)))
    [notice] = await listed(api, ayse)
    assert await listed(api, ali) == []
    assert_problem(await api.client.post(f"{MINE}/{notice['id']}/read", headers=ali.headers), 404)
    assert_problem(await api.client.post(f"{MINE}/{uuid.uuid4()}/read", headers=ayse.headers), 404)
    assert_problem(await api.client.get(MINE), 401)
    assert_problem(await api.client.post(f"{MINE}/{notice['id']}/read"), 401)
    assert (await listed(api, ayse))[0]["status"] == "unread"


async def test_expired_notices_are_hidden(api: Api) -> None:
    ayse = await api.customer()
    gone = Notification(user_id=uuid.UUID(ayse.id), title="Eski kampanya", message="bitti",
                        notification_type="promotion", expire_at=utcnow() - timedelta(minutes=1))  # fmt: skip
    async with api.resolve(UnitOfWork) as uow:
        await uow.notifications.add(gone)
        await uow.commit()
    assert await listed(api, ayse) == []
    assert_problem(await api.client.post(f"{MINE}/{gone.id}/read", headers=ayse.headers), 404)
    assert (await api.client.post(f"{MINE}/read-all", headers=ayse.headers)).json() == {"updated": 0}


async def test_low_stock_reaches_inventory_staff_only(api: Api) -> None:
    keeper, customer = await api.staff("inventory.manage"), await api.customer()
    await commit(api, low_stock())
    [notice] = await listed(api, keeper)
    assert notice["notification_type"] == "stock" and notice["expire_at"] is not None
    assert await listed(api, customer) == []
    assert [m.subject for m in api.mails_to(keeper.email) if "Stok" in m.subject] == [f"Çarşı: {notice['title']}"]


def prefs(response: Any) -> dict[str, tuple[bool, bool, bool]]:
    assert response.status_code == 200, response.text
    return {p["notification_type"]: (p["email_enabled"], p["sms_enabled"], p["push_enabled"])
            for p in response.json()["items"]}  # fmt: skip


async def test_preferences_default_then_change(api: Api) -> None:
    ayse, keeper = await api.customer(), await api.staff("inventory.manage")
    assert prefs(await api.client.get(PREFS, headers=ayse.headers)) == {
        "order_status": (True, False, False), "promotion": (False, False, False),
        "system": (True, False, False), "stock": (False, False, False)}  # fmt: skip
    assert prefs(await api.client.get(PREFS, headers=keeper.headers))["stock"] == (True, False, False)
    body = {"items": [{"notification_type": "promotion", "email_enabled": True, "sms_enabled": True,
                       "push_enabled": False},
                      {"notification_type": "order_status", "email_enabled": False, "sms_enabled": False,
                       "push_enabled": True}]}  # fmt: skip
    changed = prefs(await api.client.put(PREFS, json=body, headers=ayse.headers))
    assert changed["promotion"] == (True, True, False) and changed["order_status"] == (False, False, True)
    assert prefs(await api.client.get(PREFS, headers=ayse.headers)) == changed
    assert prefs(await api.client.get(PREFS, headers=keeper.headers))["promotion"] == (False, False, False)
    # stored preferences are used: no order e-mail for Ayşe now, the notice still comes
    await commit(api, order_event("placed", user_id=uuid.UUID(ayse.id), email=ayse.email))
    assert len(await listed(api, ayse)) == 1
    assert [m for m in api.mails_to(ayse.email) if "CRS-" in m.subject] == []


async def test_bad_preferences_are_422(api: Api) -> None:
    ayse = await api.customer()
    item = {"notification_type": "stock", "email_enabled": True, "sms_enabled": False, "push_enabled": False}
    for body in ({"items": [{**item, "notification_type": "newsletter"}]}, {"items": [item, item]},
                 {"items": [{**item, "colour": "red"}]}, {"items": [{**item, "email_enabled": "yes"}]},
                 {"items": [{"notification_type": "stock"}]}, {"everything": True}):  # fmt: skip
        assert_problem(await api.client.put(PREFS, json=body, headers=ayse.headers), 422)
    assert_problem(await api.client.put(PREFS, json={"items": []}), 401)
    assert prefs(await api.client.put(PREFS, json={"items": []}, headers=ayse.headers))["stock"] == (
        False,
        False,
        False,
    )
