"""Search backends for the behavioural suite: the memory store, SQLite (FTS5), PostgreSQL (full text + trigram)
and Elasticsearch — the `noida-db` emulator started here (its binary, stopped by PID), or the real node at
TEST_ELASTICSEARCH_URL. The Elasticsearch case keeps the catalog on the memory store."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import httpx
import noida_db
import pytest

from adapters.memory.services import FixedClock, MemoryMailer, MemorySms
from adapters.search.elastic import ElasticSearchIndex
from bootstrap import Settings, bootstrap, shutdown
from ports.search import SearchIndex
from tests.conftest import FAST_HASH
from tests.services import free_port, stop
from tests.unit.catalog.conftest import Shop
from tests.unit.conftest import App

SEARCH_BACKENDS = ["memory", "sqlite", "postgresql", "elasticsearch"]
EMULATOR = Path(noida_db.__file__).parent / "noida-db"


@pytest.fixture(scope="session")
def elasticsearch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """TEST_ELASTICSEARCH_URL, or an emulator of this test session's own."""
    given = os.environ.get("TEST_ELASTICSEARCH_URL")
    if given:
        yield given
        return
    port = free_port()
    data, log = tmp_path_factory.mktemp("noida"), tmp_path_factory.mktemp("noida-log") / "noida.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(EMULATOR), "start", "--data-dir", str(data), "--only", "elasticsearch",
             "--elasticsearch-port", str(port)], stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Elasticsearch emulator did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        stop(process)


@attrs.define
class Searching:
    kind: str
    shop: Shop
    index: Any

    async def drain(self) -> None:
        await self.shop.app.drain()


@pytest.fixture(params=SEARCH_BACKENDS)
async def searching(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Searching]:
    """The real container (in-process jobs: the outbox relay runs the index handler) over one backend."""
    kind = request.param
    overrides: dict[Any, Any] = {}
    url = "memory://"
    es: ElasticSearchIndex | None = None
    if kind in ("sqlite", "postgresql"):
        url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "pg_url")
    elif kind == "elasticsearch":
        es = ElasticSearchIndex(request.getfixturevalue("elasticsearch_url"), alias=f"products_{uuid.uuid4().hex}")
        overrides[SearchIndex] = es
    settings = Settings(database_url=url, profile="test", var_dir=str(tmp_path), **FAST_HASH)
    container = bootstrap(settings, overrides=overrides)
    app = App(container, FixedClock(datetime.now(UTC).replace(microsecond=0)), MemoryMailer(), MemorySms())
    try:
        yield Searching(kind, Shop(app), container.resolve(SearchIndex))
    finally:
        await shutdown(container)
        if es is not None:
            for index in await es._current():
                await es.client.options(ignore_status=404).indices.delete(index=index)
            await es.aclose()
