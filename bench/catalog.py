"""The catalog benchmark: the public catalog served like production, measured by wrk against two baselines.

    make bench     (or: .venv/bin/python -m bench.catalog [--duration 10] [--profile detail:off] ...)

What it does, in one run:
  1. the database BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/carsi_bench) is created if
     missing, migrated (`carsi migrate`) and given the demo catalog (`carsi demo load --products 10000`) unless
     it already holds that many products;
  2. two bare Starlette baselines (bench/baseline_app.py: `/json`, a small JSON object; `/row`, one row by
     primary key from the same PostgreSQL through the same driver, psycopg 3, on a pool of connections; and, for
     reference only, `/row-engine`: that row through the API's SQLAlchemy engine) are served by uvicorn, then
     the API (`entrypoints.http.app:app_from_env`, the factory `carsi serve` runs) twice: with the catalog cache on
     (REDIS_URL = BENCH_REDIS_URL, default redis://127.0.0.1:6379/0, the cache every worker shares) and off
     (the same plus CATALOG_CACHE=off). Each is `uvicorn --factory --workers N` (N = CPUs), no access log,
     PROFILE=production;
  3. each case gets a warm-up, then `wrk -t 2 -c 32 -d 10s` with a Lua hook printing the percentiles as JSON;
  4. the table goes to bench/results/latest.md (and latest.json), with each target and whether it was met.

Needs: wrk (Debian: `apt-get install -y wrk`), PostgreSQL and Redis at those URLs. `--profile CASE:CACHE`
(e.g. detail:off) records every API worker with py-spy (`uv tool install py-spy`) during an extra run of that
case and adds where the CPU time goes to the report. On a small machine wrk, the workers, PostgreSQL and
Redis share the CPUs: compare ratios to the baselines, not absolute numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results"
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/carsi_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
APP_FACTORY = "entrypoints.http.app:app_from_env"
BASELINE_FACTORY = "bench.baseline_app:create_app"
CATALOG = "/api/v1/catalog"
WRK_MARK = "CARSI_WRK "

WRK_HOOKS = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,'
    .. '"status_errors":%d,"timeout_errors":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,'
    .. '"mean_us":%.1f}\\n',
    MARK, summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean))
end
"""
WRK_ROTATION = """
local counter = 0
local thread_no = 0
setup = function(thread)
  thread:set("offset", thread_no * 101)
  thread_no = thread_no + 1
end
init = function(args)
  counter = offset or 0
end
request = function()
  counter = counter + 1
  return wrk.format("GET", PATHS[(counter % #PATHS) + 1])
end
"""


# --- wrk -------------------------------------------------------------------------------------------------


@attrs.frozen
class Measurement:
    """One wrk run, as its `done` hook reported it."""

    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    bytes: int = 0
    p95_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def wrk_script(paths: Sequence[str], requests: str | None = None) -> str:
    """The Lua script: the JSON `done` hook, and with more than one path a request rotating over them (or
    `requests`, Lua defining wrk's `request` function, for anything but GETs)."""
    script = f"MARK = {json.dumps(WRK_MARK)}\n" + WRK_HOOKS
    if requests is not None:
        return script + requests
    if len(paths) > 1:
        script = "PATHS = {" + ", ".join(json.dumps(p) for p in paths) + "}\n" + script + WRK_ROTATION
    return script


def parse_wrk(output: str) -> Measurement:
    """The `done` hook's line out of wrk's output (the rest of wrk's report is left alone)."""
    line = next((ln for ln in output.splitlines() if ln.startswith(WRK_MARK)), None)
    if line is None:
        raise ValueError(f"no {WRK_MARK.strip()} line in wrk's output:\n{output}")
    data = json.loads(line[len(WRK_MARK) :])
    errors = {k.removesuffix("_errors"): int(v) for k, v in data.items() if k.endswith("_errors")}
    return Measurement(requests=int(data["requests"]), seconds=data["duration_us"] / 1e6,
                       p50_ms=data["p50_us"] / 1e3, p90_ms=data["p90_us"] / 1e3, p99_ms=data["p99_us"] / 1e3,
                       max_ms=data["max_us"] / 1e3, errors=errors, bytes=int(data["bytes"]),
                       p95_ms=data.get("p95_us", 0) / 1e3)  # fmt: skip


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: on Debian/Ubuntu `apt-get install -y wrk` (as root), on macOS "
                         "`brew install wrk`, else build it from https://github.com/wg/wrk")  # fmt: skip
    return found


