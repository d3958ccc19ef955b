"""The alembic history runs both ways on SQLite and PostgreSQL, and head matches adapters/sql/tables.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from adapters.sql.engine import sync_url
from adapters.sql.migrate import downgrade, upgrade
from adapters.sql.tables import metadata
from bootstrap import Settings, bootstrap, shutdown
from ports.services import OutboxRelayTrigger
from ports.uow import UnitOfWork
from tests.conftest import FAST_HASH
from tests.integration.contract.builders import account
from tests.integration.contract.conftest import CountingTrigger
from tests.services import postgres_server_url


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def own_pg_database() -> Iterator[str]:
    """A database of this test's own on the test server, so the shared fixture database is left alone."""
    server = _libpq(postgres_server_url())
    name = f"carsi_migrations_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    return request.getfixturevalue("own_pg_database")  # type: ignore[no-any-return]


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(sync_url(url), poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _drift(url: str) -> list[object]:
    """What autogenerate would still write: differences between the migrated schema and the tables module."""
    engine = sa.create_engine(sync_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


async def _round_trip_an_account(url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=url, profile="test", var_dir=str(tmp_path), **FAST_HASH)
    container = bootstrap(settings, overrides={OutboxRelayTrigger: CountingTrigger()})  # no relay draining it
    try:
        person = account()
        async with container.resolve(UnitOfWork) as uow:
            await uow.accounts.add(person)
            await uow.commit()
        async with container.resolve(UnitOfWork) as uow:
            assert (await uow.accounts.get(person.id)).email == person.email
            assert len(await uow.outbox.pending(10)) == 1
    finally:
        await shutdown(container)


async def test_upgrade_downgrade_upgrade(empty_database: str, tmp_path: Path) -> None:
    url = empty_database
    everything = {t.name for t in metadata.sorted_tables}

    upgrade(url)
    assert _tables(url) - {"alembic_version"} == everything
    assert _drift(url) == []
    await _round_trip_an_account(url, tmp_path)

    downgrade(url, "base")
    assert _tables(url) - {"alembic_version"} == set()

    upgrade(url)
    assert _tables(url) - {"alembic_version"} == everything
    assert _drift(url) == []
    await _round_trip_an_account(url, tmp_path)  # the data went with the downgrade; the schema works again


async def test_every_revision_steps_down_and_up_one_at_a_time(empty_database: str) -> None:
    from alembic.script import ScriptDirectory

    from adapters.sql.migrate import alembic_config

    url = empty_database
    revisions = [r.revision for r in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()]
    upgrade(url)
    for _ in revisions:
        downgrade(url, "-1")
    assert _tables(url) - {"alembic_version"} == set()
    for revision in reversed(revisions):
        upgrade(url, revision)
    assert _drift(url) == []


def test_the_drift_check_sees_a_schema_that_differs(empty_database: str) -> None:
    """Guards the guard: `_drift` must notice a missing index and column, or the tests above prove nothing."""
    url = empty_database
    upgrade(url)
    engine = sa.create_engine(sync_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP INDEX ix_audit_log_actor"))
            conn.execute(sa.text("ALTER TABLE dead_letters DROP COLUMN retried_at"))
    finally:
        engine.dispose()
    drift = _drift(url)
    assert ("remove_index" in str(drift) or "add_index" in str(drift)) and "retried_at" in str(drift)
