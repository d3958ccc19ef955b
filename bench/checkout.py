"""The checkout benchmark: the whole purchase path for concurrent customers on PostgreSQL, next to pgbench
replaying the SQL a checkout issues, and basket add-line under wrk.

    make bench     (or: .venv/bin/python -m bench.checkout [--customers 16] [--duration 20] ...)

1. The path: each simulated customer loops over a guest basket, two lines, `POST /checkout` (Idempotency-Key,
   inline Turkish address, the sandbox method) and `POST /orders/{id}/payments` with the sandbox's good card,
   against the API served as `carsi serve` serves it (uvicorn, PROFILE=production, PostgreSQL, Redis).
   Reported: orders/s and the p50/p99 of one customer's whole path.
2. pgbench: the bench checks out a few baskets in-process with the same code, records every statement the
   checkouts send (SQLAlchemy's before_cursor_execute), and writes one pgbench script per checkout with the
   parameters inlined, in one transaction that commits. The ids the checkout created, its order number and its
   idempotency key become expressions of pgbench's client id and a random number, so every replay writes rows of
   its own. pgbench runs the scripts with as many clients as there are customers. The ratio orders/s ÷ pgbench
   TPS says how much of the database's own speed the API keeps (target ≥ 40 %). The API's checkout is one of the
   path's five requests; pgbench replays only the checkout, so the ratio compares a whole order with its SQL.
3. Basket add-line: wrk posts `{variant_id, quantity: 1}` to a rotation of prepared guest baskets (target
   ≥ 2,000 requests/s).

Stock comes from the admin API (an `in` movement per variant), the catalog from `carsi demo load`. Writes
bench/results/checkout.md and checkout.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    commit,
    machine,
    prepare_database,
    run_wrk,
    serve,
    wrk_binary,
)
from entrypoints.cli.main import DEMO_ADMIN

API = "/api/v1"
ADMIN = DEMO_ADMIN  # made by `carsi demo load`
GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": datetime.now(UTC).year + 3, "cvc": "123",
             "holder": "Ayşe Yılmaz"}  # fmt: skip
ADDRESS = {"recipient_name": "Ayşe Yılmaz", "phone": "+905321234567", "country": "TR", "city": "İstanbul",
           "township": "Kadıköy", "line": "Moda Cad. No: 1 D: 2"}  # fmt: skip
ORDERS_RATIO_TARGET = 0.40
ADD_LINE_TARGET_RPS = 2000.0
ADD_LINE_LUA = """
local counter = 0
local thread_no = 0
setup = function(thread)
  thread:set("offset", thread_no * 997)
  thread_no = thread_no + 1
end
init = function(args)
  counter = offset or 0
