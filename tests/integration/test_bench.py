"""The benchmark runs and measures every case (a broken bench is found here, not on the day it is needed)."""

from bench.http import run


async def test_http_bench_measures_every_case_against_the_baseline() -> None:
    results = await run(rounds=1, database_url=None)
    assert next(iter(results.values()))["ratio"] == 1.0
    assert len(results) == 5
    assert all(r["seconds"] > 0 for r in results.values())
