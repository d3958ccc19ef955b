"""The search benchmark: the public product list's `q` over the 10,000-product demo catalog on PostgreSQL.

    make bench     (or: .venv/bin/python -m bench.search [--duration 10] [--connections 16] ...)

Three cases, each rotating over a few queries so no single answer is measured: a one-word query, a two-word
query with a typo, and a query with a brand filter and facets (brand, category and price-range counts). The
API runs as `carsi serve` does (uvicorn, PROFILE=production), first with the catalog cache off (CATALOG_CACHE=off:
every request reaches the search index, PostgreSQL full text + trigram), then on (Redis: repeated queries are
answered from the cache, as in production). Reuses bench/catalog.py's machinery:
the database BENCH_DATABASE_URL (created, migrated and given the demo catalog if missing), Redis BENCH_REDIS_URL,
uvicorn, wrk. The index is rebuilt (`carsi search reindex`) when it holds fewer documents than visible products.
Target: p95 ≤ 30 ms at 16 connections. Writes bench/results/search.md and search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import attrs
import httpx

from bench.catalog import (
    APP_FACTORY,
    BIN,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    RESULTS,
    ROOT,
    _cli_env,
    app_env,
    catalog_cache_keys,
    commit,
    machine,
    prepare_database,
    run_wrk,
    serve,
    wrk_binary,
)

P95_TARGET_MS = 30.0
ONE_WORD = ("pamuklu", "kazak", "seramik", "kablosuz", "organik", "deri", "porselen", "tencere")
TWO_WORDS_TYPO = ("pamuklu kazk", "deri cuzdn", "seramik vazoo", "kablosuz kulaklk", "organik zeytinyagi",
                  "keten gomlk", "porselen yemek takimi", "spor ayakabi")  # fmt: skip
FACETED = ("pamuklu", "deri", "kazak", "seramik")


@attrs.frozen
class Result:
    case: str
    label: str
    cache: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: int
    met: bool


def path(q: str, **extra: str) -> str:
    return "/api/v1/catalog/products?" + urlencode({"q": q, **extra})


def brand_slugs(database_url: str, count: int) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT b.slug FROM brands b JOIN products p ON p.brand_id = b.id WHERE b.is_active AND NOT b.is_deleted"
            " GROUP BY b.slug ORDER BY count(*) DESC, b.slug LIMIT %s", (count,)).fetchall()  # fmt: skip
    return [r[0] for r in rows]


def ensure_index(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url) as conn:
        docs = conn.execute("SELECT count(*) FROM search_documents").fetchone()
        visible = conn.execute("SELECT count(*) FROM products WHERE is_active AND NOT is_deleted").fetchone()
    if docs and visible and docs[0] >= visible[0]:
        print(f"{docs[0]} search documents for {visible[0]} visible products: the index is built")
    else:
        print("building the search index (`carsi search reindex`)")
        started = time.monotonic()
        subprocess.run([str(BIN / "carsi"), "search", "reindex"], env=_cli_env(database_url), check=True, cwd=ROOT)
        print(f"indexed in {time.monotonic() - started:.0f} s")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")  # fresh planner statistics after a bulk load


def measure(base: str, name: str, label: str, cache: str, paths: list[str], args: argparse.Namespace) -> Result:
    if not paths:
        raise RuntimeError(f"no query of the case {name!r} finds anything in this catalog")
    if args.warmup > 0:
        run_wrk(base, paths, seconds=args.warmup, connections=args.connections, threads=args.threads)
    m = run_wrk(base, paths, seconds=args.duration, connections=args.connections, threads=args.threads)
    result = Result(name, label, cache, m.rps, m.p50_ms, m.p95_ms, m.p99_ms, m.max_ms, m.requests, m.failed,
                    m.p95_ms <= P95_TARGET_MS and not m.failed)  # fmt: skip
    print(f"  {label:<48} {result.rps:8.0f} req/s  p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms"
          f"  p99 {result.p99_ms:6.1f} ms{'  ERRORS ' + str(result.errors) if result.errors else ''}")  # fmt: skip
    return result


def markdown(run: dict[str, Any]) -> str:
    cfg, mach = run["config"], run["machine"]
    lines = [
        "# Search benchmark", "",
        f"- date: {run['date']}; commit: {run['commit']}",
        f"- machine: {mach['cpus']} CPUs ({mach['cpu_model']}), {mach['system']}, Python {mach['python']}",
        f"- served: uvicorn `--workers {cfg['workers']}` (`{APP_FACTORY}`, PROFILE=production), catalog cache off "
        f"(every request searches) and on (Redis); index: PostgreSQL full text (turkish) + pg_trgm; "
        f"{cfg['products']} products",
        f"- load: wrk, {cfg['connections']} connections, {cfg['threads']} threads, {cfg['duration_s']:g} s per case "
        f"after a {cfg['warmup_s']:g} s warm-up, each case rotating over its queries; wrk, the workers and "
        f"PostgreSQL share the CPUs (load average {cfg['load_before']:.1f} before the run)",
        f"- rerun: `{cfg['rerun']}` (or `make bench`)", "",
        f"| case | cache | queries | req/s | p50 ms | p95 ms | p99 ms | target p95 ≤ {P95_TARGET_MS:g} ms |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]  # fmt: skip
    for r in run["rows"]:
        met = "yes" if r["met"] else "**NO**" + (f" ({r['errors']} errors)" if r["errors"] else "")
        lines.append(f"| {r['label']} | {r['cache']} | {', '.join(f'`{q}`' for q in r['queries'])} | {r['rps']:.0f} "
                     f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {met} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--no-load", dest="load", action="store_false", help="Do not load the demo catalog.")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--cache",
        choices=("off", "on", "both"),
        default="both",
        help="The catalog cache: off (every request searches), on (Redis), or both (default).",
    )
    args = parser.parse_args(argv)
    wrk_binary()
    RESULTS.mkdir(exist_ok=True)
    started, code, load_before = datetime.now(UTC).isoformat(timespec="seconds"), commit(), os.getloadavg()[0]
    prepare_database(args.database_url, args.products, load=args.load)
    ensure_index(args.database_url)
    brands = brand_slugs(args.database_url, len(FACETED))
    cases = [
        ("one_word", "one word", [path(q) for q in ONE_WORD], list(ONE_WORD)),
        ("two_words_typo", "two words, one with a typo", [path(q) for q in TWO_WORDS_TYPO], list(TWO_WORDS_TYPO)),
        ("brand_facets", "one word + brand filter + facets",
         [path(q, brand=b, facets="true") for q in FACETED for b in brands], [f"{q} (brand={b}, facets)"
                                                                              for q in FACETED for b in brands]),
    ]  # fmt: skip
    log = RESULTS / "search-servers.log"
    log.write_text("")
    rows: list[tuple[Result, list[str]]] = []
    for cache in {"off": [False], "on": [True], "both": [False, True]}[args.cache]:
        mode = "on" if cache else "off"
        print(f"API, catalog cache {mode}; {args.workers} workers, {args.connections} connections")
        catalog_cache_keys(args.redis_url, delete=True)
        with serve(APP_FACTORY, app_env(args.database_url, args.redis_url, cache, args.workers), args.workers,
                   log) as server:  # fmt: skip
            for name, label, paths, queries in cases:
                # only queries that answer 200 with results are measured (an empty answer would flatter them)
                kept = [(p, q) for p, q in zip(paths, queries, strict=True) if _finds(server.base, p)]
                result = measure(server.base, name, label, mode, [p for p, _ in kept], args)
                rows.append((result, [q for _, q in kept]))
    rerun = (f".venv/bin/python -m bench.search --duration {args.duration:g} --warmup {args.warmup:g} "
             f"--connections {args.connections} --threads {args.threads} --workers {args.workers}")  # fmt: skip
    run = {
        "date": started, "commit": code, "machine": machine(),
        "config": {"database": re.sub(r"//[^@/]*@", "//", args.database_url), "products": args.products,
                   "workers": args.workers, "connections": args.connections, "threads": args.threads,
                   "duration_s": args.duration, "warmup_s": args.warmup, "cache": args.cache,
                   "load_before": load_before, "rerun": rerun},
        "rows": [{**attrs.asdict(r), "queries": q} for r, q in rows],
    }  # fmt: skip
    (RESULTS / "search.json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "search.md").write_text(markdown(run))
    print(f"written: {RESULTS / 'search.md'}")
    return 0 if all(r.met for r, _ in rows) else 1


def _finds(base: str, p: str) -> bool:
    response = httpx.get(base + p, timeout=10)
    return response.status_code == 200 and bool(response.json()["items"])


if __name__ == "__main__":
    sys.exit(main())
