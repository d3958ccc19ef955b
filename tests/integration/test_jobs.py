"""Background jobs: the JobRunner's retry / dead-letter / dedupe rules, the in-process queue of the embedded
profile, and the same flow through a real arq worker on Redis with a SQL database."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import attrs
import punq
import pytest
from redis.asyncio import Redis

from adapters.arq.queue import ArqTaskQueue
from adapters.jobs.inprocess import InProcessTaskQueue
from adapters.jobs.runner import JobRunner
from adapters.memory.services import MemoryMailer
from bootstrap import Settings, bootstrap, shutdown
from core.accounts.events import MessageRequested
from core.accounts.handlers import DeliverMessage
from core.accounts.use_cases.registration import Register, RegisterAccount
from core.accounts.use_cases.verification import Confirm, VerifyEmail
from core.platform.model import DeadLetter
from core.platform.outbox import DISPATCH_JOB
from core.shared.actor import SYSTEM, Actor, current_actor
from core.shared.mail import Mail
from core.shared.pagination import PageRequest
from entrypoints.observability import JsonFormatter
from entrypoints.worker.main import run_worker, running_worker, worker_settings
from ports.services import Mailer, OutboxRelayTrigger, RuntimeSettings, TaskQueue
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH

PASSWORD = "doğru-at-pil-zımba-42"

# arq's Worker.close() calls redis-py's deprecated close(); nothing of ours
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


def settings_for(tmp_path: Path, database_url: str, redis_url: str | None = None) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, profile="test", var_dir=str(tmp_path),
                    job_backoff_seconds=0.01, **FAST_HASH)  # fmt: skip


@pytest.fixture(params=["memory", "sqlite"])
async def container(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[punq.Container]:
    url = "memory://" if request.param == "memory" else request.getfixturevalue("sqlite_url")
    c = bootstrap(settings_for(tmp_path, url))
    try:
        yield c
    finally:
        await shutdown(c)


async def dead_letters(c: punq.Container) -> list[DeadLetter]:
    async with c.resolve(UnitOfWork) as uow:
        return list((await uow.dead_letters.list(PageRequest(limit=100))).items)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 60.0) -> None:
    """Wait until `check()` holds; fail the test if it does not within `seconds`."""
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110  (polling state in other processes' stores)
            await asyncio.sleep(0.02)


# --- jobs the tests run ---------------------------------------------------------------------------------------


@attrs.define
class Flaky:
    """Fails its first `failures` calls, then succeeds; records every payload and the actor it ran as."""

    failures: int = 0
    calls: list[dict[str, Any]] = attrs.field(factory=list)
    actors: list[Actor | None] = attrs.field(factory=list)

    async def __call__(self, payload: dict[str, Any]) -> None:
        self.calls.append(payload)
        self.actors.append(current_actor.get())
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"flaky failure {len(self.calls)}")


@attrs.define
class FirstHandler:
    seen: list[uuid.UUID] = attrs.field(factory=list)

    async def __call__(self, event: Any) -> None:
        self.seen.append(event.id)


@attrs.define
class SecondHandler:
    failures: int = 0
    seen: list[uuid.UUID] = attrs.field(factory=list)

    async def __call__(self, event: Any) -> None:
        self.seen.append(event.id)
        if len(self.seen) <= self.failures:
            raise ConnectionError("second handler down")


def runner_with(c: punq.Container, **instances: Any) -> JobRunner:
    for instance in instances.values():
        c.register(type(instance), instance=instance)
    jobs = {name: type(i) for name, i in instances.items() if not name.startswith("on_")}
    handlers = {"test.happened": [type(i) for name, i in instances.items() if name.startswith("on_")]}
    return JobRunner(c.resolve, jobs=jobs, handlers=handlers, backoff_base=0.01)


def dispatch_payload(event_id: uuid.UUID, name: str = "test.happened") -> dict[str, Any]:
    return {"id": str(event_id), "name": name, "payload": {"n": 1}, "occurred_at": "2026-01-15T09:00:00+00:00"}


# --- JobRunner ------------------------------------------------------------------------------------------------


async def test_a_successful_job_runs_once_as_the_system_actor(container: punq.Container) -> None:
    job = Flaky()
    outcome = await runner_with(container, work=job).run("work", {"order": 7}, attempt=1)
    assert outcome.kind == "done"
    assert job.calls == [{"order": 7}]
    assert job.actors == [SYSTEM]
    assert current_actor.get() is None  # reset after the job
    assert await dead_letters(container) == []


async def test_a_failing_job_is_retried_with_exponential_backoff_then_succeeds(container: punq.Container) -> None:
    job = Flaky(failures=2)
    runner = runner_with(container, work=job)
    first = await runner.run("work", {}, attempt=1)
    second = await runner.run("work", {}, attempt=2)
    third = await runner.run("work", {}, attempt=3)
    assert (first.kind, first.delay) == ("retry", pytest.approx(0.01))
    assert (second.kind, second.delay) == ("retry", pytest.approx(0.02))
    assert third.kind == "done"
    assert len(job.calls) == 3
    assert await dead_letters(container) == []


async def test_backoff_is_capped(container: punq.Container) -> None:
    runner = runner_with(container, work=Flaky(failures=99))
    runner.backoff_base, runner.backoff_max = 1.0, 5.0
    delays = [(await runner.run("work", {}, attempt=n)).delay for n in (1, 2, 3, 4)]
    assert delays == [1.0, 2.0, 4.0, 5.0]


async def test_a_job_failing_every_try_ends_as_a_dead_letter(container: punq.Container) -> None:
    job = Flaky(failures=99)
    runner = runner_with(container, work=job)
    outcomes = [(await runner.run("work", {"sku": "A-1"}, attempt=n)).kind for n in range(1, 6)]
    assert outcomes == ["retry", "retry", "retry", "retry", "dead"]  # jobs.max_tries defaults to 5
    [letter] = await dead_letters(container)
    assert (letter.job, letter.payload, letter.tries) == ("work", {"sku": "A-1"}, 5)
    assert "RuntimeError" in letter.error and "flaky failure 5" in letter.error
    assert letter.retried_at is None


async def test_the_max_tries_runtime_setting_decides_when_to_give_up(container: punq.Container) -> None:
    async with container.resolve(UnitOfWork) as uow:
        await uow.setting_overrides.put("jobs.max_tries", 2, None)
        await uow.commit()
    await container.resolve(RuntimeSettings).invalidate()
    runner = runner_with(container, work=Flaky(failures=99))
    assert (await runner.run("work", {}, attempt=1)).kind == "retry"
    assert (await runner.run("work", {}, attempt=2)).kind == "dead"
    assert [d.tries for d in await dead_letters(container)] == [2]


@attrs.define
class Hangs:
    async def __call__(self, payload: dict[str, Any]) -> None:
        await asyncio.sleep(60)


async def test_a_try_that_runs_too_long_fails_and_ends_as_a_dead_letter(container: punq.Container) -> None:
    runner = runner_with(container, hang=Hangs())
    runner.timeout = 0.05
    assert (await runner.run("hang", {}, attempt=1)).kind == "retry"
    assert (await runner.run("hang", {}, attempt=5)).kind == "dead"
    [letter] = await dead_letters(container)
    assert (letter.job, letter.tries) == ("hang", 5) and "TimeoutError" in letter.error


async def test_an_unknown_job_is_dead_lettered_at_once(container: punq.Container) -> None:
    outcome = await runner_with(container).run("no_such_job", {"x": 1}, attempt=1)
    assert outcome.kind == "dead"
    [letter] = await dead_letters(container)
    assert (letter.job, letter.payload, letter.tries) == ("no_such_job", {"x": 1}, 1)
    assert "no job named 'no_such_job'" in letter.error


async def test_event_handlers_run_once_per_event_id(container: punq.Container) -> None:
    first, second = FirstHandler(), SecondHandler()
    runner = runner_with(container, on_first=first, on_second=second)
    event_id, other_id = uuid.uuid4(), uuid.uuid4()
    assert (await runner.run(DISPATCH_JOB, dispatch_payload(event_id), attempt=1)).kind == "done"
    assert (await runner.run(DISPATCH_JOB, dispatch_payload(event_id), attempt=1)).kind == "done"  # redelivered
    assert (await runner.run(DISPATCH_JOB, dispatch_payload(other_id), attempt=1)).kind == "done"
    assert first.seen == [event_id, other_id]
    assert second.seen == [event_id, other_id]
    async with container.resolve(UnitOfWork) as uow:
        for handler in (FirstHandler, SecondHandler):
            assert await uow.processed_events.seen(event_id, f"{handler.__module__}.{handler.__qualname__}")
        assert not await uow.processed_events.seen(uuid.uuid4(), f"{FirstHandler.__module__}.FirstHandler")


async def test_a_retried_event_reruns_only_the_handler_that_failed(container: punq.Container) -> None:
    first, second = FirstHandler(), SecondHandler(failures=1)
    runner = runner_with(container, on_first=first, on_second=second)
    event_id = uuid.uuid4()
    assert (await runner.run(DISPATCH_JOB, dispatch_payload(event_id), attempt=1)).kind == "retry"
    assert (await runner.run(DISPATCH_JOB, dispatch_payload(event_id), attempt=2)).kind == "done"
    assert first.seen == [event_id]
    assert second.seen == [event_id, event_id]


async def test_an_event_without_handlers_is_done(container: punq.Container) -> None:
    outcome = await runner_with(container).run(DISPATCH_JOB, dispatch_payload(uuid.uuid4(), "nobody.cares"), 1)
    assert outcome.kind == "done"
    assert await dead_letters(container) == []


# --- the in-process queue (embedded profile) ------------------------------------------------------------------


async def test_in_process_queue_retries_until_success(container: punq.Container) -> None:
    job = Flaky(failures=2)
    runner = runner_with(container, work=job)
    queue = InProcessTaskQueue(lambda: runner)
    await queue.enqueue("work", {"n": 1})
    await queue.drain(timeout=60)
    assert job.calls == [{"n": 1}] * 3
    assert await dead_letters(container) == []


async def test_in_process_queue_dead_letters_a_job_that_never_succeeds(container: punq.Container) -> None:
    job = Flaky(failures=99)
    queue = InProcessTaskQueue(lambda: runner_with(container, work=job))
    await queue.enqueue("work", {"n": 2})
    await queue.drain(timeout=60)
    assert len(job.calls) == 5
    assert [(d.job, d.tries) for d in await dead_letters(container)] == [("work", 5)]


async def test_in_process_queue_runs_a_job_id_once_while_it_is_active(container: punq.Container) -> None:
    job = Flaky(failures=1)
    queue = InProcessTaskQueue(lambda: runner_with(container, work=job))
    await queue.enqueue("work", {"n": 1}, job_id="event:1")
    await queue.enqueue("work", {"n": 1}, job_id="event:1")
    await queue.enqueue("work", {"n": 2}, job_id="event:2")
    await queue.drain(timeout=60)
    assert job.calls == [{"n": 1}, {"n": 2}, {"n": 1}]  # event:1 failed once and was retried; never doubled


async def register(c: punq.Container, email: str = "ayse@example.com") -> Any:
    return await c.resolve(RegisterAccount)(Register(email=email, password=PASSWORD, first_name="Ayşe"))


def token_in(mail: Mail) -> str:
    match = re.search(r"/verify-email\?token=([\w\-%.~]+)", mail.text)
    assert match, mail.text
    return match.group(1)


@pytest.mark.parametrize("database", ["memory", "sqlite"])
async def test_embedded_registration_mails_the_verification_link(database: str, tmp_path: Path,
                                                                 request: pytest.FixtureRequest) -> None:  # fmt: skip
    """Register → outbox → relay (poked by the commit) → dispatch_event → DeliverMessage → Mailer."""
    url = "memory://" if database == "memory" else request.getfixturevalue("sqlite_url")
    mailer = MemoryMailer()
    c = bootstrap(settings_for(tmp_path, url), overrides={Mailer: mailer})
    try:
        assert isinstance(c.resolve(TaskQueue), InProcessTaskQueue)
        account = await register(c, "  Ayse@Example.COM ")
        await c.resolve(TaskQueue).drain(timeout=60)  # type: ignore[attr-defined]

        [mail] = mailer.sent
        assert mail.to == "ayse@example.com"
        assert "verify your e-mail address" in mail.subject and "Çarşı" in mail.subject
        assert "http://127.0.0.1:8000/verify-email?token=" in mail.text
        async with c.resolve(UnitOfWork) as uow:
            assert await uow.outbox.pending(10) == []  # relayed
        assert await dead_letters(c) == []

        await c.resolve(VerifyEmail)(Confirm(token_in(mail)))  # the mailed token is the real one
        async with c.resolve(UnitOfWork) as uow:
            assert (await uow.accounts.get(account.id)).is_email_verified
    finally:
        await shutdown(c)


# --- the arq worker on a real Redis ---------------------------------------------------------------------------


@attrs.define
class FailingMailer:
    """A mail server that is down for its first `failures` sends (forever by default)."""

    failures: int = 10**6
    tries: int = 0
    sent: list[Mail] = attrs.field(factory=list)

    async def send(self, mail: Mail) -> None:
        self.tries += 1
        if self.tries <= self.failures:
            raise ConnectionRefusedError(f"smtp down (try {self.tries})")
        self.sent.append(mail)


class NoPoke:
    """An OutboxRelayTrigger that does nothing: only the worker's periodic relay can deliver."""

    def poke(self) -> None:
        pass