def run_wrk(base: str, paths: Sequence[str], *, seconds: float, connections: int, threads: int,
            requests: str | None = None) -> Measurement:  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="carsi-wrk-", delete=False) as f:
        f.write(wrk_script(paths, requests))
    try:
        cmd = [wrk_binary(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
               "-s", f.name, base + paths[0]]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        os.unlink(f.name)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


# --- the database ----------------------------------------------------------------------------------------


@attrs.frozen
class Fixtures:
    products: int
    category: str
    category_products: int
    slugs: list[str]
    ids: list[str]


def _clean_env() -> dict[str, str]:
    """The caller's environment without the app's settings (DATABASE_URL, REDIS_URL, ...): the servers and the CLI
    get those from here only."""
    from bootstrap import Settings

    settings = {field.upper() for field in attrs.fields_dict(Settings)} | {"CATALOG_CACHE"}
    return {k: v for k, v in os.environ.items() if k not in settings}


def _cli_env(database_url: str) -> dict[str, str]:
    env = _clean_env()
    return env | {"DATABASE_URL": database_url, "PROFILE": "embedded", "LOG_LEVEL": "WARNING"}


def prepare_database(database_url: str, products: int, load: bool) -> None:
    import psycopg

    name = psycopg.conninfo.conninfo_to_dict(database_url).get("dbname")
    with psycopg.connect(database_url, dbname="postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([str(BIN / "carsi"), "migrate"], env=_cli_env(database_url), check=True, cwd=ROOT)
    have = count_products(database_url)
    if have >= products:
        print(f"{have} products in the database: the demo catalog is loaded")
        return
    if not load:
        raise SystemExit(f"the database holds {have} products, fewer than --products {products} (and --no-load)")
    usage = subprocess.run([str(BIN / "carsi"), "demo", "load", "--help"], capture_output=True, text=True,
                           env=_cli_env(database_url), cwd=ROOT, check=False).stdout  # fmt: skip
    if "--products" not in usage:
        raise SystemExit("`carsi demo load --products N` does not exist here: load a catalog of at least "
                         f"{products} products into {database_url} yourself, or pass a smaller --products")  # fmt: skip
    print(f"{have} products in the database: loading the demo catalog ({products} products)")
    started = time.monotonic()
    subprocess.run([str(BIN / "carsi"), "demo", "load", "--products", str(products)], env=_cli_env(database_url),
                   check=True, cwd=ROOT)  # fmt: skip
    print(f"loaded in {time.monotonic() - started:.0f} s; {count_products(database_url)} products")


def count_products(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM products WHERE is_active AND NOT is_deleted").fetchone()
    return int(row[0]) if row else 0


def fixtures(database_url: str, sample: int) -> Fixtures:
    """The products the detail case rotates over (a stable sample) and the top-level category with most products."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        picked = conn.execute(
            "SELECT id::text, slug FROM products WHERE is_active AND NOT is_deleted"
            " ORDER BY md5(id::text) LIMIT %s", (sample,)).fetchall()  # fmt: skip
        top = conn.execute("""
            WITH RECURSIVE tree AS (
                SELECT id, id AS root FROM categories WHERE parent_id IS NULL AND is_active AND NOT is_deleted
                UNION ALL
                SELECT c.id, t.root FROM categories c JOIN tree t ON c.parent_id = t.id
                WHERE c.is_active AND NOT c.is_deleted)
            SELECT r.slug, count(p.id) AS n FROM tree t JOIN categories r ON r.id = t.root
            JOIN products p ON p.category_id = t.id AND p.is_active AND NOT p.is_deleted
            GROUP BY r.slug ORDER BY n DESC, r.slug LIMIT 1""").fetchone()  # fmt: skip
    if not picked or top is None:
        raise SystemExit(f"no visible products or categories in {database_url}")
    return Fixtures(products=count_products(database_url), category=top[0], category_products=int(top[1]),
                    slugs=[slug for _id, slug in picked], ids=[i for i, _slug in picked])  # fmt: skip


def catalog_cache_keys(redis_url: str, delete: bool = False) -> int:
    """How many catalog cache entries Redis holds; with `delete`, they go (a cold cache, and none of an earlier
    run's or another database's pages)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match="carsi:cache:catalog:*", count=1000))
        if delete:
            for start in range(0, len(keys), 500):
                client.delete(*keys[start : start + 500])
        return len(keys)
    finally:
        client.close()


# --- the servers -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@attrs.frozen
class Server:
    base: str
    process: subprocess.Popen[bytes]


@contextmanager
def serve(factory: str, env: dict[str, str], workers: int, log: Path) -> Iterator[Server]:
    """`uvicorn FACTORY --factory --workers N` on a free port, until /health/ready answers on every worker."""
    port = _free_port()
    cmd = [str(BIN / "uvicorn"), factory, "--factory", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, workers, log)
        yield Server(base, process)
    finally:
        _stop(process)


def _wait_ready(base: str, process: subprocess.Popen[bytes], workers: int, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=5) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited ({process.returncode}); see {log}")
            try:
                ready = client.get("/health/ready").status_code == 200
            except httpx.TransportError:
                ready = False
            pids = worker_pids(process.pid)
            if ready and (pids is None or len(pids) >= workers):
                # each worker answers once before it is measured (a fresh connection lands on any of them)
                for _ in range(workers * 8):
                    with httpx.Client(base_url=base, timeout=10) as fresh:
                        fresh.get("/health/ready").raise_for_status()
                return
            time.sleep(0.3)
    raise RuntimeError(f"{base} was not ready within {seconds:.0f} s; see {log}")


def worker_pids(pid: int) -> list[int] | None:
    """The uvicorn workers (children of its supervisor), or None where /proc does not tell."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this script started for this server
        process.wait()


def app_env(database_url: str, redis_url: str, cache: bool, workers: int) -> dict[str, str]:
    env = _clean_env()
    return env | {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "PROFILE": "production",
                  "SECRET_KEY": secrets.token_urlsafe(32), "LOG_LEVEL": "WARNING", "WORKERS": str(workers),
                  "CATALOG_CACHE": "on" if cache else "off"}  # fmt: skip


def baseline_env(database_url: str) -> dict[str, str]:
    env = _clean_env()
    return env | {"BENCH_DATABASE_URL": database_url}


def cache_switch_supported() -> bool:
    """Whether Settings reads CATALOG_CACHE (without it the cache-off servers still cache)."""
    from bootstrap import Settings

    return "catalog_cache" in attrs.fields_dict(Settings)


# --- cases and targets -----------------------------------------------------------------------------------


@attrs.frozen
class Case:
    name: str
    label: str
    paths: tuple[str, ...]


@attrs.frozen
class Target:
    baseline: str  # "json" or "row"
    share: float  # of the baseline's requests/s
    p99_ms: float | None = None

    def describe(self) -> str:
        text = f"≥ {self.share:.0%} of {'JSON' if self.baseline == 'json' else 'one-row'}"
        return text + (f", p99 < {self.p99_ms:.0f} ms" if self.p99_ms is not None else "")

    def met(self, m: Measurement, baselines: dict[str, Measurement]) -> bool:
        base = baselines[self.baseline]
        fast_enough = self.p99_ms is None or m.p99_ms < self.p99_ms
        return m.failed == 0 and base.rps > 0 and m.rps >= self.share * base.rps and fast_enough


def catalog_cases(f: Fixtures, page: int = 20) -> list[Case]:
    return [
        Case("list", "GET /products (page of 20, no filter)", (f"{CATALOG}/products?limit={page}",)),
        Case("category", f"GET /products?category={f.category}",
             (f"{CATALOG}/products?category={f.category}&limit={page}",)),
        Case("price", "GET /products?sort=price", (f"{CATALOG}/products?sort=price&limit={page}",)),
        Case("detail", f"GET /products/{{slug}} ({len(f.slugs)} slugs)",
             tuple(f"{CATALOG}/products/{slug}" for slug in f.slugs)),
    ]  # fmt: skip


def baseline_cases(f: Fixtures) -> list[Case]:
    """`json` and `row` are what the targets are measured against; `row-engine` is shown for reference."""
    return [
        Case("json", "baseline: Starlette, small JSON object", ("/json",)),
        Case("row", "baseline: Starlette, one row by primary key (psycopg)", tuple(f"/row?id={i}" for i in f.ids)),
        Case("row-engine", "reference: that row through the API's SQLAlchemy engine",
             tuple(f"/row-engine?id={i}" for i in f.ids)),
    ]  # fmt: skip


def target(case: str, cache: bool) -> Target:
    if not cache:
        return Target("row", 0.5)
    return Target("json", 0.5 if case == "detail" else 0.3, p99_ms=50)


# --- profiling -------------------------------------------------------------------------------------------


def py_spy_binary() -> str | None:
    for candidate in (shutil.which("py-spy"), BIN / "py-spy", Path.home() / ".local" / "bin" / "py-spy"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None


PROJECT = ("core/", "adapters/", "entrypoints/", "bootstrap.py", "bench/")
PROCESS_FRAMES = re.compile(r'^(?:process \d+:"[^"]*"(?:;|(?= \d+$)))+')
NO_PYTHON = "(no Python frame)"
LINE_NUMBER = re.compile(r":\d+\)$")


def profile_summary(collapsed: str, top: int = 15) -> dict[str, Any]:
    """py-spy's raw (collapsed) stacks → shares of the CPU samples: by function (own time), by package (own
    time), and the project's own functions with their callees."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = PROCESS_FRAMES.sub("", line).rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [LINE_NUMBER.sub(")", frame) for frame in stack.split(";")] if stack else [NO_PYTHON]
        total += n
        own[frames[-1]] += n
        packages[_package(frames[-1])] += n
        for frame in set(frames):
            if _package(frame) + "/" in PROJECT or _package(frame) in PROJECT:
                inclusive[frame] += n

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, n / total) for name, n in counter.most_common(top)] if total else []

    return {"samples": total, "own": share(own), "packages": share(packages), "project": share(inclusive)}


