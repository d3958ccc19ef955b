"""The benchmark runs and measures every case (a broken bench is found here, not on the day it is needed)."""

from bench.http import run


async def test_http_bench_measures_every_case_against_the_baseline() -> None:
    results = await run(rounds=1, database_url=None)
    assert next(iter(results.values()))["ratio"] == 1.0
    assert len(results) == 5
    assert all(r["seconds"] > 0 for r in results.values())


# What wrk 4.1 prints with bench/catalog.py's Lua hook (captured from a real run).
WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:8399/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.65ms    3.30ms  23.08ms   89.32%
    Req/Sec     1.02k   198.30     1.29k    50.00%
  1012 requests in 1.01s, 2.07MB read
Requests/sec:   1004.58
Transfer/sec:      2.06MB
CARSI_WRK {"requests":1012,"duration_us":1007390,"bytes":2170896,"connect_errors":0,"read_errors":0,\
"write_errors":0,"status_errors":3,"timeout_errors":0,"p50_us":1258,"p90_us":6263,"p99_us":17105,"max_us":23079,\
"mean_us":2649.2}
"""


def test_catalog_bench_reads_wrk_and_judges_the_targets_against_the_baselines() -> None:
    from bench.catalog import Measurement, parse_wrk, target, wrk_script

    m = parse_wrk(WRK_OUTPUT)
    assert round(m.rps) == 1005 and (m.p50_ms, m.p99_ms) == (1.258, 17.105)
    assert m.errors["status"] == 3 and m.failed == 3
    assert "PATHS" not in wrk_script(["/one"]) and 'PATHS = {"/a", "/b"}' in wrk_script(["/a", "/b"])

    def run(rps: float, p99: float) -> Measurement:
        return Measurement(requests=int(rps * 10), seconds=10, p50_ms=1, p90_ms=1, p99_ms=p99, max_ms=p99, errors={})

    baselines = {"json": run(10_000, 5), "row": run(2_000, 20)}
    assert target("detail", cache=True).met(run(5_000, 49), baselines)
    assert not target("detail", cache=True).met(run(5_000, 51), baselines)  # p99 over 50 ms
    assert not target("detail", cache=True).met(run(4_900, 10), baselines)
    assert target("list", cache=True).met(run(3_000, 10), baselines)
    assert target("price", cache=False).met(run(1_000, 900), baselines)  # half the one-row baseline, no p99 target
    assert not target("price", cache=False).met(m, baselines)  # errors never meet a target


def test_catalog_bench_profile_summary_reads_py_spy_collapsed_stacks() -> None:
    from bench.catalog import profile_summary

    master = 'process 1:"python uvicorn app --workers 2"'
    worker = 'process 2:"python -c from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=9)"'
    collapsed = "\n".join([
        f"{master};{worker};run (asyncio/runners.py:118);show (entrypoints/http/routes/x.py:5);"
        "execute (psycopg/cursor.py:10) 6",
        f"{master};{worker};run (asyncio/runners.py:118);show (entrypoints/http/routes/x.py:7) 2",
        f"{master};{worker} 2",
    ])  # fmt: skip
    p = profile_summary(collapsed)
    assert p["samples"] == 10
    assert p["own"][0] == ("execute (psycopg/cursor.py)", 0.6)
    assert dict(p["packages"]) == {"psycopg": 0.6, "entrypoints": 0.2, "(no Python frame)": 0.2}
    assert p["project"] == [("show (entrypoints/http/routes/x.py)", 0.8)]
