"""Merging a guest basket into a user's, abandoning idle baskets, and the scheduled job that does it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from adapters.memory.services import FixedClock
from bootstrap import JobRunner, Settings
from core.basket.use_cases.lifecycle import AbandonBaskets, Merge, MergeBasket
from core.jobs import JOBS, SCHEDULED
from core.shared.errors import Conflict, NotFound
from entrypoints.http.app import periodic_jobs
from entrypoints.worker.main import cron_grid, worker_settings
from tests.unit.basket.conftest import Till
from tests.unit.conftest import App


async def test_guest_lines_are_added_into_the_users_basket(app: App, till: Till) -> None:
    ayse = await till.customer("ayse@example.com")
    a, b = await till.variant("10.00"), await till.variant("20.00")
    mine = await till.add(await till.open(ayse), a, 1, actor=ayse)
    guest = await till.add(await till.add(await till.open(), a, 2), b, 1)
    merged = await app.use(MergeBasket)(Merge(ayse, guest.basket.id, till.tokens[guest.basket.id] or ""))
    assert merged.basket.id == mine.basket.id
    assert [(ln.variant_id, ln.quantity) for ln in merged.lines] == [(a.id, 3), (b.id, 1)]
    left = await till.stored(guest.basket.id)
    assert (left.status, left.merged_into_id) == ("merged", mine.basket.id)
    again = await app.use(MergeBasket)(Merge(ayse, guest.basket.id, till.tokens[guest.basket.id] or ""))
    assert again.basket.id == mine.basket.id and again.lines[0].quantity == 3  # a repeated merge adds nothing
    mehmet = await till.customer("mehmet@example.com")
    with pytest.raises(Conflict):
        await app.use(MergeBasket)(Merge(mehmet, guest.basket.id, till.tokens[guest.basket.id] or ""))
    with pytest.raises(Conflict) as e:
        await till.add(guest, a)  # the guest token reaches a merged basket, which takes no changes
    assert e.value.code == "basket_not_active"


async def test_the_guest_basket_becomes_the_users_when_they_have_none(app: App, till: Till) -> None:
    ayse = await till.customer("ayse@example.com")
    guest = await till.add(await till.open(), await till.variant(), 2)
    token = till.tokens[guest.basket.id] or ""
    merged = await app.use(MergeBasket)(Merge(ayse, guest.basket.id, token))
    assert (merged.basket.id, merged.basket.user_id, merged.basket.status) == (guest.basket.id, ayse.user_id, "active")
    assert (await till.open(ayse)).basket.id == guest.basket.id
    with pytest.raises(NotFound):
        await till.read(guest)  # the token no longer opens it: it is Ayşe's now
    again = await app.use(MergeBasket)(Merge(ayse, guest.basket.id, token))  # a retried merge: her basket
    assert again.basket.id == guest.basket.id and again.lines[0].quantity == 2


async def test_merging_needs_the_guest_token_and_never_reaches_another_users_basket(app: App, till: Till) -> None:
    ayse, mehmet = await till.customer("ayse@example.com"), await till.customer("mehmet@example.com")
    guest = await till.open()
    merge = app.use(MergeBasket)
    for basket_id, token in ((guest.basket.id, "wrong"), (guest.basket.id, ""), (uuid.uuid4(), guest.token or "")):
        with pytest.raises(NotFound):
            await merge(Merge(ayse, basket_id, token))
    his = await till.open(mehmet)
    with pytest.raises(NotFound):
        await merge(Merge(ayse, his.basket.id, guest.token or ""))
    assert (await till.stored(guest.basket.id)).status == "active"


async def test_merging_keeps_to_the_limits_and_the_currency(app: App, till: Till) -> None:
    await app.set("basket.max_quantity", 4)
    ayse = await till.customer("ayse@example.com")
    a, b, c = await till.variant(), await till.variant(), await till.variant()
    await till.add(await till.open(ayse), a, 3, actor=ayse)
    guest = await till.add(await till.add(await till.add(await till.open(), a, 3), b), c)
    await app.set("basket.max_lines", 2)
    merged = await app.use(MergeBasket)(Merge(ayse, guest.basket.id, till.tokens[guest.basket.id] or ""))
    assert [(ln.variant_id, ln.quantity) for ln in merged.lines] == [(a.id, 4), (b.id, 1)]  # capped; c has no room
    await app.set("basket.currencies", "TRY,EUR")
    euros = await till.open(currency="EUR")
    with pytest.raises(Conflict) as e:
        await app.use(MergeBasket)(Merge(ayse, euros.basket.id, till.tokens[euros.basket.id] or ""))
    assert e.value.code == "currency_mismatch"


async def test_idle_active_baskets_are_abandoned_in_batches(app: App, till: Till, clock: FixedClock) -> None:
    variant = await till.variant()
    old = [await till.add(await till.open(), variant) for _ in range(5)]
    converted = await till.open()
    async with app.uow() as uow:
        found = await uow.baskets.get(converted.basket.id)
        assert found is not None
        found.convert(uuid.uuid4())
        await uow.commit()
    clock.advance(hours=71)
    fresh = await till.open()
    clock.advance(hours=2)  # the first baskets are 73 h idle, the fresh one 2 h
    assert await app.use(AbandonBaskets)({}, batch=2) == 5
    assert {(await till.stored(b.basket.id)).status for b in old} == {"abandoned"}
    assert (await till.stored(fresh.basket.id)).status == "active"
    assert (await till.stored(converted.basket.id)).status == "converted"
    assert await app.use(AbandonBaskets)({}) == 0
    with pytest.raises(Conflict) as e:
        await till.add(old[0], variant)
    assert e.value.code == "basket_not_active"
    await app.set("basket.abandon_after_hours", 1)
    assert await app.use(AbandonBaskets)({}) == 1


def test_abandon_baskets_is_a_scheduled_job() -> None:
    assert JOBS["abandon_baskets"] is AbandonBaskets
    assert SCHEDULED["abandon_baskets"] == 3600


def test_the_worker_runs_every_scheduled_job_as_a_cron() -> None:
    settings = Settings(database_url="memory://", profile="test", redis_url="redis://127.0.0.1:6379/0")
    names = {c.name for c in worker_settings(settings)["cron_jobs"]}
    assert {"cron:relay_outbox", "cron:prune_outbox"} | {f"cron:{job}" for job in SCHEDULED} <= names


@pytest.mark.parametrize(("seconds", "fields"), [
    (5, {"second": set(range(0, 60, 5))}),
    (300, {"minute": set(range(0, 60, 5)), "second": 0}),
    (3600, {"hour": set(range(24)), "minute": 0, "second": 0}),
    (7200, {"hour": set(range(0, 24, 2)), "minute": 0, "second": 0}),
    (86400, {"hour": 0, "minute": 0, "second": 0}),
])  # fmt: skip
def test_intervals_are_rounded_onto_the_cron_grid(seconds: float, fields: dict[str, Any]) -> None:
    assert cron_grid(seconds) == fields


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[str] = []

    async def enqueue(self, job: str, payload: dict[str, Any], *, job_id: str | None = None) -> None:
        self.jobs.append(job)


class Container:
    def __init__(self, queue: RecordingQueue) -> None:
        self.queue = queue

    def resolve(self, _cls: Any) -> RecordingQueue:
        return self.queue


async def test_the_embedded_api_enqueues_every_scheduled_job_each_interval() -> None:
    queue = RecordingQueue()
    task = asyncio.create_task(periodic_jobs(Container(queue), relay_every=0.02, prune_every=60,  # type: ignore[arg-type]
                                             scheduled={"abandon_baskets": 0.05}))  # fmt: skip
    try:
        async with asyncio.timeout(10):
            while queue.jobs.count("abandon_baskets") < 3:  # noqa: ASYNC110  (the chores task has no event)
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
    assert queue.jobs[:3] == ["relay_outbox", "prune_outbox", "abandon_baskets"]  # each at startup
    assert queue.jobs.count("prune_outbox") == 1  # then once per its own interval
    assert queue.jobs.count("relay_outbox") >= 3


async def test_the_job_runner_runs_the_abandon_job_by_name(app: App, till: Till, clock: FixedClock) -> None:
    idle = await till.open()
    clock.advance(hours=73)
    outcome = await app.use(JobRunner).run("abandon_baskets", {}, 1)
    assert outcome.kind == "done"
    assert (await till.stored(idle.basket.id)).status == "abandoned"
