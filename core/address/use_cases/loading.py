"""`carsi geo load`: bring the reference tables in line with the geo data source, idempotently."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from core.address.model import GEO_KINDS, GeoRow

if TYPE_CHECKING:
    from ports.address import GeoSource
    from ports.services import Cache
    from ports.uow import UnitOfWork

CACHE_PREFIX = "geo:"
CHUNK = 5000
"""Rows compared and written per step (one bulk insert each; the progress moves by as many)."""


@attrs.frozen
class LoadGeoData:
    progress: Callable[[int], None] | None = None
    """Told how many more source rows were compared (of `GeoSource.size()`), table by table."""


@attrs.frozen
class GeoLoaded:
    added: dict[str, int]
    changed: dict[str, int]
    total: dict[str, int]

    @property
    def anything(self) -> bool:
        return any(self.added.values()) or any(self.changed.values())


@attrs.define
class LoadGeo:
    """Insert the rows the database lacks and rewrite those that differ (ids come from natural keys, so a
    second run finds every row and writes nothing). Rows no longer in the source stay: addresses point at
    them. One transaction; the cached lookups are dropped when something changed."""

    uow: UnitOfWork
    source: GeoSource
    cache: Cache

    async def __call__(self, cmd: LoadGeoData) -> GeoLoaded:
        by_kind: dict[str, list[GeoRow]] = {kind: [] for kind in GEO_KINDS}
        for kind, row in self.source.rows():
            by_kind[kind].append(row)
        added: dict[str, int] = {}
        changed: dict[str, int] = {}
        async with self.uow:
            for kind, rows in by_kind.items():
                stored = await self.uow.geo.stored(kind)
                added[kind] = changed[kind] = 0
                for start in range(0, len(rows), CHUNK):
                    part = rows[start : start + CHUNK]
                    new = [r for r in part if r.id not in stored]
                    different = [r for r in part if r.id in stored and stored[r.id] != r]
                    await self.uow.geo.save(kind, new, different)
                    added[kind] += len(new)
                    changed[kind] += len(different)
                    if cmd.progress is not None:
                        cmd.progress(len(part))
            await self.uow.commit()
        loaded = GeoLoaded(added, changed, {kind: len(rows) for kind, rows in by_kind.items()})
        if loaded.anything:
            await self.cache.delete_prefix(CACHE_PREFIX)
        return loaded