@pytest.fixture
async def api(tmp_path: Path, sql_url: str, redis_url: str) -> AsyncIterator[tuple[punq.Container, Settings]]:
    """The API side: a container on the SQL database and Redis, as `carsi serve` builds it."""
    settings = settings_for(tmp_path, sql_url, redis_url)
    c = bootstrap(settings)
    try:
        yield c, settings
    finally:
        await shutdown(c)


async def test_arq_worker_delivers_the_verification_mail(api: tuple[punq.Container, Settings]) -> None:
    c, settings = api
    assert isinstance(c.resolve(TaskQueue), ArqTaskQueue)
    mailer = MemoryMailer()
    async with running_worker(settings, {Mailer: mailer}) as worker:
        account = await register(c)
        await eventually(lambda: _true(len(mailer.sent) == 1))
        [mail] = mailer.sent
        assert mail.to == "ayse@example.com" and "Çarşı" in mail.subject

        handler = f"{DeliverMessage.__module__}.{DeliverMessage.__qualname__}"

        async def job_finished_and_event_marked() -> bool:  # both happen just after the send
            event_ids = await _message_event_ids(c)
            async with c.resolve(UnitOfWork) as uow:
                return len(event_ids) == 1 and await uow.processed_events.seen(event_ids[0], handler)

        await eventually(job_finished_and_event_marked)
        async with c.resolve(UnitOfWork) as uow:
            assert await uow.outbox.pending(10) == []
        assert worker.jobs_failed == 0

    await c.resolve(VerifyEmail)(Confirm(token_in(mail)))
    async with c.resolve(UnitOfWork) as uow:
        assert (await uow.accounts.get(account.id)).is_email_verified
    assert await dead_letters(c) == []