def _package(frame: str) -> str:
    """`function (path/to/module.py:12)` → the top-level package (the project's first directory, stdlib modules
    as they are)."""
    where = frame.rpartition("(")[2].rstrip(")").rpartition(":")[0] or frame.rpartition("(")[2].rstrip(")")
    if "site-packages/" in where:
        where = where.split("site-packages/", 1)[1]
    elif where.startswith(str(ROOT) + "/"):
        where = where[len(str(ROOT)) + 1 :]
    elif "/lib/python3" in where:
        where = where.rsplit("/lib/python3", 1)[1].partition("/")[2]
    if where == "bootstrap.py" or frame == NO_PYTHON:
        return frame if frame == NO_PYTHON else where
    return where.partition("/")[0].removesuffix(".py") or "?"


def profile_case(server: Server, case: Case, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    spy = py_spy_binary()
    if spy is None:
        raise SystemExit("--profile needs py-spy: `uv tool install py-spy` (or `pip install py-spy`)")
    seconds = max(5, round(args.duration))
    record = subprocess.Popen([spy, "record", "--pid", str(server.process.pid), "--subprocesses", "--format", "raw",
                               "--rate", "250", "--duration", str(seconds), "--nonblocking", "--output", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    time.sleep(1)
    run_wrk(server.base, case.paths, seconds=seconds, connections=args.connections, threads=args.threads)
    _, err = record.communicate(timeout=seconds + 60)
    if record.returncode != 0 or not out.exists():
        raise RuntimeError(f"py-spy failed: {err.decode(errors='replace')}")
    return profile_summary(out.read_text())


# --- the run ---------------------------------------------------------------------------------------------


def measure(server: Server, case: Case, args: argparse.Namespace) -> Measurement:
    with httpx.Client(base_url=server.base, timeout=10) as client:
        for path in case.paths:  # every path answers 200 before it is measured
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} → {response.status_code}: {response.text[:300]}")
    if args.warmup > 0:
        run_wrk(server.base, case.paths, seconds=args.warmup, connections=args.connections, threads=args.threads)
    m = run_wrk(server.base, case.paths, seconds=args.duration, connections=args.connections, threads=args.threads)
    errors = f"  ERRORS {m.errors}" if m.failed else ""
    print(f"  {case.label:<55} {m.rps:9.0f} req/s  p50 {m.p50_ms:6.1f} ms  p99 {m.p99_ms:6.1f} ms{errors}")
    return m


def run(args: argparse.Namespace) -> dict[str, Any]:
    wrk_binary()
    if args.profile and py_spy_binary() is None:
        raise SystemExit("--profile needs py-spy: `uv tool install py-spy` (or `pip install py-spy`)")
    RESULTS.mkdir(exist_ok=True)
    started_at, code = datetime.now(UTC).isoformat(timespec="seconds"), commit()  # what the servers will run
    load_before = os.getloadavg()
    if load_before[0] > 0.5 * (os.cpu_count() or 1):
        print(f"warning: the machine is busy before the run (load average {load_before[0]:.1f}): the servers and wrk "
              "will get less CPU than they would alone")  # fmt: skip
    log = RESULTS / "catalog-servers.log"
    log.write_text("")
    prepare_database(args.database_url, args.products, load=args.load)
    f = fixtures(args.database_url, args.sample)
    print(f"{f.products} products; category filter: {f.category} ({f.category_products} products); "
          f"{len(f.slugs)} detail slugs; {args.workers} workers, {args.connections} connections")  # fmt: skip
    cases = [c for c in catalog_cases(f) if not args.cases or c.name in args.cases]
    measured: list[tuple[Case, bool | None, Measurement]] = []
    baselines: dict[str, Measurement] = {}
    profiles: dict[str, Any] = {}
    print("baselines (bench/baseline_app.py)")
    with serve(BASELINE_FACTORY, baseline_env(args.database_url), args.workers, log) as server:
        for case in baseline_cases(f):
            baselines[case.name] = measure(server, case, args)
            measured.append((case, None, baselines[case.name]))
    cache_off_honoured: bool | None = None
    for cache in (True, False):
        print(f"API, catalog cache {'on' if cache else 'off'}")
        catalog_cache_keys(args.redis_url, delete=True)
        env = app_env(args.database_url, args.redis_url, cache, args.workers)
        with serve(APP_FACTORY, env, args.workers, log) as server:
            for case in cases:
                measured.append((case, cache, measure(server, case, args)))
                key = f"{case.name}:{'on' if cache else 'off'}"
                if key in args.profile:
                    print(f"  profiling {key} with py-spy (an extra run, not in the table)")
                    profiles[key] = profile_case(server, case, args, RESULTS / f"profile-{key.replace(':', '-')}.txt")
        if not cache:
            cache_off_honoured = catalog_cache_keys(args.redis_url) == 0
    config = {"load_average_before": round(load_before[0], 2), "load_average_after": round(os.getloadavg()[0], 2),
              "duration_s": args.duration, "warmup_s": args.warmup, "connections": args.connections,
              "wrk_threads": args.threads, "workers": args.workers, "database": _redact(args.database_url),
              "redis": args.redis_url, "products": f.products, "category": f.category,
              "category_products": f.category_products, "detail_slugs": len(f.slugs)}  # fmt: skip
    return {
        "date": started_at,
        "machine": machine(),
        "commit": code,
        "config": config,
        "cache_switch_in_settings": cache_switch_supported(),
        "cache_off_left_no_catalog_keys": cache_off_honoured,
        "rows": [
            _row(case, cache, m, None if cache is None else target(case.name, cache), baselines)
            for case, cache, m in measured
        ],
        "profiles": profiles,
        "rerun": rerun_command(args),
    }


def _row(case: Case, cache: bool | None, m: Measurement, goal: Target | None,
         baselines: dict[str, Measurement]) -> dict[str, Any]:  # fmt: skip
    ratios = {name: (m.rps / b.rps if b.rps else None) for name, b in baselines.items()}
    return {"case": case.name, "label": case.label, "cache": None if cache is None else ("on" if cache else "off"),
            "rps": round(m.rps, 1), "p50_ms": round(m.p50_ms, 2), "p90_ms": round(m.p90_ms, 2),
            "p99_ms": round(m.p99_ms, 2), "max_ms": round(m.max_ms, 2), "requests": m.requests, "errors": m.errors,
            "response_bytes": round(m.bytes / m.requests) if m.requests else 0,
            "vs_json": ratios.get("json"), "vs_row": ratios.get("row"),
            "target": goal.describe() if goal else None, "met": goal.met(m, baselines) if goal else None}  # fmt: skip


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError, StopIteration):
        model = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                     if ln.startswith("model name"))  # fmt: skip
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}  # fmt: skip


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" + uncommitted changes" if git("status", "--porcelain") else "")


