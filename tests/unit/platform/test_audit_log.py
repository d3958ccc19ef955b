"""ReadAuditLog: staff writes, newest first, filtered by actor, target and time, paged with cursors."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.accounts.use_cases.staff import ChangeRole, CreateRole, NewRole, RoleChange
from core.platform.use_cases import ChangeSetting, ReadAuditLog, UpdateSetting
from core.shared.actor import Actor
from core.shared.errors import Invalid
from core.shared.pagination import PageRequest
from core.shared.time import utcnow
from ports.platform import AuditQuery
from tests.unit.conftest import App

ALI = Actor(uuid.uuid4(), is_superuser=True)
VELI = Actor(uuid.uuid4(), is_superuser=True)


async def _history(app: App):  # type: ignore[no-untyped-def]
    role = await app.use(CreateRole)(NewRole(ALI, "support", "Support", ["orders.manage"]))
    await app.use(ChangeRole)(RoleChange(VELI, role.id, name="Support desk"))
    await app.use(UpdateSetting)(ChangeSetting(VELI, "shop.name", "Dükkan"))
    return role


async def _read(app: App, page: PageRequest | None = None, **query: object):  # type: ignore[no-untyped-def]
    return await app.use(ReadAuditLog)(AuditQuery(**query), page or PageRequest())  # type: ignore[arg-type]


async def test_everything_newest_first(app: App) -> None:
    role = await _history(app)
    page = await _read(app)
    assert [(e.action, e.target_type, e.target_id) for e in page.items] == [
        ("setting.update", "setting", "shop.name"),
        ("role.update", "role", str(role.id)),
        ("role.create", "role", str(role.id)),
    ]
    assert page.next_cursor is None
    assert page.items[0].changes == {"value": ["Çarşı", "Dükkan"]}


async def test_filters(app: App) -> None:
    role = await _history(app)
    assert [e.action for e in (await _read(app, actor_id=ALI.user_id)).items] == ["role.create"]
    assert [e.action for e in (await _read(app, actor_id=VELI.user_id)).items] == ["setting.update", "role.update"]
    assert [e.action for e in (await _read(app, target_type="role")).items] == ["role.update", "role.create"]
    assert [e.action for e in (await _read(app, target_type="role", target_id=str(role.id),
                                           actor_id=VELI.user_id)).items] == ["role.update"]  # fmt: skip
    assert (await _read(app, target_id=str(uuid.uuid4()))).items == []


async def test_time_window(app: App) -> None:
    before = utcnow() - timedelta(seconds=1)
    await _history(app)
    after = utcnow() + timedelta(seconds=1)
    assert len((await _read(app, since=before)).items) == 3
    assert (await _read(app, since=after)).items == []
    assert (await _read(app, until=before)).items == []
    entries = (await _read(app)).items
    newest = entries[0].at
    # `until` is exclusive, `since` inclusive
    assert [e.action for e in (await _read(app, until=newest)).items] == ["role.update", "role.create"]
    assert [e.action for e in (await _read(app, since=newest)).items] == ["setting.update"]


async def test_pages_visit_every_entry_once(app: App) -> None:
    for i in range(7):
        await app.use(UpdateSetting)(ChangeSetting(ALI, "auth.password_min_length", 8 + i))
    seen, cursor = [], None
    while True:
        page = await _read(app, PageRequest(limit=3, cursor=cursor))
        assert len(page.items) <= 3
        seen += [e.id for e in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    everything = (await _read(app, PageRequest(limit=100))).items
    assert seen == [e.id for e in everything] and len(seen) == 7


async def test_a_foreign_cursor_is_invalid(app: App) -> None:
    with pytest.raises(Invalid):
        await _read(app, PageRequest(cursor="%%%"))