async def _message_event_ids(c: punq.Container) -> list[uuid.UUID]:
    """Ids of the MessageRequested events the worker dispatched, from arq's job results in Redis."""
    results = await c.resolve("redis").all_job_results()
    return [
        uuid.UUID(r.args[1]["id"])
        for r in results
        if r.function == "run_job" and r.args[0] == DISPATCH_JOB and r.args[1]["name"] == MessageRequested.name
    ]


async def _true(value: bool) -> bool:
    return value


async def test_arq_worker_relays_the_outbox_periodically_without_a_poke(tmp_path: Path, sql_url: str,
                                                                        redis_url: str) -> None:  # fmt: skip
    """The periodic relay is the safety net: events committed without a poke still go out."""
    settings = settings_for(tmp_path, sql_url, redis_url)
    c = bootstrap(settings, overrides={OutboxRelayTrigger: NoPoke()})
    mailer = MemoryMailer()
    try:
        await register(c, "sessiz@example.com")
        queue = Redis.from_url(redis_url)
        try:
            assert await queue.zcard("arq:queue") == 0  # nothing was queued by the commit
        finally:
            await queue.aclose()
        async with running_worker(settings, {Mailer: mailer}):
            await eventually(lambda: _true(len(mailer.sent) == 1))
        assert mailer.sent[0].to == "sessiz@example.com"
    finally:
        await shutdown(c)


