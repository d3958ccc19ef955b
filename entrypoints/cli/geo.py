"""`carsi geo load`: the countries and Turkey's address tree into the database (also run by `carsi demo load`)."""

from __future__ import annotations

import sys
import time

import click
import punq

from core.address.use_cases.loading import GeoLoaded, LoadGeo, LoadGeoData
from ports.address import GeoSource


async def load_geo(c: punq.Container) -> tuple[GeoLoaded, float]:
    """Load with a progress bar on stderr; the result and the seconds it took."""
    started = time.monotonic()
    size = c.resolve(GeoSource).size()
    with click.progressbar(length=size, label="geo data", file=sys.stderr) as bar:
        loaded = await c.resolve(LoadGeo)(LoadGeoData(progress=bar.update))
    return loaded, time.monotonic() - started


def describe(loaded: GeoLoaded, seconds: float) -> str:
    counts = ", ".join(f"{kind} {n}" for kind, n in loaded.total.items())
    if not loaded.anything:
        return f"geo data up to date ({counts}) in {seconds:.1f} s"
    added = ", ".join(f"{kind} {n}" for kind, n in loaded.added.items() if n)
    changed = ", ".join(f"{kind} {n}" for kind, n in loaded.changed.items() if n)
    return f"geo data loaded in {seconds:.1f} s: added {added or 'nothing'}; changed {changed or 'nothing'} ({counts})"


@click.group()
def geo() -> None:
    """Reference data for addresses: ISO 3166 countries, Turkey's regions, cities, townships and districts."""


@geo.command("load")
def geo_load() -> None:
    """Load or update the geo data (idempotent: a second run changes nothing)."""
    from entrypoints.cli.main import _run

    click.echo(describe(*_run(load_geo)))
