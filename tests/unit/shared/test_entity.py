"""Entities: identity, audit stamps, soft delete, an optimistic version, and events that reach the outbox
only with a commit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

import attrs
import pytest

from core.accounts.events import AccountRegistered
from core.accounts.model import Account
from core.shared.entity import Entity
from core.shared.events import Event


@attrs.frozen(kw_only=True)
class Happened(Event):
    name: ClassVar[str] = "test.happened"
    thing_id: uuid.UUID
    note: str


def test_new_entity_defaults() -> None:
    a, b = Entity(), Entity()
    assert a.id != b.id
    assert a.version == 0
    assert a.is_active and not a.is_deleted
    assert a.events == [] and a.data == {}
    assert a.data is not b.data and a.events is not b.events


def test_events_are_not_constructor_arguments() -> None:
    with pytest.raises(TypeError):
        Entity(events=[])  # type: ignore[call-arg]


def test_record_keeps_events_in_order() -> None:
    entity = Entity()
    first, second = Happened(thing_id=entity.id, note="1"), Happened(thing_id=entity.id, note="2")
    entity.record(first)
    entity.record(second)
    assert entity.events == [first, second]


def test_soft_delete_once() -> None:
    entity, who = Entity(), uuid.uuid4()
    at = datetime(2026, 3, 1, tzinfo=UTC)
    entity.delete(who, at)
    assert (entity.is_deleted, entity.deleted_by, entity.deleted_at) == (True, who, at)
    entity.delete(uuid.uuid4(), datetime(2027, 1, 1, tzinfo=UTC))
    assert (entity.deleted_by, entity.deleted_at) == (who, at)


def test_stamp_sets_created_only_on_creation() -> None:
    entity, creator, editor = Entity(), uuid.uuid4(), uuid.uuid4()
    t1, t2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    entity.stamp(creator, t1, created=True)
    entity.stamp(editor, t2, created=False)
    assert (entity.created_at, entity.created_by) == (t1, creator)
    assert (entity.updated_at, entity.updated_by) == (t2, editor)


def test_event_payload_is_json_friendly_and_leaves_out_envelope_fields() -> None:
    thing = uuid.uuid4()
    event = Happened(thing_id=thing, note="x")
    assert event.payload() == {"thing_id": str(thing), "note": "x"}
    assert event.name == "test.happened"
    assert Happened(thing_id=thing, note="x").event_id != event.event_id


def test_register_records_the_fact() -> None:
    account = Account.register(email="a@example.com", password_hash="h")
    assert [type(e) for e in account.events] == [AccountRegistered]
    assert account.events[0].payload() == {"account_id": str(account.id), "email": "a@example.com"}


async def test_events_reach_the_outbox_with_the_commit_and_not_without(app) -> None:  # type: ignore[no-untyped-def]
    from adapters.memory.store import MemoryStore

    store = app.container.resolve(MemoryStore)
    before = len(store.outbox)
    async with app.uow() as uow:
        account = Account.register(email="rolled@example.com", password_hash="h")
        await uow.accounts.add(account)
    assert len(store.outbox) == before
    async with app.uow() as uow:
        assert await uow.accounts.by_email("rolled@example.com") is None
        account = Account.register(email="kept@example.com", password_hash="h")
        await uow.accounts.add(account)
        await uow.commit()
    new = store.outbox[before:]
    assert [(e.name, e.payload) for e in new] == [
        ("accounts.registered", {"account_id": str(account.id), "email": "kept@example.com"})
    ]
    assert account.events == []  # handed to the outbox, not kept to be written twice


async def test_each_committed_change_bumps_the_version(app) -> None:  # type: ignore[no-untyped-def]
    async with app.uow() as uow:
        account = Account(email="v@example.com", password_hash="h")
        await uow.accounts.add(account)
        await uow.commit()
    assert (await app.account(account.id)).version == 1
    async with app.uow() as uow:
        (await uow.accounts.get(account.id)).first_name = "Veli"
        await uow.commit()
    assert (await app.account(account.id)).version == 2
    async with app.uow() as uow:
        await uow.accounts.get(account.id)
        await uow.commit()  # nothing changed: nothing written
    assert (await app.account(account.id)).version == 2


async def test_a_stale_write_is_a_conflict_and_writes_nothing(app) -> None:  # type: ignore[no-untyped-def]
    from core.shared.errors import Conflict

    async with app.uow() as uow:
        account = Account(email="v@example.com", password_hash="h")
        await uow.accounts.add(account)
        await uow.commit()
    async with app.uow() as first, app.uow() as second:
        (await first.accounts.get(account.id)).first_name = "First"
        (await second.accounts.get(account.id)).first_name = "Second"
        await first.commit()
        with pytest.raises(Conflict) as e:
            await second.commit()
        assert e.value.code == "stale_write"
    stored = await app.account(account.id)
    assert (stored.first_name, stored.version) == ("First", 2)
