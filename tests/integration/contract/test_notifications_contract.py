"""The notifications' repositories: the same answers from the memory, SQLite and PostgreSQL adapters
(ports/notifications.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from core.notifications.model import Notification, NotificationEmail, NotificationPreference, derived_id
from core.shared.pagination import PageRequest
from core.shared.time import utcnow
from tests.integration.contract.builders import account, role, walk
from tests.integration.contract.conftest import Backend


async def a_user(backend: Backend, **fields: Any) -> uuid.UUID:
    person = account(**fields)
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    return person.id


def notice(user_id: uuid.UUID, title: str = "Siparişiniz alındı", **fields: object) -> Notification:
    return Notification(user_id=user_id, title=title, message="CRS-2026-000001 numaralı siparişiniz alındı.",
                        notification_type="order_status", related_object_type="order",
                        related_object_id=str(uuid.uuid4()), **fields)  # type: ignore[arg-type]  # fmt: skip


async def add(backend: Backend, *items: Notification) -> None:
    for item in items:  # one commit each: distinct created_at, newest last
        async with backend.uow() as uow:
            await uow.notifications.add(item)
            await uow.commit()


async def test_a_notification_round_trips(backend: Backend) -> None:
    user = await a_user(backend)
    expire_at = utcnow().replace(microsecond=0) + timedelta(days=3)
    item = notice(user, "Stok azaldı", expire_at=expire_at, data={"warehouse_id": "w1"})
    await add(backend, item)
    async with backend.uow() as uow:
        found = await uow.notifications.find(item.id)
        assert await uow.notifications.find(uuid.uuid4()) is None
    assert found is not None
    assert (found.user_id, found.title, found.status, found.read_at) == (user, "Stok azaldı", "unread", None)
    assert found.expire_at == expire_at and found.data == {"warehouse_id": "w1"}
    assert found.related_object_id == item.related_object_id


async def test_a_users_list_is_unread_first_then_newest_and_hides_expired(backend: Backend) -> None:
    user, other = await a_user(backend), await a_user(backend)
    now = utcnow()
    first, second, third, fourth = (notice(user, f"n{i}") for i in range(4))
    gone = notice(user, "gone", expire_at=now - timedelta(minutes=1))
    later = notice(user, "later", expire_at=now + timedelta(days=1))
    await add(backend, first, second, third, fourth, gone, later, notice(other, "not mine"))
    async with backend.uow() as uow:
        for n in (first, third):
            found = await uow.notifications.find(n.id)
            assert found is not None
            found.mark_read(now)
        await uow.commit()

    async def fetch(status: str | None, limit: int) -> list[str]:
        async def page(cursor: str | None) -> object:
            async with backend.uow() as uow:
                return await uow.notifications.of_user(user, PageRequest(limit, cursor), now=utcnow(), status=status)

        return [n.title for n in await walk(page)]  # type: ignore[arg-type]

    assert await fetch(None, 2) == ["later", "n3", "n1", "n2", "n0"]
    assert await fetch(None, 100) == ["later", "n3", "n1", "n2", "n0"]
    assert await fetch("unread", 1) == ["later", "n3", "n1"]
    assert await fetch("read", 1) == ["n2", "n0"]


async def test_read_all_marks_only_my_unread_unexpired_notices(backend: Backend) -> None:
    user, other = await a_user(backend), await a_user(backend)
    now = utcnow()
    mine = [notice(user) for _ in range(3)]
    gone, theirs = notice(user, expire_at=now - timedelta(seconds=1)), notice(other)
    await add(backend, *mine, gone, theirs)
    async with backend.uow() as uow:
        found = await uow.notifications.find(mine[0].id)
        assert found is not None
        found.mark_read(now - timedelta(hours=1))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.notifications.read_all(user, now) == 2
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.notifications.read_all(user, now) == 0
        states = {n.id: await uow.notifications.find(n.id) for n in (*mine, gone, theirs)}
    assert [states[n.id].status for n in mine] == ["read"] * 3  # type: ignore[union-attr]
    assert states[mine[0].id].read_at == now - timedelta(hours=1)  # type: ignore[union-attr]
    assert states[mine[1].id].read_at == now  # type: ignore[union-attr]
    assert states[gone.id].status == "unread" and states[theirs.id].status == "unread"  # type: ignore[union-attr]


async def test_staff_holding_a_permission(backend: Backend) -> None:
    keepers, cataloguers, dropped = role(permissions=["inventory.manage"]), role(permissions=["catalog.manage"]), \
        role(permissions=["inventory.manage", "orders.manage"])  # fmt: skip
    holder, both, idle, boss, nobody = (account() for _ in range(5))
    holder.set_roles([keepers])
    both.set_roles([cataloguers, dropped])
    idle.set_roles([keepers])
    idle.is_active = False
    boss.is_superuser = True
    nobody.set_roles([cataloguers])
    async with backend.uow() as uow:
        for r in (keepers, cataloguers, dropped):
            await uow.roles.add(r)
        for a in (holder, both, idle, boss, nobody):
            await uow.accounts.add(a)
        await uow.commit()
    async with backend.uow() as uow:
        found = {r.account_id: r for r in await uow.notifications.staff_holding("inventory.manage")}
    assert set(found) == {holder.id, both.id, boss.id}
    assert found[holder.id].email == holder.email and found[boss.id].is_superuser
    async with backend.uow() as uow:
        (await uow.roles.get(dropped.id)).delete(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert {r.account_id for r in await uow.notifications.staff_holding("inventory.manage")} == {holder.id, boss.id}


async def test_preferences_round_trip_per_user(backend: Backend) -> None:
    user, other = await a_user(backend), await a_user(backend)
    async with backend.uow() as uow:
        stock = NotificationPreference(user_id=user, notification_type="stock", email_enabled=False, push_enabled=True)
        await uow.notification_preferences.add(stock)
        await uow.notification_preferences.add(NotificationPreference(user_id=user, notification_type="promotion"))
        await uow.commit()
    async with backend.uow() as uow:
        prefs = await uow.notification_preferences.of_user(user)
        assert await uow.notification_preferences.of_user(other) == []
        assert [(p.notification_type, p.email_enabled, p.sms_enabled, p.push_enabled) for p in prefs] == [
            ("promotion", True, False, False), ("stock", False, False, True)]  # fmt: skip
        prefs[0].email_enabled = False
        await uow.commit()
    async with backend.uow() as uow:
        assert [p.email_enabled for p in await uow.notification_preferences.of_user(user)] == [False, False]


async def test_an_email_is_recorded_with_its_delivery_event(backend: Backend) -> None:
    event_id = uuid.uuid4()
    email_id = derived_id(event_id, "email", "ayse@example.com")
    mail = NotificationEmail.request(id=email_id, source_event_id=event_id, to="ayse@example.com", user_id=None,
                                     template="order", language="tr",
                                     context={"number": "CRS-2026-000001"})  # fmt: skip
    async with backend.uow() as uow:
        await uow.notification_emails.add(mail)
        await uow.commit()
    async with backend.uow() as uow:
        pending = [e for e in await uow.outbox.pending(100) if e.name == "notifications.email_requested"]
        found = await uow.notification_emails.find(email_id)
        assert found is not None and found.sent_at is None and found.context == {"number": "CRS-2026-000001"}
        found.mark_sent(utcnow())
        await uow.commit()
    assert [(e.id, e.payload) for e in pending] == [(email_id, {"email_id": str(email_id)})]
    async with backend.uow() as uow:
        again = await uow.notification_emails.find(email_id)
    assert again is not None and again.sent_at is not None
    assert derived_id(event_id, "email", "ayse@example.com") == email_id != derived_id(event_id, "email", "b@x.com")
