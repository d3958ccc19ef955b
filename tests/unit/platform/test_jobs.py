"""Failed jobs (dead letters): listed for staff, retried with their payload; the outbox relay."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from core.platform.outbox import RelayOutbox
from core.platform.use_cases import ListDeadLetters, RetryDeadLetter
from core.shared.actor import Actor
from core.shared.errors import NotFound
from core.shared.pagination import PageRequest
from ports.services import Clock, Mailer, OutboxRelayTrigger, SmsSender, TaskQueue
from tests.unit.conftest import App

STAFF = Actor(uuid.uuid4(), frozenset({"jobs.manage"}))


async def _fail(app: App, job: str = "no_such_job", payload: dict[str, Any] | None = None) -> None:
    """A job nobody can run is dead-lettered at once by the job runner."""
    await app.use(TaskQueue).enqueue(job, payload or {"order": "42"})
    await app.drain()


async def test_a_failed_job_is_listed(app: App) -> None:
    await _fail(app)
    page = await app.use(ListDeadLetters)(PageRequest())
    [letter] = page.items
    assert (letter.job, letter.payload, letter.tries, letter.retried_at) == ("no_such_job", {"order": "42"}, 1, None)
    assert "no_such_job" in letter.error
    assert page.next_cursor is None


async def test_dead_letters_page(app: App) -> None:
    for i in range(5):
        await _fail(app, payload={"n": i})
    first = await app.use(ListDeadLetters)(PageRequest(limit=2))
    assert len(first.items) == 2 and first.next_cursor
    seen = [d.id for d in first.items]
    cursor = first.next_cursor
    while cursor:
        page = await app.use(ListDeadLetters)(PageRequest(limit=2, cursor=cursor))
        seen += [d.id for d in page.items]
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 5


async def test_retry_queues_the_job_again_marks_the_letter_and_audits(app: App) -> None:
    await _fail(app)
    [letter] = (await app.use(ListDeadLetters)(PageRequest())).items
    app.clock.advance(minutes=5)
    retried = await app.use(RetryDeadLetter)(STAFF, letter.id)
    assert retried.retried_at == app.clock.now()
    await app.drain()
    letters = (await app.use(ListDeadLetters)(PageRequest())).items
    # the retry ran the same job with the same payload; it failed again, so it is a new letter
    assert len(letters) == 2
    stored = next(d for d in letters if d.id == letter.id)
    assert stored.retried_at == app.clock.now()
    again = next(d for d in letters if d.id != letter.id)
    assert (again.job, again.payload) == (letter.job, letter.payload)
    [entry] = await app.audit(target_type="dead_letter")
    assert (entry.action, entry.actor_id, entry.target_id, entry.changes) == (
        "job.retry",
        STAFF.user_id,
        str(letter.id),
        {"job": [None, "no_such_job"]},
    )


async def test_retry_of_a_job_that_now_works_leaves_no_new_letter(app: App) -> None:
    from core.platform.model import DeadLetter

    async with app.uow() as uow:
        letter = DeadLetter(job="relay_outbox", payload={}, error="ConnectionError: redis went away", tries=5)
        await uow.dead_letters.add(letter)
        await uow.commit()
    await app.use(RetryDeadLetter)(STAFF, letter.id)
    await app.drain()
    [stored] = (await app.use(ListDeadLetters)(PageRequest())).items
    assert stored.id == letter.id and stored.retried_at is not None


async def test_retry_of_an_unknown_letter_is_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        await app.use(RetryDeadLetter)(STAFF, uuid.uuid4())


# --- the outbox relay ----------------------------------------------------------------------------------------


class CountingTrigger:
    """A relay trigger that only counts pokes, so the test decides when the relay runs."""

    def __init__(self) -> None:
        self.pokes = 0

    def poke(self) -> None:
        self.pokes += 1


@pytest.fixture
async def quiet(settings, clock, mailer, sms):  # type: ignore[no-untyped-def]
    from bootstrap import bootstrap, shutdown

    trigger = CountingTrigger()
    c = bootstrap(settings, overrides={Clock: clock, Mailer: mailer, SmsSender: sms, OutboxRelayTrigger: trigger})
    yield App(c, clock, mailer, sms), trigger
    await shutdown(c)


async def test_committed_events_wait_in_the_outbox_until_relayed(quiet) -> None:  # type: ignore[no-untyped-def]
    app, trigger = quiet
    await app.register("a@example.com")
    await app.register("b@example.com")
    assert trigger.pokes == 2 and app.mailer.sent == []
    store = app.container.resolve(MemoryStore)
    assert sorted(e.name for e in store.outbox) == ["accounts.message_requested"] * 2 + ["accounts.registered"] * 2
    assert await app.use(RelayOutbox)(batch=3) == 4  # more than one batch
    await app.drain()
    assert sorted(m.to for m in app.mailer.sent) == ["a@example.com", "b@example.com"]
    assert await app.use(RelayOutbox)() == 0  # relayed once
    await app.drain()
    assert len(app.mailer.sent) == 2


async def test_a_rolled_back_change_emits_nothing(quiet) -> None:  # type: ignore[no-untyped-def]
    from core.shared.errors import Invalid

    app, trigger = quiet
    with pytest.raises(Invalid):
        await app.register("a@example.com", phone="123")
    assert trigger.pokes == 0
    assert await app.use(RelayOutbox)() == 0


async def test_prune_deletes_relayed_events_past_their_retention_only(quiet) -> None:  # type: ignore[no-untyped-def]
    from core.platform.outbox import PruneOutbox

    app, _ = quiet
    store = app.container.resolve(MemoryStore)
    await app.register("a@example.com")
    assert await app.use(RelayOutbox)() == 2
    await app.drain()
    await app.register("b@example.com")  # two more, not relayed yet
    app.clock.advance(hours=23)
    assert await app.use(PruneOutbox)() == 0
    app.clock.advance(hours=1, seconds=1)
    assert await app.use(PruneOutbox)() == 2
    assert len(store.outbox) == 2  # the pending ones stay, whatever their age
    assert await app.use(RelayOutbox)() == 2
    await app.drain()
    assert sorted(m.to for m in app.mailer.sent) == ["a@example.com", "b@example.com"]