end
request = function()
  counter = counter + 1
  local t = TARGETS[(counter % #TARGETS) + 1]
  return wrk.format("POST", t[1], {["Content-Type"] = "application/json", ["X-Basket-Token"] = t[2]}, t[3])
end
"""


# --- set-up ------------------------------------------------------------------------------------------------


def sellable_variants(database_url: str, count: int) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT v.id::text FROM variants v JOIN products p ON p.id = v.product_id"
            " JOIN variant_prices vp ON vp.variant_id = v.id AND vp.currency = 'TRY' AND NOT vp.is_deleted"
            " WHERE v.is_active AND NOT v.is_deleted AND p.is_active AND NOT p.is_deleted"
            " ORDER BY md5(v.id::text) LIMIT %s", (count,)).fetchall()  # fmt: skip
    if len(rows) < 2:
        raise SystemExit("the catalog has fewer than two sellable variants")
    return [r[0] for r in rows]


def admin_headers(client: httpx.Client) -> dict[str, str]:
    answer = client.post(f"{API}/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def stock_up(client: httpx.Client, variants: list[str], quantity: int) -> None:
    """An `in` movement into the first warehouse (made if there is none) for every variant."""
    headers = admin_headers(client)
    listed = client.get(f"{API}/admin/inventory/warehouses", headers=headers)
    listed.raise_for_status()
    items = listed.json()["items"]
    if items:
        warehouse = items[0]["id"]
    else:
        made = client.post(f"{API}/admin/inventory/warehouses", headers=headers,
                           json={"name": "Bench Depo", "code": "BENCH"})  # fmt: skip
        made.raise_for_status()
        warehouse = made.json()["id"]
    for variant in variants:
        moved = client.post(f"{API}/admin/inventory/movements", headers=headers, json={
            "movement_type": "in", "variant_id": variant, "quantity": quantity, "warehouse_id": warehouse,
            "reference_number": "bench"})  # fmt: skip
        moved.raise_for_status()


# --- 1. the whole path -------------------------------------------------------------------------------------


async def purchase(client: httpx.AsyncClient, variants: list[str], rng: Any) -> None:
    made = await client.post(f"{API}/baskets", json={"currency": "TRY"})
    made.raise_for_status()
    basket = made.json()
    guest = {"X-Basket-Token": basket["token"]}
    for variant in rng.sample(variants, 2):
        added = await client.post(f"{API}/baskets/{basket['id']}/items", headers=guest,
                                  json={"variant_id": variant, "quantity": 1})  # fmt: skip
        added.raise_for_status()
    placed = await client.post(f"{API}/checkout", headers={**guest, "Idempotency-Key": uuid.uuid4().hex}, json={
        "basket_id": basket["id"], "email": "ayse@example.com", "shipping_address": ADDRESS,
        "payment_method": "sandbox"})  # fmt: skip
    placed.raise_for_status()
    order = placed.json()
    paid = await client.post(f"{API}/orders/{order['id']}/payments", json={"payment_method": "sandbox",
                             "card": GOOD_CARD}, headers={"Idempotency-Key": uuid.uuid4().hex,
                             "X-Order-Token": order["access_token"]})  # fmt: skip
    paid.raise_for_status()
    if paid.json()["status"] != "succeeded":
        raise RuntimeError(f"the sandbox payment did not succeed: {paid.json()}")


async def run_customers(base: str, variants: list[str], customers: int, seconds: float) -> dict[str, Any]:
    import random

    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds

    async def customer(n: int) -> None:
        rng = random.Random(n)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.monotonic() < stop_at:
                started = time.monotonic()
                try:
                    await purchase(client, variants, rng)
                except (httpx.HTTPError, RuntimeError, KeyError) as exc:
                    errors.append(_why(exc))
                    continue
                latencies.append(time.monotonic() - started)

    started = time.monotonic()
    await asyncio.gather(*(customer(n) for n in range(customers)))
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {"orders": len(latencies), "seconds": elapsed, "orders_per_s": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(ordered) if ordered else None,
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else None,
            "errors": len(errors), "first_errors": errors[:5]}  # fmt: skip


def _why(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"{exc.request.method} {exc.request.url.path} → {exc.response.status_code} {exc.response.text[:200]}"
    return f"{type(exc).__name__}: {exc}"


# --- 2. pgbench over the checkout's own statements ---------------------------------------------------------


async def record_checkouts(database_url: str, redis_url: str, variants: list[str], count: int) -> list[list[str]]:
    """Check out `count` guest baskets in-process and return, per checkout, the statements it sent with their
    parameters inlined (psycopg's client-side mogrify)."""
    import random

    import psycopg
    from sqlalchemy import event

    from bootstrap import Settings, bootstrap, shutdown
    from entrypoints.http.app import create_app

    settings = Settings(database_url=database_url, redis_url=redis_url, profile="production",
                        secret_key=secrets.token_urlsafe(32), log_level="WARNING")  # fmt: skip
    container = bootstrap(settings)
    engine = container.resolve("engine")
    recording: list[tuple[str, Any, bool]] | None = None

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if recording is not None:
            recording.append((statement, parameters, many))

    event.listen(engine.sync_engine, "before_cursor_execute", grab)
    scripts: list[list[str]] = []
    rng = random.Random(7)
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            with psycopg.connect(database_url) as conn:
                for _ in range(count):
                    made = (await client.post(f"{API}/baskets", json={"currency": "TRY"})).json()
                    guest = {"X-Basket-Token": made["token"]}
                    for variant in rng.sample(variants, 2):
                        (await client.post(f"{API}/baskets/{made['id']}/items", headers=guest,
                                           json={"variant_id": variant, "quantity": 1})).raise_for_status()  # fmt: skip
                    recording = []
                    body = {"basket_id": made["id"], "email": "ayse@example.com", "shipping_address": ADDRESS,
                            "payment_method": "sandbox"}  # fmt: skip
                    key = {"Idempotency-Key": uuid.uuid4().hex}
                    placed = await client.post(f"{API}/checkout", headers={**guest, **key}, json=body)
                    placed.raise_for_status()
                    captured, recording = recording, None
                    scripts.append(_inline(conn, captured, key["Idempotency-Key"]))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", grab)
        await shutdown(container)
    return scripts


def _inline(conn: Any, captured: list[tuple[str, Any, bool]], key: str) -> list[str]:
    """The statements with their parameters inlined, made repeatable: every id the checkout created (the `id` of
    each INSERT), the order number and the idempotency key become expressions of pgbench's `:client_id` and a
    random `:r`, so each replay creates its own rows and commits like the API does."""
    import psycopg

    cursor = psycopg.ClientCursor(conn)
    out: list[str] = []
    created: list[str] = []
    for statement, parameters, many in captured:
        for params in parameters if many else [parameters]:
            if statement.lstrip().upper().startswith("INSERT") and isinstance(params, dict):
                created += [str(v) for k, v in params.items() if re.fullmatch(r"id(__\d+)?", k) and v is not None]
            out.append(" ".join(cursor.mogrify(statement, params or None).split()) + ";")
    text = "\n".join(out)
    for n, value in enumerate(dict.fromkeys(created)):
        forms = f"{value}|{uuid.UUID(value).hex}"  # psycopg writes a uuid without its dashes
        text = re.sub(rf"'(?:{forms})'(::UUID)?", f"md5('{n}-' || :client_id || '-' || :r)::uuid", text, flags=re.I)
    text = re.sub(r"'CRS-\d{4}-\d+'", "'CRS-B-' || :client_id || '-' || :r", text)
    text = text.replace(f"'{key}'", "md5('key-' || :client_id || '-' || :r)")
    return text.splitlines()


def run_pgbench(database_url: str, scripts: list[list[str]], clients: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="carsi-pgbench-") as folder:
        files = []
        for n, statements in enumerate(scripts):
            path = Path(folder) / f"checkout-{n}.sql"
            path.write_text("\\set r random(1, 1000000000000)\nBEGIN;\n" + "\n".join(statements) + "\nCOMMIT;\n")
            files += ["-f", str(path)]
        cmd = ["pgbench", "-n", "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
               "-T", str(max(1, round(seconds))), *files, database_url]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        example = (Path(folder) / "checkout-0.sql").read_text()
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    if done.returncode != 0 or tps is None:
        raise RuntimeError(f"pgbench failed ({done.returncode}): {done.stderr[-2000:] or done.stdout[-2000:]}")
    (RESULTS / "checkout-pgbench-example.sql").write_text(example)
    return {"tps": float(tps.group(1)), "statements_per_checkout": round(statistics.mean(len(s) for s in scripts), 1)}


# --- 3. basket add-line under wrk --------------------------------------------------------------------------


def add_line_targets(base: str, variants: list[str], baskets: int) -> list[tuple[str, str, str]]:
    """(path, token, body) for each of `baskets` guest baskets and 8 variants, ordered variant by variant, so that
    requests in flight together go to different baskets (one basket's changes queue on its row lock)."""
    made = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(baskets):
            answer = client.post(f"{API}/baskets", json={"currency": "TRY"})
            answer.raise_for_status()
            made.append(answer.json())
    return [(f"{API}/baskets/{basket['id']}/items", basket["token"], json.dumps({"variant_id": v, "quantity": 1}))
            for v in variants[:8] for basket in made]  # fmt: skip


def run_add_line(base: str, targets: list[tuple[str, str, str]], seconds: float, connections: int) -> dict[str, Any]:
    rows = ", ".join("{" + ", ".join(json.dumps(x) for x in t) + "}" for t in targets)
    m = run_wrk(base, [targets[0][0]], seconds=seconds, connections=connections, threads=2,
                requests=f"TARGETS = {{{rows}}}\n{ADD_LINE_LUA}")  # fmt: skip
    return {"rps": m.rps, "p50_ms": m.p50_ms, "p99_ms": m.p99_ms, "requests": m.requests, "failed": m.failed}


# --- the run -----------------------------------------------------------------------------------------------


def markdown(run: dict[str, Any]) -> str:
    cfg, path, pg, add = run["config"], run["path"], run["pgbench"], run["add_line"]
    ratio = path["orders_per_s"] / pg["tps"] if pg["tps"] else 0.0
    yes = lambda ok: "yes" if ok else "**NO**"  # noqa: E731
    lines = [
        "# Checkout benchmark", "",
        f"- date: {run['date']}; commit: {run['commit']}; machine: {run['machine']['cpus']} CPUs, Python "
        f"{run['machine']['python']}",
        f"- served: uvicorn `--workers {cfg['workers']}` (`{APP_FACTORY}`, PROFILE=production, PostgreSQL + Redis); "
        f"{cfg['customers']} concurrent customers for {cfg['duration_s']:g} s; pgbench with as many clients over "
        f"{len(run['pgbench_scripts'])} recorded checkouts; wrk with {cfg['connections']} connections for add-line",
        f"- rerun: `.venv/bin/python -m bench.checkout --customers {cfg['customers']} "
        f"--duration {cfg['duration_s']:g}`",
        "",
        "| measure | value | target | met? |", "|---|---:|---|---|",
        f"| whole path (basket, 2 lines, checkout, payment): orders/s | {path['orders_per_s']:.1f} | — | — |",
        f"| whole path p50 / p99 ms | {path['p50_ms'] or 0:.0f} / {path['p99_ms'] or 0:.0f} | — | — |",
        f"| failed paths | {path['errors']} | 0 | {yes(path['errors'] == 0)} |",
        f"| pgbench, the checkout's {pg['statements_per_checkout']:g} statements: TPS | {pg['tps']:.1f} | — | — |",
        f"| orders/s ÷ pgbench TPS | {100 * ratio:.0f} % | ≥ {100 * ORDERS_RATIO_TARGET:.0f} % | "
        f"{yes(ratio >= ORDERS_RATIO_TARGET)} |",
        f"| basket add-line req/s (p50 / p99 ms) | {add['rps']:.0f} ({add['p50_ms']:.1f} / {add['p99_ms']:.1f}) | "
        f"≥ {ADD_LINE_TARGET_RPS:.0f} | {yes(add['rps'] >= ADD_LINE_TARGET_RPS and not add['failed'])} |",
    ]  # fmt: skip
    if path["first_errors"]:
        lines += ["", "First failures:", *[f"- `{e}`" for e in path["first_errors"]]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--recorded", type=int, default=20, help="Checkouts recorded for pgbench.")
    args = parser.parse_args(argv)
    wrk_binary()
    RESULTS.mkdir(exist_ok=True)
    started, code = datetime.now(UTC).isoformat(timespec="seconds"), commit()
    prepare_database(args.database_url, args.products, load=True)
    # the geo tree, the demo admin, the sandbox method and demo stock (idempotent; the catalog is there already)
    subprocess.run([str(BIN / "carsi"), "demo", "load", "--products", "0"], env=_cli_env(args.database_url),
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
    variants = sellable_variants(args.database_url, 40)
    log = RESULTS / "checkout-servers.log"
    log.write_text("")
    with serve(APP_FACTORY, app_env(args.database_url, args.redis_url, True, args.workers), args.workers,
               log) as server:  # fmt: skip
        with httpx.Client(base_url=server.base, timeout=30) as client:
            stock_up(client, variants, 1_000_000)
        print(f"the whole path: {args.customers} customers for {args.duration:g} s")
        path = asyncio.run(run_customers(server.base, variants, args.customers, args.duration))
        print(f"  {path['orders_per_s']:.1f} orders/s, p99 {path['p99_ms'] or 0:.0f} ms, {path['errors']} failed")
        print("basket add-line under wrk")
        add = run_add_line(server.base, add_line_targets(server.base, variants, 300), args.duration, args.connections)
        print(f"  {add['rps']:.0f} req/s, p99 {add['p99_ms']:.1f} ms, {add['failed']} failed")
    print(f"recording {args.recorded} checkouts for pgbench")
    scripts = asyncio.run(record_checkouts(args.database_url, args.redis_url, variants, args.recorded))
    pg = run_pgbench(args.database_url, scripts, args.customers, args.duration)
    print(f"  pgbench: {pg['tps']:.1f} TPS over {pg['statements_per_checkout']:g} statements per checkout")
    run = {"date": started, "commit": code, "machine": machine(), "path": path, "pgbench": pg, "add_line": add,
           "pgbench_scripts": [len(s) for s in scripts],
           "config": {"customers": args.customers, "duration_s": args.duration, "connections": args.connections,
                      "workers": args.workers, "products": args.products}}  # fmt: skip
    (RESULTS / "checkout.json").write_text(json.dumps(run, indent=2, ensure_ascii=False, default=str) + "\n")
    (RESULTS / "checkout.md").write_text(markdown(run))
    print(f"written: {RESULTS / 'checkout.md'}")
    ratio = path["orders_per_s"] / pg["tps"] if pg["tps"] else 0.0
    return 0 if ratio >= ORDERS_RATIO_TARGET and add["rps"] >= ADD_LINE_TARGET_RPS and not path["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
