"""The address context on the memory store: geo reference rows and addresses."""

from __future__ import annotations

import uuid
from typing import Any

from adapters.memory.repositories import _Repo, fields_of
from core.address.model import GEO_KINDS, Address, City, Country, District, GeoRow, Region, Township


class MemoryGeo(_Repo):
    """All reference tables in one store table, keyed by (kind, id)."""

    table, entity_name = "geo", "place"

    def dump(self, row: Any) -> Any:
        kind = next(k for k, cls in GEO_KINDS.items() if isinstance(row, cls))
        return {"kind": kind, **fields_of(row)}

    def restore(self, data: Any) -> Any:
        fields = dict(data)
        return GEO_KINDS[fields.pop("kind")](**fields)

    def _of(self, kind: str) -> list[Any]:
        keys = {k for k in self.store.tables[self.table] if k[0] == kind}
        keys |= {k for (t, k) in self.uow.identity if t == self.table and k[0] == kind}
        return [row for row in (self._load(k) for k in keys) if row is not None]

    def _one(self, kind: str, row_id: uuid.UUID) -> Any | None:
        return self._load((kind, row_id))

    async def countries(self) -> list[Country]:
        return self._of("countries")

    async def country(self, alpha2code: str) -> Country | None:
        return next((c for c in self._of("countries") if c.alpha2code == alpha2code), None)

    async def regions(self) -> list[Region]:
        return self._of("regions")

    async def cities(self, country: str) -> list[City]:
        return [c for c in self._of("cities") if c.country == country]

    async def city(self, city_id: uuid.UUID) -> City | None:
        return self._one("cities", city_id)

    async def townships(self, city_id: uuid.UUID) -> list[Township]:
        return [t for t in self._of("townships") if t.city_id == city_id]

    async def township(self, township_id: uuid.UUID) -> Township | None:
        return self._one("townships", township_id)

    async def districts(self, township_id: uuid.UUID) -> list[District]:
        return [d for d in self._of("districts") if d.township_id == township_id]

    async def district(self, district_id: uuid.UUID) -> District | None:
        return self._one("districts", district_id)

    async def stored(self, kind: str) -> dict[uuid.UUID, GeoRow]:
        return {row.id: row for row in self._of(kind)}

    async def save(self, kind: str, added: list[GeoRow], changed: list[GeoRow]) -> None:
        for row in added:
            self.uow.new.add((self.table, (kind, row.id)))
            self._keep((kind, row.id), row)
        for row in changed:
            self._load((kind, row.id))  # snapshot the stored row, so the commit sees the difference
            self.uow.identity[(self.table, (kind, row.id))] = row


class MemoryAddresses(_Repo):
    table, entity_name, model = "addresses", "address", Address

    async def of_owner(self, owner_id: uuid.UUID) -> list[Address]:
        mine = [a for a in self._all() if a.owner_id == owner_id]
        return sorted(mine, key=lambda a: (a.created_at, str(a.id)))

    async def count_of_owner(self, owner_id: uuid.UUID) -> int:
        return len(await self.of_owner(owner_id))

    async def flush(self) -> None:
        return None
