"""Exactly-once notification e-mails through a real SMTP server (aiosmtpd), PostgreSQL and Redis.

A real `carsi worker` process is killed (SIGKILL) in the middle of sending an order's e-mail, after the order
and the notice were committed; another worker then runs: the e-mail reaches the mail server exactly once, the
in-app notice exists once. And on SQLite and PostgreSQL: a handler that committed but was never marked done
(the worker died in between) is run again, and adds and sends nothing twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from redis.asyncio import Redis

from adapters.jobs.runner import JobRunner
from bootstrap import Settings, bootstrap, shutdown
from core.notifications.handlers import NotifyOrderEvent
from core.shared.events import Event, StoredEvent
from entrypoints.worker.main import running_worker
from ports.services import TaskQueue
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH
from tests.services import free_port
from tests.unit.notifications.conftest import order_event

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")
ROOT = Path(__file__).resolve().parents[2]


class MailServer:
    """aiosmtpd that can hold the next message (never answering it) until released, and records the rest."""

    def __init__(self) -> None:
        self.accepted: list[Envelope] = []
        self.hold_next = False
        self.holding = threading.Event()
        self.release = threading.Event()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            while not self.release.is_set():  # noqa: ASYNC110  (a thread's event) the sender is killed meanwhile
                await asyncio.sleep(0.05)
            return "451 4.3.0 not taken"
        self.accepted.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?tls=off&timeout=60"

    def messages_to(self, to: str) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.accepted  # type: ignore[arg-type]
                if to in e.rcpt_tos]  # fmt: skip


@pytest.fixture
def smtp() -> Any:
    server = MailServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.release.set()
        server.controller.stop()


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 60.0) -> None:
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110  (polling state in other processes' stores)
            await asyncio.sleep(0.1)


async def commit(c: Any, *events: Event) -> None:
    """The events committed as the order's own transaction commits them."""
    async with c.resolve(UnitOfWork) as uow:
        for event in events:
            uow.emit(event)
        await uow.commit()


async def state(c: Any, user_id: uuid.UUID) -> tuple[int, list[Any]]:
    """(notices of the user, notification e-mail rows)."""
    async with c.resolve(UnitOfWork) as uow:
        session = uow.session  # type: ignore[attr-defined]
        from adapters.sql import tables as t

        notices = (await session.execute(t.notifications.select().where(t.notifications.c.user_id == user_id))).all()
        emails = (await session.execute(t.notification_emails.select())).all()
    return len(notices), list(emails)


async def a_customer(c: Any, email: str) -> uuid.UUID:
    from core.accounts.model import Account

    account = Account(email=email, password_hash="x", first_name="Ayşe")
    async with c.resolve(UnitOfWork) as uow:
        await uow.accounts.add(account)
        await uow.commit()
    return account.id


def worker_process(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url or "",
           "SMTP_URL": settings.smtp_url or "", "PROFILE": "test", "VAR_DIR": settings.var_dir,
           "SECRET_KEY": "test-secret-key-for-the-worker", "LOG_LEVEL": "WARNING"}  # fmt: skip
    log = open(Path(settings.var_dir) / "worker.log", "ab")  # noqa: SIM115  (kept for a failure message)
    command = [sys.executable, "-c", "from entrypoints.cli.main import cli; cli()", "worker"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=log)


@pytest.fixture
async def stack(tmp_path: Path, pg_url: str, redis_url: str, smtp: MailServer) -> AsyncIterator[tuple[Any, Settings]]:
    settings = Settings(database_url=pg_url, redis_url=redis_url, smtp_url=smtp.url, profile="test",
                        var_dir=str(tmp_path), secret_key="test-secret-key-for-the-worker", **FAST_HASH)  # fmt: skip
    c = bootstrap(settings)
    try:
        yield c, settings
    finally:
        await shutdown(c)


async def test_a_worker_killed_mid_send_loses_nothing_and_sends_once(stack: tuple[Any, Settings],
                                                                     smtp: MailServer) -> None:  # fmt: skip
    c, settings = stack
    user_id = await a_customer(c, "ayse@example.com")
    smtp.hold_next = True
    await commit(c, order_event("placed", user_id=user_id, email="ayse@example.com", number="CRS-2026-000042"))

    first = worker_process(settings)
    try:
        assert await asyncio.to_thread(smtp.holding.wait, 30), (Path(settings.var_dir) / "worker.log").read_text()[
            -3000:
        ]
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies in the middle of the SMTP conversation
        first.wait(10)
    notices, [email] = await state(c, user_id)
    assert notices == 1 and email.sent_at is None and smtp.accepted == []
    smtp.release.set()

    # arq holds a dead worker's job until its in-progress mark times out: let that time pass
    redis = Redis.from_url(settings.redis_url or "")
    try:
        for key in await redis.keys("arq:in-progress:*"):
            await redis.delete(key)
    finally:
        await redis.aclose()

    async with running_worker(settings):
        await eventually(lambda: _true(len(smtp.messages_to("ayse@example.com")) == 1))

        async def marked_sent() -> bool:
            return (await state(c, user_id))[1][0].sent_at is not None

        await eventually(marked_sent)
        await asyncio.sleep(3)  # a periodic relay runs meanwhile: nothing goes out again
    [message] = smtp.messages_to("ayse@example.com")
    assert message["Subject"] == "Çarşı: Siparişiniz alındı (CRS-2026-000042)"
    assert (await state(c, user_id))[0] == 1


class Killed(BaseException):
    """The process dying: not an Exception, so no retry and no dead letter — nothing after it runs."""


class NotifyThenDie(NotifyOrderEvent):
    async def __call__(self, event: StoredEvent) -> None:
        await super().__call__(event)
        raise Killed


async def test_a_handler_that_committed_but_was_not_marked_runs_again_harmlessly(
    tmp_path: Path, sql_url: str, smtp: MailServer
) -> None:
    settings = Settings(database_url=sql_url, smtp_url=smtp.url, profile="test", var_dir=str(tmp_path), **FAST_HASH)
    c = bootstrap(settings)
    c.register(NotifyThenDie)
    try:
        user_id = await a_customer(c, "ayse@example.com")
        event = order_event("cancelled", user_id=user_id, email="ayse@example.com")
        payload = {"id": str(event.event_id), "name": event.name, "payload": event.payload(),
                   "occurred_at": event.occurred_at.isoformat()}  # fmt: skip
        dying = JobRunner(c.resolve, handlers={event.name: [NotifyThenDie]})
        with pytest.raises(Killed):
            await dying.run("dispatch_event", payload, 1)
        assert (await state(c, user_id))[0] == 1
        runner = JobRunner(c.resolve)
        for _ in range(2):  # the job again after the crash, and a duplicate delivery of it
            assert (await runner.run("dispatch_event", payload, 1)).kind == "done"
        await c.resolve(TaskQueue).drain()  # the e-mail's own delivery job
        notices, emails = await state(c, user_id)
        assert notices == 1 and len(emails) == 1 and emails[0].sent_at is not None
        [message] = smtp.messages_to("ayse@example.com")
        assert "iptal" in message["Subject"]
    finally:
        await shutdown(c)


async def _true(value: bool) -> bool:
    return value
