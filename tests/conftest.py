"""Shared fixtures: settings for tests, fresh databases on SQLite and PostgreSQL, a clean Redis database."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.services import postgres_server_url, redis_server_url

# argon2 at its cheapest: tests check behaviour, not hashing cost.
FAST_HASH = {"argon2_time_cost": 1, "argon2_memory_cost": 8}


def _worker_index() -> int:
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name.removeprefix("gw") or 0)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _pg_worker_database() -> Iterator[str]:
    """One migrated PostgreSQL database per xdist worker, dropped at the end."""
    from adapters.sql.migrate import upgrade

    server = postgres_server_url()
    name = f"carsi_test_{_worker_index()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(_libpq(server)).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(_pg_worker_database: str) -> str:
    """A migrated PostgreSQL database with every table emptied."""
    with psycopg.connect(_pg_worker_database, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        if tables:
            conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    return _pg_worker_database


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, migrated once per worker; each test gets a copy."""
    from adapters.sql.migrate import upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "carsi.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    """A fresh migrated SQLite database of this test's own."""
    target = tmp_path / "carsi.db"
    shutil.copyfile(_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_url(request: pytest.FixtureRequest) -> str:
    """Both SQL databases, for tests that must hold on each."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def redis_url() -> str:
    """A Redis database of this xdist worker's own, flushed."""
    import redis

    base = urlsplit(redis_server_url())
    url = f"redis://{base.netloc}/{1 + _worker_index() % 15}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url
