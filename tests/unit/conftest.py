"""Unit-test fixtures: the real composition root on memory storage, with a hand-moved clock and recording
mailer and SMS sender. Use cases are resolved from the container exactly as entrypoints resolve them."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import pytest

from adapters.memory.services import FixedClock, MemoryMailer, MemorySms
from bootstrap import Settings, bootstrap, shutdown
from core.accounts.model import Account, Role
from core.accounts.use_cases.registration import Register, RegisterAccount
from core.accounts.use_cases.sessions import Authenticate, LogIn, Login, TokenPair
from core.accounts.use_cases.staff import AssignRoles, CreateRole, NewRole, SetAccountRoles
from core.platform.use_cases import ChangeSetting, UpdateSetting
from core.shared.actor import SYSTEM, Actor
from ports.platform import AuditQuery
from ports.services import Clock, Mailer, SmsSender, TaskQueue
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH

T = TypeVar("T")
PASSWORD = "correct horse battery"

_LINK_TOKEN = re.compile(r"[?&]token=([^\s&]+)")
_SMS_CODE = re.compile(r"\b(\d{6})\b")


class App:
    """A container plus the few steps most tests repeat. Everything goes through use cases."""

    def __init__(self, container: Any, clock: FixedClock, mailer: MemoryMailer, sms: MemorySms) -> None:
        self.container, self.clock, self.mailer, self.sms = container, clock, mailer, sms

    def use(self, cls: type[T]) -> T:
        return self.container.resolve(cls)  # type: ignore[no-any-return]

    def uow(self) -> UnitOfWork:
        return self.container.resolve(UnitOfWork)  # type: ignore[no-any-return]

    async def drain(self) -> None:
        await self.container.resolve(TaskQueue).drain()

    async def register(self, email: str = "ayse@example.com", password: str = PASSWORD, **fields: Any) -> Account:
        account = await self.use(RegisterAccount)(Register(email=email, password=password, **fields))
        await self.drain()
        return account

    async def login(self, email: str = "ayse@example.com", password: str = PASSWORD,
                    client: str = "203.0.113.7") -> TokenPair:  # fmt: skip
        return await self.use(Login)(LogIn(email=email, password=password, client=client))

    async def actor(self, pair: TokenPair) -> Actor:
        return await self.use(Authenticate)(pair.access_token)

    async def account(self, account_id: uuid.UUID) -> Account:
        async with self.uow() as uow:
            return await uow.accounts.get(account_id)

    async def set(self, key: str, value: Any) -> None:
        await self.use(UpdateSetting)(ChangeSetting(SYSTEM, key, value))

    async def role(self, code: str, permissions: list[str], actor: Actor = SYSTEM) -> Role:
        return await self.use(CreateRole)(NewRole(actor=actor, code=code, name=code.title(), permissions=permissions))

    async def staff(self, email: str, permissions: list[str]) -> tuple[Account, Actor]:
        """A registered account holding a role with `permissions`, and its authenticated actor."""
        account = await self.register(email)
        role = await self.role(f"role_{uuid.uuid4().hex[:8]}", permissions)
        await self.use(SetAccountRoles)(AssignRoles(SYSTEM, account.id, [role.id]))
        return account, await self.actor(await self.login(email))

    async def audit(self, **query: Any) -> list[Any]:
        from core.platform.use_cases import ReadAuditLog
        from core.shared.pagination import PageRequest

        return list((await self.use(ReadAuditLog)(AuditQuery(**query), PageRequest(limit=100))).items)

    def mails_to(self, to: str) -> list[Any]:
        return [m for m in self.mailer.sent if m.to == to]

    def link_token(self, to: str) -> str:
        """The token in the latest link e-mailed to `to`."""
        mails = self.mails_to(to)
        assert mails, f"no mail was sent to {to}"
        match = _LINK_TOKEN.search(mails[-1].text)
        assert match, mails[-1].text
        return unquote(match.group(1))

    def sms_code(self, to: str) -> str:
        texts = [text for number, text in self.sms.sent if number == to]
        assert texts, f"no SMS was sent to {to}"
        match = _SMS_CODE.search(texts[-1])
        assert match, texts[-1]
        return match.group(1)


@pytest.fixture
def clock() -> FixedClock:
    # The real present: access tokens carry a real `iat`/`exp` the JWT library checks against the system time.
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def sms() -> MemorySms:
    return MemorySms()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url="memory://", profile="test", var_dir=str(tmp_path), **FAST_HASH)


@pytest.fixture
async def container(settings: Settings, clock: FixedClock, mailer: MemoryMailer, sms: MemorySms) -> AsyncIterator[Any]:
    c = bootstrap(settings, overrides={Clock: clock, Mailer: mailer, SmsSender: sms})
    yield c
    await shutdown(c)


@pytest.fixture
def app(container: Any, clock: FixedClock, mailer: MemoryMailer, sms: MemorySms) -> App:
    return App(container, clock, mailer, sms)
