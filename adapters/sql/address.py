"""SQL repositories of the address context: the geo reference tables (SQLAlchemy Core, bulk writes) and
addresses (mapped entities)."""

from __future__ import annotations

import uuid
from typing import Any

import attrs
import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo
from core.address.model import GEO_KINDS, Address, City, Country, District, GeoRow, Region, Township

TABLES: dict[str, sa.Table] = {
    "countries": t.geo_countries,
    "regions": t.geo_regions,
    "cities": t.geo_cities,
    "townships": t.geo_townships,
    "districts": t.geo_districts,
}


class SqlGeo(_Repo):
    async def _rows(self, kind: str, *where: Any) -> list[Any]:
        table, cls = TABLES[kind], GEO_KINDS[kind]
        result = await self.session.execute(sa.select(table).where(*where))
        return [cls(**row) for row in result.mappings()]

    async def _one(self, kind: str, *where: Any) -> Any | None:
        rows = await self._rows(kind, *where)
        return rows[0] if rows else None

    async def countries(self) -> list[Country]:
        return await self._rows("countries")

    async def country(self, alpha2code: str) -> Country | None:
        return await self._one("countries", t.geo_countries.c.alpha2code == alpha2code)

    async def regions(self) -> list[Region]:
        return await self._rows("regions")

    async def cities(self, country: str) -> list[City]:
        return await self._rows("cities", t.geo_cities.c.country == country)

    async def city(self, city_id: uuid.UUID) -> City | None:
        return await self._one("cities", t.geo_cities.c.id == city_id)

    async def townships(self, city_id: uuid.UUID) -> list[Township]:
        return await self._rows("townships", t.geo_townships.c.city_id == city_id)

    async def township(self, township_id: uuid.UUID) -> Township | None:
        return await self._one("townships", t.geo_townships.c.id == township_id)

    async def districts(self, township_id: uuid.UUID) -> list[District]:
        return await self._rows("districts", t.geo_districts.c.township_id == township_id)

    async def district(self, district_id: uuid.UUID) -> District | None:
        return await self._one("districts", t.geo_districts.c.id == district_id)

    async def stored(self, kind: str) -> dict[uuid.UUID, GeoRow]:
        return {row.id: row for row in await self._rows(kind)}

    async def save(self, kind: str, added: list[GeoRow], changed: list[GeoRow]) -> None:
        """One executemany for the inserts and one for the updates (LoadGeo hands the rows over in chunks)."""
        table = TABLES[kind]
        if added:
            await self.session.execute(sa.insert(table), [attrs.asdict(r) for r in added])
        if changed:
            names = [c.name for c in table.columns if c.name != "id"]
            stmt = (sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                    .values({n: sa.bindparam(f"new_{n}") for n in names}))  # fmt: skip
            values = [{"row_id": r.id, **{f"new_{n}": getattr(r, n) for n in names}} for r in changed]
            await self.session.execute(stmt, values)


class SqlAddresses(_Repo):
    model, entity_name = Address, "address"

    async def of_owner(self, owner_id: uuid.UUID) -> list[Address]:
        stmt = sa.select(Address).where(t.addresses.c.owner_id == owner_id)
        found = await self.session.scalars(stmt.order_by(t.addresses.c.created_at, t.addresses.c.id))
        return [self._seen(a) for a in found.all()]

    async def count_of_owner(self, owner_id: uuid.UUID) -> int:
        c = t.addresses.c
        stmt = (
            sa.select(sa.func.count())
            .select_from(t.addresses)
            .where(c.owner_id == owner_id, c.is_deleted == sa.false())
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def flush(self) -> None:
        await self.session.flush()
