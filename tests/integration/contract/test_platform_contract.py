"""Languages, runtime setting overrides, the audit log, dead letters and processed events on every adapter."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from core.platform.model import AuditEntry, DeadLetter
from core.shared.errors import NotFound
from core.shared.pagination import Page, PageRequest
from ports.platform import AuditQuery
from tests.integration.contract.builders import audit_entry, dead_letter, language, walk
from tests.integration.contract.conftest import Backend

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# --- languages --------------------------------------------------------------------------------------------


async def test_languages_by_code_and_listed_by_name(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.languages.add(language("tr", "Turkish", system=True))
        await uow.languages.add(language("en", "English", system=True))
        await uow.languages.add(language("de", "German"))
        await uow.commit()
    async with backend.uow() as uow:
        tr = await uow.languages.by_code("tr")
        assert tr is not None and (tr.name, tr.iso639_2, tr.is_system_language) == ("Turkish", "trx", True)
        assert await uow.languages.by_code("fr") is None
        assert [lang.iso639_1 for lang in await uow.languages.list()] == ["en", "de", "tr"]
        assert [lang.iso639_1 for lang in await uow.languages.list(system_only=True)] == ["en", "tr"]


async def test_a_soft_deleted_language_is_hidden(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.languages.add(language("tr", "Turkish"))
        await uow.languages.add(language("de", "German"))
        await uow.commit()
    async with backend.uow() as uow:
        de = await uow.languages.by_code("de")
        assert de is not None
        de.delete(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.languages.by_code("de") is None
        assert [lang.iso639_1 for lang in await uow.languages.list()] == ["tr"]


# --- runtime setting overrides ----------------------------------------------------------------------------


async def test_setting_overrides_put_overwrite_and_remove(backend: Backend) -> None:
    staff = uuid.uuid4()
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {}
        await uow.setting_overrides.put("jobs.max_tries", 7, staff)
        await uow.setting_overrides.put("shop.name", "Çarşı", staff)
        await uow.setting_overrides.put("tax.rate", "20.00", None)
        await uow.setting_overrides.put("shop.open", False, None)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 7, "shop.name": "Çarşı", "tax.rate": "20.00",
                                                     "shop.open": False}  # fmt: skip
        await uow.setting_overrides.put("jobs.max_tries", 3, staff)
        await uow.setting_overrides.remove("shop.name")
        await uow.setting_overrides.remove("never.set")
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 3, "tax.rate": "20.00", "shop.open": False}
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 3, "tax.rate": "20.00", "shop.open": False}


async def test_setting_overrides_are_invisible_until_committed(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.setting_overrides.put("jobs.max_tries", 7, None)
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {}


async def test_a_setting_put_then_removed_in_one_unit_of_work_is_gone(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.setting_overrides.put("jobs.max_tries", 7, None)
        await uow.setting_overrides.remove("jobs.max_tries")
        assert await uow.setting_overrides.all() == {}
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {}


async def test_a_setting_removed_then_put_in_one_unit_of_work_is_kept(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.setting_overrides.put("jobs.max_tries", 7, None)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 7}
        await uow.setting_overrides.remove("jobs.max_tries")
        await uow.setting_overrides.put("jobs.max_tries", 9, None)
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 9}
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 9}


async def test_a_setting_changed_removed_and_put_again_in_one_unit_of_work_is_kept(backend: Backend) -> None:
    async with backend.uow() as uow:
        await uow.setting_overrides.put("jobs.max_tries", 7, None)
        await uow.commit()
    async with backend.uow() as uow:
        await uow.setting_overrides.put("jobs.max_tries", 8, None)
        await uow.setting_overrides.remove("jobs.max_tries")
        await uow.setting_overrides.put("jobs.max_tries", 9, None)
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 9}
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.setting_overrides.all() == {"jobs.max_tries": 9}


# --- audit log --------------------------------------------------------------------------------------------


async def _audit(backend: Backend, entries: list[AuditEntry]) -> None:
    async with backend.uow() as uow:
        for entry in entries:
            await uow.audit.add(entry)
        await uow.commit()


async def _all_audit(backend: Backend, query: AuditQuery, limit: int = 100) -> list[AuditEntry]:
    async with backend.uow() as uow:
        return await walk(lambda cursor: uow.audit.list(query, PageRequest(limit=limit, cursor=cursor)))


async def test_an_audit_entry_reads_back(backend: Backend) -> None:
    actor = uuid.uuid4()
    entry = audit_entry(T0, actor_id=actor, target_type="role", target_id="r-1", action="role.update")
    entry.changes = {"permissions": [["audit.read"], ["audit.read", "jobs.manage"]], "name": ["A", "B"]}
    await _audit(backend, [entry])
    [got] = await _all_audit(backend, AuditQuery())
    assert (got.id, got.at, got.actor_id, got.action, got.target_type, got.target_id) == \
        (entry.id, T0, actor, "role.update", "role", "r-1")  # fmt: skip
    assert got.changes == {"permissions": [["audit.read"], ["audit.read", "jobs.manage"]], "name": ["A", "B"]}


async def test_audit_filters_by_actor_target_and_time(backend: Backend) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    e1 = audit_entry(T0, actor_id=alice, target_type="account", target_id="a1")
    e2 = audit_entry(T0 + timedelta(minutes=1), actor_id=bob, target_type="account", target_id="a2")
    e3 = audit_entry(T0 + timedelta(minutes=2), actor_id=alice, target_type="role", target_id="a1")
    e4 = audit_entry(T0 + timedelta(minutes=3), actor_id=None, target_type="setting", target_id="jobs.max_tries")
    await _audit(backend, [e3, e1, e4, e2])

    async def ids(**query: object) -> list[uuid.UUID]:
        return [e.id for e in await _all_audit(backend, AuditQuery(**query))]  # type: ignore[arg-type]

    assert await ids() == [e4.id, e3.id, e2.id, e1.id]  # newest first
    assert await ids(actor_id=alice) == [e3.id, e1.id]
    assert await ids(actor_id=uuid.uuid4()) == []
    assert await ids(target_type="account") == [e2.id, e1.id]
    assert await ids(target_id="a1") == [e3.id, e1.id]
    assert await ids(target_type="account", target_id="a1") == [e1.id]
    assert await ids(since=T0 + timedelta(minutes=1)) == [e4.id, e3.id, e2.id]  # since is inclusive
    assert await ids(until=T0 + timedelta(minutes=2)) == [e2.id, e1.id]  # until is exclusive
    assert await ids(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3)) == [e3.id, e2.id]
    assert await ids(actor_id=alice, since=T0 + timedelta(seconds=1)) == [e3.id]
    # bounds given in another offset mean the same instants
    istanbul = T0.astimezone(timezone(timedelta(hours=3)))
    assert await ids(since=istanbul + timedelta(minutes=3)) == [e4.id]
    assert await ids(until=istanbul + timedelta(minutes=1)) == [e1.id]


async def test_audit_keyset_pagination_visits_every_row_once_in_a_stable_order(backend: Backend) -> None:
    entries = [audit_entry(T0 + timedelta(seconds=i // 3), target_id=f"t{i}") for i in range(11)]  # ties on `at`
    await _audit(backend, entries)
    expected = [e.id for e in sorted(entries, key=lambda e: (e.at, str(e.id)), reverse=True)]
    for limit in (1, 2, 3, 4, 11, 100):
        got = [e.id for e in await _all_audit(backend, AuditQuery(), limit=limit)]
        assert got == expected, f"limit {limit}"
    # the same walk again gives the same order
    assert [e.id for e in await _all_audit(backend, AuditQuery(), limit=3)] == expected


async def test_audit_pages_have_the_limit_and_the_last_has_no_cursor(backend: Backend) -> None:
    await _audit(backend, [audit_entry(T0 + timedelta(seconds=i)) for i in range(5)])
    async with backend.uow() as uow:
        first = await uow.audit.list(AuditQuery(), PageRequest(limit=2))
        assert len(first.items) == 2 and first.next_cursor
        second = await uow.audit.list(AuditQuery(), PageRequest(limit=2, cursor=first.next_cursor))
        assert len(second.items) == 2 and second.next_cursor
        third = await uow.audit.list(AuditQuery(), PageRequest(limit=2, cursor=second.next_cursor))
        assert len(third.items) == 1 and third.next_cursor is None
        exact = await uow.audit.list(AuditQuery(), PageRequest(limit=5))
        assert len(exact.items) == 5 and exact.next_cursor is None


async def test_audit_pagination_combines_with_filters(backend: Backend) -> None:
    alice = uuid.uuid4()
    entries = [audit_entry(T0 + timedelta(seconds=i), actor_id=alice if i % 2 else None) for i in range(9)]
    await _audit(backend, entries)
    got = await _all_audit(backend, AuditQuery(actor_id=alice, since=T0 + timedelta(seconds=2)), limit=2)
    assert [e.at for e in got] == [T0 + timedelta(seconds=s) for s in (7, 5, 3)]


async def test_a_row_added_while_walking_does_not_disturb_the_walk(backend: Backend) -> None:
    await _audit(backend, [audit_entry(T0 + timedelta(seconds=i)) for i in range(4)])
    async with backend.uow() as uow:
        first = await uow.audit.list(AuditQuery(), PageRequest(limit=2))
    await _audit(backend, [audit_entry(T0 + timedelta(hours=1))])  # newer than all: lands before the cursor
    async with backend.uow() as uow:
        rest = await uow.audit.list(AuditQuery(), PageRequest(limit=10, cursor=first.next_cursor))
    assert [e.at for e in [*first.items, *rest.items]] == [T0 + timedelta(seconds=s) for s in (3, 2, 1, 0)]


# --- dead letters -----------------------------------------------------------------------------------------


async def test_dead_letters_add_get_and_retried_at_is_kept(backend: Backend) -> None:
    letter = dead_letter(T0)
    async with backend.uow() as uow:
        await uow.dead_letters.add(letter)
        await uow.commit()
    async with backend.uow() as uow:
        got = await uow.dead_letters.get(letter.id)
        assert (got.job, got.payload, got.error, got.tries, got.failed_at, got.retried_at) == \
            ("send_mail", {"to": "a@example.com", "n": 1}, "SMTPError: boom", 5, T0, None)  # fmt: skip
        got.retried_at = T0 + timedelta(hours=1)
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.dead_letters.get(letter.id)).retried_at == T0 + timedelta(hours=1)
        with pytest.raises(NotFound):
            await uow.dead_letters.get(uuid.uuid4())


async def test_dead_letters_page_newest_first_over_every_row(backend: Backend) -> None:
    letters = [dead_letter(T0 + timedelta(minutes=i // 2), job=f"job{i}") for i in range(7)]
    async with backend.uow() as uow:
        for letter in letters:
            await uow.dead_letters.add(letter)
        await uow.commit()
    expected = [d.id for d in sorted(letters, key=lambda d: (d.failed_at, str(d.id)), reverse=True)]
    for limit in (1, 3, 7, 20):
        pages: list[Page[DeadLetter]] = []
        async with backend.uow() as uow:
            assert [d.id for d in await walk(_recording(uow.dead_letters.list, limit, pages))] == expected
        assert all(len(p.items) == limit for p in pages[:-1])


def _recording(list_: Callable[[PageRequest], Awaitable[Page[Any]]], limit: int,
               pages: list[Page[Any]]) -> Callable[[str | None], Awaitable[Page[Any]]]:  # fmt: skip
    async def fetch(cursor: str | None) -> Page[Any]:
        page = await list_(PageRequest(limit=limit, cursor=cursor))
        pages.append(page)
        return page

    return fetch


# --- processed events -------------------------------------------------------------------------------------


async def test_processed_events_are_seen_per_event_and_handler_once_committed(backend: Backend) -> None:
    event_id = uuid.uuid4()
    async with backend.uow() as uow:
        assert await uow.processed_events.seen(event_id, "mail.welcome") is False
        await uow.processed_events.mark(event_id, "mail.welcome")
        assert await uow.processed_events.seen(event_id, "mail.welcome") is True
        # not committed
    async with backend.uow() as uow:
        assert await uow.processed_events.seen(event_id, "mail.welcome") is False
        await uow.processed_events.mark(event_id, "mail.welcome")
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.processed_events.seen(event_id, "mail.welcome") is True
        assert await uow.processed_events.seen(event_id, "search.index") is False
        assert await uow.processed_events.seen(uuid.uuid4(), "mail.welcome") is False
        await uow.processed_events.mark(event_id, "search.index")
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.processed_events.seen(event_id, "search.index") is True


async def test_the_walk_helper_fails_on_a_cursor_that_never_ends() -> None:
    """The pagination tests rely on `walk` failing, not looping, when a cursor does not advance."""

    async def stuck(cursor: str | None) -> Page[int]:
        return Page([1], "same")

    with pytest.raises(AssertionError, match="did not reach the end"):
        await walk(stuck, max_pages=3)
