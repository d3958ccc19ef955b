"""Property-based requests from the served OpenAPI document against the in-process app on SQLite.

Every operation gets valid and invalid generated requests as a superuser, and the public ones anonymously too,
derandomized and bounded; the superuser run repeats, smaller, on PostgreSQL. No answer may be a 5xx, and each
must be one the document declares, of the declared media type and (for declared successes) the declared schema.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import httpx
import psycopg
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from adapters.memory.services import MemorySms
from adapters.sql.migrate import upgrade
from bootstrap import bootstrap, shutdown
from core.accounts.use_cases.staff import CreateAdmin, NewAdmin
from entrypoints.http.app import OPERATIONS_PATHS, create_app, endpoints
from ports.services import Mailer, SmsSender
from tests.integration.http.conftest import PASSWORD, FlakyMailer, settings_for

MAX_EXAMPLES = 20
MAX_EXAMPLES_PG = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = sorted({(ep.method, ep.public_path) for ep in endpoints()}
                    | {("GET", path) for path in OPERATIONS_PATHS})  # fmt: skip
REQUIRES_TOKEN = {(ep.method, ep.public_path) for ep in endpoints() if ep.auth == "required"}
PUBLIC = [op for op in OPERATIONS if op not in REQUIRES_TOKEN]  # the others answer 401 at once (test_security)
BASE_URL = "http://test"


@attrs.define
class Target:
    runner: asyncio.Runner
    client: httpx.AsyncClient
    schema: Any
    admin_email: str

    def send(self, **kwargs: Any) -> httpx.Response:
        """A schemathesis case's request (requests-style arguments), sent to the app through httpx."""
        prepared = requests.Request(**kwargs).prepare()
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        coro = self.client.request(prepared.method or "GET", prepared.url or "", headers=dict(prepared.headers),
                                   content=body)  # fmt: skip
        return self.runner.run(coro)

    def admin_headers(self) -> dict[str, str]:
        login = {"email": self.admin_email, "password": PASSWORD}
        response = self.runner.run(self.client.post("/api/v1/auth/token", json=login))
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@contextmanager
def serving(url: str, tmp: Path) -> Iterator[Target]:
    """The app over `url` on an event loop of its own, with a superuser to log in as."""
    container = bootstrap(settings_for(url, tmp), overrides={Mailer: FlakyMailer(), SmsSender: MemorySms()})
    app = create_app(container)
    with asyncio.Runner() as runner:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                   base_url=BASE_URL)  # fmt: skip
        admin = runner.run(container.resolve(CreateAdmin)(NewAdmin("schemathesis-admin@example.com", PASSWORD)))
        document = runner.run(client.get("/openapi.json")).json()
        schema = schemathesis.openapi.from_dict(document)
        try:
            yield Target(runner, client, schema, admin.email)
        finally:
            runner.run(client.aclose())
            runner.run(shutdown(container))


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """One app over one SQLite file per worker."""
    tmp = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{tmp / 'carsi.db'}"
    upgrade(url)
    with serving(url, tmp) as built:
        yield built


@pytest.fixture(scope="module")
def pg_target(_pg_worker_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """The same over this worker's PostgreSQL database, emptied first (it refuses input SQLite takes, e.g. NUL)."""
    with psycopg.connect(_pg_worker_database, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    with serving(_pg_worker_database, tmp_path_factory.mktemp("schemathesis-pg")) as built:
        yield built


def run_operation(target: Target, method: str, path: str, headers: dict[str, str],
                  max_examples: int = MAX_EXAMPLES) -> list[int]:  # fmt: skip
    """Generated requests to one operation, each checked; returns the statuses seen."""
    operation = target.schema[path][method]
    strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                         operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))  # fmt: skip
    sent: list[int] = []

    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])  # fmt: skip
    @given(case=strategy)
    def check(case: schemathesis.Case) -> None:
        kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
        response = target.send(**kwargs)
        sent.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    check()
    return sent


def test_the_document_lists_every_operation(target: Target) -> None:
    described = {(method.upper(), path) for path, ops in target.schema.raw_schema["paths"].items() for method in ops}
    assert described == set(OPERATIONS)


@pytest.mark.parametrize("method,path", PUBLIC, ids=[f"{m} {p}" for m, p in PUBLIC])
def test_anonymous_requests_never_fail_on_the_server(target: Target, method: str, path: str) -> None:
    assert run_operation(target, method, path, {})


@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_superuser_requests_never_fail_on_the_server(target: Target, method: str, path: str) -> None:
    # a fresh login per operation: the logout operation ends its own session only
    statuses = run_operation(target, method, path, target.admin_headers())
    assert any(status not in (401, 403) for status in statuses), statuses  # the token got the requests in


@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_superuser_requests_on_postgresql_never_fail_on_the_server(pg_target: Target, method: str, path: str) -> None:
    statuses = run_operation(pg_target, method, path, pg_target.admin_headers(), max_examples=MAX_EXAMPLES_PG)
    assert any(status not in (401, 403) for status in statuses), statuses
