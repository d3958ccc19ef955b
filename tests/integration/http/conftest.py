"""HTTP end-to-end fixtures: the real app over SQLite or PostgreSQL, driven in-process with httpx.

`api` builds the app from `bootstrap()` with recording fakes for mail and SMS; its helpers register and log in
customers, make a superuser or a staff member with chosen permissions, and read what was sent to whom.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx
import pytest

from adapters.memory.services import MemoryMailer, MemorySms
from bootstrap import Settings, bootstrap, shutdown
from core.accounts.use_cases.staff import AssignRoles, CreateAdmin, CreateRole, NewAdmin, NewRole, SetAccountRoles
from core.shared.actor import SYSTEM
from core.shared.mail import Mail
from entrypoints.http.app import create_app
from ports.services import Mailer, SmsSender, TaskQueue
from tests.conftest import FAST_HASH

PASSWORD = "correct-horse-9"
BACKENDS = ["sqlite", "postgresql"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """An RFC 9457 problem with this status (and code); returns the body."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys(), body
    assert body["status"] == status
    assert isinstance(body["code"], str) and re.fullmatch(r"[a-z0-9_]+", body["code"]), body
    assert "Traceback" not in response.text
    if code is not None:
        assert body["code"] == code, body
    return body


class FlakyMailer(MemoryMailer):
    """Records mail; while `failing` is set every send raises, as an SMTP outage would."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = False

    async def send(self, mail: Mail) -> None:
        if self.failing:
            raise ConnectionError("smtp server unreachable")
        await super().send(mail)


@attrs.define
class User:
    id: str
    email: str
    password: str
    access_token: str = ""
    refresh_token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


@attrs.define
class Api:
    """One app over one database, with helpers that go through HTTP wherever the API offers a way."""

    kind: str
    url: str
    container: Any
    app: Any
    client: httpx.AsyncClient
    mailer: FlakyMailer
    sms: MemorySms

    def resolve(self, cls: Any) -> Any:
        return self.container.resolve(cls)

    @asynccontextmanager
    async def client_at(self, host: str) -> AsyncIterator[httpx.AsyncClient]:
        """Another client address (throttling and idempotency keys are per address)."""
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False, client=(host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client

    async def drain(self) -> None:
        await self.container.resolve(TaskQueue).drain()

    async def register(self, email: str | None = None, password: str = PASSWORD, **fields: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/auth/register", json={"email": email or unique_email(), "password": password, **fields}
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def token(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return await self.client.post("/api/v1/auth/token", json={"email": email, "password": password})

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        response = await self.token(email, password)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def customer(self, **fields: Any) -> User:
        account = await self.register(**fields)
        pair = await self.login(account["email"])
        return User(account["id"], account["email"], PASSWORD, pair["access_token"], pair["refresh_token"])

    async def admin(self, email: str | None = None) -> User:
        """A superuser made the way `carsi users create-admin` makes one, logged in over HTTP."""
        account = await self.resolve(CreateAdmin)(NewAdmin(email or unique_email("admin"), PASSWORD))
        pair = await self.login(account.email)
        return User(str(account.id), account.email, PASSWORD, pair["access_token"], pair["refresh_token"])

    async def staff(self, *permissions: str) -> User:
        """A registered account holding a fresh role with exactly these permissions, logged in."""
        account = await self.register()
        role = await self.resolve(CreateRole)(
            NewRole(SYSTEM, f"role_{uuid.uuid4().hex[:8]}", "Test role", list(permissions))
        )
        await self.resolve(SetAccountRoles)(AssignRoles(SYSTEM, uuid.UUID(account["id"]), [role.id]))
        pair = await self.login(account["email"])
        return User(account["id"], account["email"], PASSWORD, pair["access_token"], pair["refresh_token"])

    def mails_to(self, email: str) -> list[Mail]:
        return [m for m in self.mailer.sent if m.to == email]

    def link_token(self, email: str, path: str) -> str:
        """The `token` of the newest e-mailed link to `path` (e.g. /verify-email) sent to `email`."""
        for mail in reversed(self.mails_to(email)):
            for link in re.findall(r"https?://\S+", mail.text):
                parts = urlsplit(link)
                if parts.path == path:
                    return parse_qs(parts.query)["token"][0]
        raise AssertionError(f"no {path} link was mailed to {email}: {self.mails_to(email)}")

    def sms_code(self, phone: str) -> str:
        texts = [text for to, text in self.sms.sent if to == phone]
        assert texts, f"no SMS to {phone}: {self.sms.sent}"
        match = re.search(r"\b(\d{4,8})\b", texts[-1])
        assert match, texts[-1]
        return match.group(1)


def settings_for(url: str, tmp_path: Path, **values: Any) -> Settings:
    return Settings(database_url=url, profile="test", var_dir=str(tmp_path), **{**FAST_HASH, **values})


@asynccontextmanager
async def running_api(
    kind: str, url: str, tmp_path: Path, *, overrides: dict[Any, Any] | None = None, **settings: Any
) -> AsyncIterator[Api]:
    """The app over `url`, with recording mail and SMS (and any other port overrides); closed afterwards."""
    mailer, sms = FlakyMailer(), MemorySms()
    container = bootstrap(
        settings_for(url, tmp_path, **settings), overrides={Mailer: mailer, SmsSender: sms, **(overrides or {})}
    )
    app = create_app(container)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(kind, url, container, app, client, mailer, sms)
    finally:
        await shutdown(container)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(kind, URL) of a fresh, migrated database: an SQLite file or the worker's emptied PostgreSQL one."""
    kind = request.param
    return kind, request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")


@pytest.fixture
async def api(db_url: tuple[str, str], tmp_path: Path) -> AsyncIterator[Api]:
    """The real app on SQLite and on PostgreSQL."""
    kind, url = db_url
    async with running_api(kind, url, tmp_path) as built:
        yield built
