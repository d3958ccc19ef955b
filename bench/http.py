"""HTTP benchmarks: each case as a ratio to a bare Starlette route timed in the same process and run.

    make bench            (or: .venv/bin/python -m bench.http [--rounds N] [--database-url URL])

Ratios, not seconds, are what to compare between runs and machines: the baseline absorbs how fast the
machine is right now. Results go to bench/results/http-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from adapters.sql.migrate import upgrade
from bootstrap import Settings, bootstrap, shutdown
from core.platform.use_cases import LoadLanguages
from entrypoints.http.app import create_app

RESULTS = Path(__file__).parent / "results"


async def _time(call: Callable[[], Awaitable[httpx.Response]], rounds: int) -> float:
    """Median seconds per call over `rounds` batches of 50, after a warm-up batch."""
    samples = []
    for batch in range(rounds + 1):
        started = time.perf_counter()
        for _ in range(50):
            response = await call()
            assert response.status_code < 400, response.text
        if batch:
            samples.append((time.perf_counter() - started) / 50)
    return statistics.median(samples)


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")


async def run(rounds: int, database_url: str | None) -> dict[str, dict[str, float]]:
    var = tempfile.mkdtemp(prefix="carsi-bench-")
    url = database_url or f"sqlite:///{var}/bench.db"
    upgrade(url)
    container = bootstrap(Settings(database_url=url, var_dir=var, profile="test", log_level="WARNING"))
    await container.resolve(LoadLanguages)()
    bare = Starlette(routes=[Route("/ping", lambda _r: JSONResponse({"ok": True}))])
    async with _client(bare) as base, _client(create_app(container)) as api:
        await api.post("/api/v1/auth/register", json={"email": "bench@example.com", "password": "bench-password"})
        tokens = (
            await api.post("/api/v1/auth/token", json={"email": "bench@example.com", "password": "bench-password"})
        ).json()
        auth = {"authorization": f"Bearer {tokens['access_token']}"}
        cases: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
            "baseline: bare Starlette JSON route": lambda: base.get("/ping"),
            "GET /health/live (middleware only)": lambda: api.get("/health/live"),
            "GET /api/v1/me (token, session, account)": lambda: api.get("/api/v1/me", headers=auth),
            "GET /api/v1/languages?system=true": lambda: api.get("/api/v1/languages?system=true"),
            "GET /api/v1/languages (184 rows)": lambda: api.get("/api/v1/languages"),
        }
        timings = {name: await _time(call, rounds) for name, call in cases.items()}
    await shutdown(container)
    baseline = next(iter(timings.values()))
    return {name: {"seconds": t, "ratio": t / baseline} for name, t in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="a migrated-or-empty database (default: SQLite)")
    args = parser.parse_args()
    results = asyncio.run(run(args.rounds, args.database_url))
    for name, r in results.items():
        print(f"{r['ratio']:8.1f}x  {r['seconds'] * 1e6:9.0f} µs  {name}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"http-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
