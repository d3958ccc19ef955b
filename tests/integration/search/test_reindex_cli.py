"""`carsi search reindex` on SQLite and PostgreSQL, and on Elasticsearch (the alias moves to a new index)."""

from __future__ import annotations

from pathlib import Path

import httpx
from click.testing import CliRunner

from tests.integration.test_catalog_cli import _runner, run


def _reindexed(runner: CliRunner) -> str:
    loaded = run(runner, "demo", "load", "--products", "12")
    assert loaded.exit_code == 0, loaded.output
    result = run(runner, "search", "reindex")
    assert result.exit_code == 0, result.output
    assert "12 products indexed" in result.stdout
    return result.output


def test_reindex_on_the_database(sql_url: str, tmp_path: Path) -> None:
    output = _reindexed(_runner(sql_url, tmp_path))
    assert "search index" in output  # the progress bar's label


def test_reindex_on_elasticsearch_switches_the_alias(sqlite_url: str, elasticsearch_url: str, tmp_path: Path) -> None:
    runner = _runner(sqlite_url, tmp_path)
    runner.env["ELASTICSEARCH_URL"] = elasticsearch_url
    _reindexed(runner)  # the demo load indexed through the outbox; the reindex built a new index
    behind = httpx.get(f"{elasticsearch_url}/_alias/products").json()
    assert len(behind) == 1
    [name] = behind
    assert name.startswith("products-") and name != "products-0"
    again = run(runner, "search", "reindex")
    assert again.exit_code == 0, again.output
    [newer] = httpx.get(f"{elasticsearch_url}/_alias/products").json()
    assert newer != name
    assert httpx.head(f"{elasticsearch_url}/{name}").status_code == 404  # the old index is gone
    found = httpx.post(f"{elasticsearch_url}/products/_search", json={"query": {"match_all": {}}, "size": 0}).json()
    assert found["hits"]["total"]["value"] == 12
    httpx.delete(f"{elasticsearch_url}/{newer}")