async def test_arq_worker_retries_a_failing_handler_until_it_succeeds(api: tuple[punq.Container, Settings]) -> None:
    c, settings = api
    mailer = FailingMailer(failures=2)
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    jobs_log = logging.getLogger("carsi.jobs")
    jobs_log.addHandler(handler)
    try:
        async with running_worker(settings, {Mailer: mailer}) as worker:
            await register(c)
            await eventually(lambda: _true(len(mailer.sent) == 1))
            assert mailer.tries == 3
            assert worker.jobs_retried >= 2  # arq re-ran the job after Retry(defer=backoff)
    finally:
        jobs_log.removeHandler(handler)
    assert await dead_letters(c) == []
    retries = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [r["tries"] for r in retries] == [1, 2]  # the runner saw arq's try count as the attempt
    [event_id] = await _message_event_ids(c)
    assert {r["request_id"] for r in retries} == {f"job:event:{event_id}"}  # log lines name the arq job


async def test_arq_worker_dead_letters_a_job_that_keeps_failing(api: tuple[punq.Container, Settings]) -> None:
    c, settings = api
    mailer = FailingMailer()

    async def buried() -> bool:
        return len(await dead_letters(c)) == 2

    async with running_worker(settings, {Mailer: mailer}):
        await register(c)
        await c.resolve(TaskQueue).enqueue("no_such_job", {"x": 1})
        await eventually(buried)
        await asyncio.sleep(0.3)  # a buried job is not tried again
        assert mailer.tries == 5

    letters = {d.job: d for d in await dead_letters(c)}
    assert set(letters) == {DISPATCH_JOB, "no_such_job"}
    dispatch = letters[DISPATCH_JOB]
    assert dispatch.tries == 5 and "ConnectionRefusedError" in dispatch.error and "smtp down (try 5)" in dispatch.error
    assert dispatch.payload["name"] == MessageRequested.name
    assert dispatch.payload["payload"]["to"] == "ayse@example.com"
    assert (letters["no_such_job"].tries, letters["no_such_job"].payload) == (1, {"x": 1})
    assert mailer.sent == []


def test_the_worker_needs_redis(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        worker_settings(settings_for(tmp_path, "memory://"))


def test_run_worker_in_burst_mode_works_the_queue_then_returns(tmp_path: Path, sqlite_url: str,
                                                               redis_url: str) -> None:  # fmt: skip
    """What `carsi worker` runs (here with burst, so it returns once the queue is empty)."""
    import logging

    settings = settings_for(tmp_path, sqlite_url, redis_url)

    async def enqueue() -> None:
        c = bootstrap(settings)
        try:
            await c.resolve(TaskQueue).enqueue("no_such_job", {"burst": True})
        finally:
            await shutdown(c)

    async def letters() -> list[DeadLetter]:
        c = bootstrap(settings)
        try:
            return await dead_letters(c)
        finally:
            await shutdown(c)

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        asyncio.run(enqueue())
        run_worker(settings, burst=True)
    finally:
        root.handlers[:], root.level = handlers, level
    assert [(d.job, d.payload) for d in asyncio.run(letters())] == [("no_such_job", {"burst": True})]
