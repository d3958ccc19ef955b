"""`carsi geo load` (and `carsi demo load`, which runs it first) with the shipped data file on SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.integration.test_catalog_cli import _runner, run


@pytest.fixture
def carsi(sqlite_url: str, tmp_path: Path) -> CliRunner:
    return _runner(sqlite_url, tmp_path)


def counts(sqlite_url: str) -> dict[str, int]:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        return {t: db.execute(f"SELECT count(*) FROM geo_{t}").fetchone()[0]
                for t in ("countries", "regions", "cities", "townships", "districts")}  # fmt: skip


def test_geo_load_is_idempotent_and_demo_load_runs_it(carsi: CliRunner, sqlite_url: str) -> None:
    first = run(carsi, "geo", "load")
    assert first.exit_code == 0, first.output
    assert "geo data loaded" in first.stdout and "districts" in first.stdout
    loaded = counts(sqlite_url)
    assert loaded["regions"] == 7 and loaded["cities"] == 81 and loaded["countries"] >= 249
    assert 950 <= loaded["townships"] <= 1000 and loaded["districts"] > 30_000
    again = run(carsi, "geo", "load")
    assert again.exit_code == 0 and "geo data up to date" in again.stdout, again.output
    assert counts(sqlite_url) == loaded
    demo = run(carsi, "demo", "load", "--products", "0")
    assert demo.exit_code == 0, demo.output
    assert "geo data up to date" in demo.stdout
