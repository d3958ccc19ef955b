"""Unit of work semantics on every adapter: commit, rollback, events through the outbox, optimistic locking."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import attrs
import pytest

from core.accounts.events import AccountRegistered, EmailVerified
from core.shared.errors import Conflict, NotFound
from core.shared.events import Event
from core.shared.time import utcnow
from tests.integration.contract.builders import account, language, role
from tests.integration.contract.conftest import Backend


@attrs.frozen(kw_only=True)
class Pinged(Event):
    name: ClassVar[str] = "test.pinged"
    n: int


class Boom(Exception):
    pass


async def _pending(backend: Backend) -> list[tuple[str, dict[str, object]]]:
    async with backend.uow() as uow:
        return [(e.name, e.payload) for e in await uow.outbox.pending(100)]


# --- commit and rollback ----------------------------------------------------------------------------------


async def test_changes_are_invisible_without_commit(backend: Backend) -> None:
    person = account()
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.roles.add(role("ghost"))
        await uow.languages.add(language("tr", "Turkish"))
    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.accounts.get(person.id)
        assert await uow.accounts.by_email(person.email) is None
        assert await uow.roles.by_code("ghost") is None
        assert await uow.languages.list() == []


async def test_a_change_to_a_loaded_entity_needs_a_commit(backend: Backend) -> None:
    person = account(first_name="Ali")
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    async with backend.uow() as uow:
        (await uow.accounts.get(person.id)).update_profile({"first_name": "Veli"})
    async with backend.uow() as uow:
        assert (await uow.accounts.get(person.id)).first_name == "Ali"


async def test_a_commit_is_seen_by_the_next_unit_of_work(backend: Backend) -> None:
    person = account(first_name="Ali")
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    async with backend.uow() as uow:
        (await uow.accounts.get(person.id)).update_profile({"first_name": "Veli"})
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.accounts.get(person.id)).first_name == "Veli"


async def test_an_exception_rolls_back_changes_and_recorded_events_and_propagates(backend: Backend) -> None:
    person = account()
    with pytest.raises(Boom):
        async with backend.uow() as uow:
            await uow.accounts.add(person)
            uow.emit(Pinged(n=1))
            raise Boom
    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.accounts.get(person.id)
    assert await _pending(backend) == []
    assert backend.trigger.pokes == 0


async def test_an_exception_after_a_change_to_a_loaded_entity_discards_it_and_its_events(backend: Backend) -> None:
    person = account()
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    async with backend.uow() as uow:
        [registered] = await uow.outbox.pending(10)
        await uow.outbox.mark_dispatched([registered.id], utcnow())
        await uow.commit()

    with pytest.raises(Boom):
        async with backend.uow() as uow:
            got = await uow.accounts.get(person.id)
            got.verify_email(utcnow())
            raise Boom
    async with backend.uow() as uow:
        assert (await uow.accounts.get(person.id)).is_email_verified is False
    assert await _pending(backend) == []


async def test_an_explicit_rollback_discards_changes_and_events_before_a_later_commit(backend: Backend) -> None:
    doomed = account()
    async with backend.uow() as uow:
        await uow.accounts.add(doomed)
        uow.emit(Pinged(n=1))
        await uow.rollback()
        kept = account()
        await uow.accounts.add(kept)
        await uow.commit()
    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.accounts.get(doomed.id)
        assert (await uow.accounts.get(kept.id)).id == kept.id
    assert await _pending(backend) == [("accounts.registered", {"account_id": str(kept.id), "email": kept.email})]


async def test_a_unit_of_work_keeps_working_after_a_commit(backend: Backend) -> None:
    """Entities loaded before a commit stay tracked: changes made after it are saved by the next commit."""
    person = account(first_name="Ali")
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
        person.update_profile({"last_name": "Demir"})
        person.verify_email(utcnow())
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert (got.first_name, got.last_name, got.is_email_verified) == ("Ali", "Demir", True)
    assert [name for name, _ in await _pending(backend)] == ["accounts.registered", "accounts.email_verified"]


async def test_a_unit_of_work_can_be_entered_again(backend: Backend) -> None:
    """Use cases hold one unit of work and may enter it once per call (the outbox relay loops so)."""
    uow = backend.uow()
    first, second = account(), account()
    async with uow:
        await uow.accounts.add(first)
        await uow.commit()
    async with uow:
        await uow.accounts.add(second)
        uow.emit(Pinged(n=2))
        # left without commit
    async with uow:
        assert (await uow.accounts.get(first.id)).id == first.id
        with pytest.raises(NotFound):
            await uow.accounts.get(second.id)
    assert [name for name, _ in await _pending(backend)] == ["accounts.registered"]


# --- events and the outbox --------------------------------------------------------------------------------


async def test_events_recorded_by_added_entities_land_in_the_outbox_on_commit(backend: Backend) -> None:
    person = account("ayse@example.com")
    [event] = person.events
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        assert await uow.outbox.pending(10) == []  # not before the commit
        await uow.commit()
    assert person.events == []  # handed over, so a second commit cannot write them again
    async with backend.uow() as uow:
        [stored] = await uow.outbox.pending(10)
    assert (stored.id, stored.name, stored.occurred_at) == (event.event_id, "accounts.registered", event.occurred_at)
    assert stored.payload == {"account_id": str(person.id), "email": "ayse@example.com"}
    assert backend.trigger.pokes == 1


async def test_events_recorded_by_loaded_entities_and_emitted_ones_land_in_the_outbox(backend: Backend) -> None:
    person = account()
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
        await uow.outbox.mark_dispatched([e.id for e in await uow.outbox.pending(10)], utcnow())
        await uow.commit()
    async with backend.uow() as uow:
        by_email = await uow.accounts.by_email(person.email)
        assert by_email is not None
        by_email.verify_email(utcnow())
        uow.emit(Pinged(n=42))
        await uow.commit()
    assert sorted(await _pending(backend)) == [("accounts.email_verified", {"account_id": str(person.id)}),
                                               ("test.pinged", {"n": 42})]  # fmt: skip


async def test_a_commit_without_events_writes_nothing_to_the_outbox_and_pokes_no_relay(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.languages.add(language("tr", "Turkish"))
        await uow.commit()
    assert await _pending(backend) == []
    assert backend.trigger.pokes == 0


async def test_the_relay_is_poked_once_per_commit_with_events(backend: Backend) -> None:
    async with backend.uow() as uow:
        uow.emit(Pinged(n=1))
        uow.emit(Pinged(n=2))
        await uow.commit()
        assert backend.trigger.pokes == 1
        await uow.commit()  # nothing new
        assert backend.trigger.pokes == 1
        uow.emit(Pinged(n=3))
        await uow.commit()
    assert backend.trigger.pokes == 2
    assert len(await _pending(backend)) == 3


async def test_pending_is_oldest_first_limited_and_mark_dispatched_takes_rows_out(backend: Backend) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    events = [Pinged(n=i, occurred_at=base + timedelta(seconds=i)) for i in range(5)]
    for event in reversed(events):  # committed newest first: the order must come from occurred_at
        async with backend.uow() as uow:
            uow.emit(event)
            await uow.commit()
    async with backend.uow() as uow:
        first = await uow.outbox.pending(3)
        assert [e.payload["n"] for e in first] == [0, 1, 2]
        assert [e.occurred_at for e in first] == [base, base + timedelta(seconds=1), base + timedelta(seconds=2)]
        await uow.outbox.mark_dispatched([e.id for e in first], utcnow())
        await uow.outbox.mark_dispatched([], utcnow())
        await uow.commit()
    async with backend.uow() as uow:
        assert [e.payload["n"] for e in await uow.outbox.pending(10)] == [3, 4]


async def test_mark_dispatched_without_commit_is_undone(backend: Backend) -> None:
    async with backend.uow() as uow:
        uow.emit(Pinged(n=1))
        await uow.commit()
    async with backend.uow() as uow:
        [message] = await uow.outbox.pending(10)
        await uow.outbox.mark_dispatched([message.id], utcnow())
        # the relay crashed before its commit
    async with backend.uow() as uow:
        assert [e.id for e in await uow.outbox.pending(10)] == [message.id]


async def test_event_payloads_survive_the_round_trip(backend: Backend) -> None:
    account_id = uuid.uuid4()
    async with backend.uow() as uow:
        uow.emit(AccountRegistered(account_id=account_id, email="çağrı@example.com"))
        uow.emit(EmailVerified(account_id=account_id))
        await uow.commit()
    assert sorted(await _pending(backend)) == [
        ("accounts.email_verified", {"account_id": str(account_id)}),
        ("accounts.registered", {"account_id": str(account_id), "email": "çağrı@example.com"}),
    ]


# --- optimistic locking -----------------------------------------------------------------------------------


async def test_versions_start_at_one_and_grow_with_each_committed_change(backend: Backend) -> None:
    person = account()
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert got.version == 1
        got.update_profile({"first_name": "Veli"})
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert got.version == 2
        await uow.commit()  # nothing changed: no new version
    async with backend.uow() as uow:
        assert (await uow.accounts.get(person.id)).version == 2


async def test_the_second_of_two_writers_over_one_version_gets_a_stale_write_conflict(backend: Backend) -> None:
    person = account(first_name="Ali")
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()

    first, second = backend.uow(), backend.uow()
    async with first:
        mine = await first.accounts.get(person.id)
        # End the first one's transaction but keep what it loaded: SQLite lets one transaction at a time hold
        # the database (BEGIN IMMEDIATE), so the second could not read beside an open first one.
        await first.commit()
        async with second:
            theirs = await second.accounts.get(person.id)
            assert theirs.version == mine.version
            theirs.update_profile({"first_name": "Veli"})
            await second.commit()
        mine.update_profile({"first_name": "Ayşe"})
        mine.verify_email(utcnow())
        with pytest.raises(Conflict) as raised:
            await first.commit()
        assert raised.value.code == "stale_write"

    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert (got.first_name, got.is_email_verified) == ("Veli", False)
    assert "accounts.email_verified" not in [name for name, _ in await _pending(backend)]


async def test_a_stale_write_conflict_writes_nothing_of_that_commit(backend: Backend) -> None:
    person, other = account(first_name="Ali"), role("support")
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.roles.add(other)
        await uow.commit()
    stale = backend.uow()
    async with stale:
        mine = await stale.accounts.get(person.id)
        r = await stale.roles.get(other.id)
        await stale.commit()
        async with backend.uow() as uow:
            (await uow.accounts.get(person.id)).update_profile({"first_name": "Veli"})
            await uow.commit()
        r.change(name="Front desk", description=None, permissions=None)
        mine.update_profile({"first_name": "Ayşe"})
        with pytest.raises(Conflict):
            await stale.commit()
    async with backend.uow() as uow:
        assert (await uow.roles.get(other.id)).name == "Support"
        assert (await uow.accounts.get(person.id)).first_name == "Veli"


async def test_after_a_conflict_a_fresh_read_can_write(backend: Backend) -> None:
    person = account(first_name="Ali")
    async with backend.uow() as uow:
        await uow.accounts.add(person)
        await uow.commit()
    async with backend.uow() as uow:
        mine = await uow.accounts.get(person.id)
        await uow.commit()
        async with backend.uow() as other:
            (await other.accounts.get(person.id)).update_profile({"last_name": "Demir"})
            await other.commit()
        mine.update_profile({"first_name": "Veli"})
        with pytest.raises(Conflict):
            await uow.commit()
    async with backend.uow() as uow:
        fresh = await uow.accounts.get(person.id)
        fresh.update_profile({"first_name": "Veli"})
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.accounts.get(person.id)
        assert (got.first_name, got.last_name, got.version) == ("Veli", "Demir", 3)