def _redact(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


def rerun_command(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python -m bench.catalog", f"--duration {args.duration:g}", f"--warmup {args.warmup:g}",
             f"--connections {args.connections}", f"--threads {args.threads}", f"--workers {args.workers}",
             f"--products {args.products}"]  # fmt: skip
    parts += [f"--profile {p}" for p in args.profile]
    return " ".join(parts)


# --- the report ------------------------------------------------------------------------------------------


def markdown(result: dict[str, Any]) -> str:
    cfg, mach = result["config"], result["machine"]
    lines = [
        "# Catalog benchmark",
        "",
        f"- date: {result['date']}; commit: {result['commit']}",
        f"- machine: {mach['cpus']} CPUs ({mach['cpu_model']}), {mach['system']}, Python {mach['python']}",
        f"- served: uvicorn `--workers {cfg['workers']}` (the `carsi serve` factory `{APP_FACTORY}`, "
        "PROFILE=production, no access log); baselines `bench/baseline_app.py` served the same way: `/json` a "
        "small JSON object, `/row` one row by primary key through psycopg 3 (the API's driver) on 10 autocommit "
        "connections per worker; the reference row goes through the API's SQLAlchemy engine (pool, pre-ping, a "
        "transaction per checkout) and is no target's baseline",
        f"- data: PostgreSQL `{cfg['database']}`, {cfg['products']} products; cache: Redis `{cfg['redis']}`; "
        f"category filter `{cfg['category']}` ({cfg['category_products']} products); detail rotates over "
        f"{cfg['detail_slugs']} slugs, the one-row baseline over the same products' ids",
        f"- load: wrk, {cfg['connections']} connections, {cfg['wrk_threads']} threads, {cfg['duration_s']:g} s per "
        f"case after a {cfg['warmup_s']:g} s warm-up; wrk, the workers, PostgreSQL and Redis share the "
        f"{mach['cpus']} CPUs; 1-minute load average {cfg['load_average_before']:.1f} before the run (other "
        f"processes), {cfg['load_average_after']:.1f} at its end (this run included)",
        f"- rerun: `{result['rerun']}` (or `make bench`); needs wrk (`apt-get install -y wrk`), PostgreSQL and "
        "Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL)",
        "",
        "| case | cache | req/s | p50 ms | p99 ms | vs JSON | vs one-row | target | met? | KB/response |",
        "|---|---|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for r in result["rows"]:
        met = "—" if r["met"] is None else ("yes" if r["met"] else "**NO**")
        if r["met"] is False and any(r["errors"].values()):
            met += f" (errors: {', '.join(f'{k} {v}' for k, v in r['errors'].items() if v)})"
        lines.append(f"| {r['label']} | {r['cache'] or '—'} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                     f"| {_ratio(r['vs_json'])} | {_ratio(r['vs_row'])} | {r['target'] or '—'} | {met} "
                     f"| {r['response_bytes'] / 1024:.1f} |")  # fmt: skip
    if not result["cache_switch_in_settings"]:
        lines += ["", "**Cache off is not real yet**: Settings has no `catalog_cache` field, so the servers started "
                  "with CATALOG_CACHE=off still cached; their rows measure the cache."]  # fmt: skip
    elif result["cache_off_left_no_catalog_keys"] is False:
        lines += ["", "**Cache off did cache**: catalog entries appeared in Redis during the CATALOG_CACHE=off run."]
    for key, p in result["profiles"].items():
        lines += ["", f"## Profile: {key}", "",
                  f"py-spy on every worker during an extra run of the case (not the measured one): {p['samples']} "
                  "CPU samples, idle time not counted, C code counted in the Python function that called it.", "",
                  "By package (own time): " + ", ".join(f"{name} {s:.0%}" for name, s in p["packages"]), "",
                  "| own time | function | | with callees | project function |", "|---:|---|---|---:|---|"]  # fmt: skip
        for i in range(max(len(p["own"]), len(p["project"]))):
            own = p["own"][i] if i < len(p["own"]) else ("", 0.0)
            mine = p["project"][i] if i < len(p["project"]) else ("", 0.0)
            lines.append(f"| {own[1]:.1%} | `{own[0]}` | | {mine[1]:.1%} | `{mine[0]}` |")
    return "\n".join(lines) + "\n"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per case (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of load before each case (default 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers (default: CPUs)")
    parser.add_argument("--products", type=int, default=10_000, help="demo catalog size (default 10000)")
    parser.add_argument("--no-load", dest="load", action="store_false", help="never run `carsi demo load`")
    parser.add_argument("--sample", type=int, default=200, help="products the detail case rotates over")
    parser.add_argument("--cases", nargs="*", default=[], help="only these of: list category price detail")
    parser.add_argument("--profile", action="append", default=[], metavar="CASE:CACHE",
                        help="also profile this case with py-spy, e.g. detail:off (repeatable)")  # fmt: skip
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    args = parser.parse_args()
    result = run(args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(result, indent=2, ensure_ascii=False)
    (RESULTS / "latest.json").write_text(text)
    (RESULTS / f"catalog-{stamp}.json").write_text(text)
    (RESULTS / "latest.md").write_text(markdown(result))
    print(f"\nwritten: {RESULTS / 'latest.md'}")
    missed = [f"{r['case']}:{r['cache']}" for r in result["rows"] if r["met"] is False]
    print("every target met" if not missed else f"targets missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
