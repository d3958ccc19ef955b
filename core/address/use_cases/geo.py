"""The public geo lookups: countries, and Turkey's cities, townships and districts, in Turkish alphabetical
order. Answers are JSON-ready lists, cached until the next `geo load` that changes something."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from core.address.model import City, Country, District, Township
from core.address.places import find_city
from core.address.use_cases.loading import CACHE_PREFIX
from core.shared.errors import FieldError, Invalid, NotFound
from core.shared.text import turkish_casefold, turkish_sort_key

if TYPE_CHECKING:
    from ports.services import Cache
    from ports.uow import UnitOfWork

CACHE_SECONDS = 24 * 3600
Json = list[dict[str, Any]]


def _required(value: str | None, name: str) -> str:
    if value is None or not value.strip():
        raise Invalid(f"{name} is required", errors=[FieldError(("query", name), "is required")])
    return value.strip()


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _sorted(rows: Sequence[Any]) -> list[Any]:
    return sorted(rows, key=lambda r: turkish_sort_key(r.name))


def country_json(c: Country) -> dict[str, Any]:
    return {"id": str(c.id), "name": c.name, "alpha2code": c.alpha2code, "alpha3code": c.alpha3code,
            "calling_code": c.calling_code}  # fmt: skip


def city_json(c: City, regions: dict[uuid.UUID, str]) -> dict[str, Any]:
    region = regions.get(c.region_id) if c.region_id else None
    return {"id": str(c.id), "name": c.name, "code": c.code, "country": c.country,
            "region_id": str(c.region_id) if c.region_id else None, "region": region}  # fmt: skip


def township_json(t: Township) -> dict[str, Any]:
    return {"id": str(t.id), "name": t.name, "code": t.code, "city_id": str(t.city_id)}


def district_json(d: District) -> dict[str, Any]:
    return {"id": str(d.id), "name": d.name, "postal_code": d.postal_code, "township_id": str(d.township_id)}


@attrs.define
class GeoCache:
    """Lookups under `geo:` keys for a day; LoadGeo drops them all when it changes something."""

    cache: Cache

    async def read(self, key: str, produce: Callable[[], Awaitable[Json | None]]) -> Json | None:
        found = await self.cache.get(CACHE_PREFIX + key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        value = await produce()
        if value is not None:
            await self.cache.set(CACHE_PREFIX + key, value, CACHE_SECONDS)
        return value


@attrs.define
class ListCountries:
    uow: UnitOfWork
    geo_cache: GeoCache

    async def __call__(self) -> Json:
        async def produce() -> Json:
            async with self.uow:
                return [country_json(c) for c in _sorted(await self.uow.geo.countries())]

        return await self.geo_cache.read("countries", produce) or []


@attrs.define
class ListCities:
    """A country's cities (by alpha-2); an unknown country is 404, one without a loaded tree an empty list."""

    uow: UnitOfWork
    geo_cache: GeoCache

    async def __call__(self, country: str | None) -> Json:
        code = _required(country, "country").upper()

        async def produce() -> Json | None:
            async with self.uow:
                if len(code) != 2 or await self.uow.geo.country(code) is None:
                    return None
                regions = {r.id: r.name for r in await self.uow.geo.regions()}
                return [city_json(c, regions) for c in _sorted(await self.uow.geo.cities(code))]

        found = await self.geo_cache.read(f"cities:{code}", produce)
        if found is None:
            raise NotFound(f"no country {code!r}")
        return found


@attrs.define
class ListTownships:
    """A Turkish city's townships; the city by id, plate code ("34", "6") or name. Unknown city → 404."""

    uow: UnitOfWork
    geo_cache: GeoCache

    async def __call__(self, city: str | None) -> Json:
        ref = _required(city, "city")

        async def produce() -> Json | None:
            async with self.uow:
                found = find_city(await self.uow.geo.cities("TR"), ref)
                return (
                    None
                    if found is None
                    else [township_json(t) for t in _sorted(await self.uow.geo.townships(found.id))]
                )

        key = f"townships:{turkish_casefold(ref)}"
        rows = await self.geo_cache.read(key, produce) if len(ref) <= 100 else None
        if rows is None:
            raise NotFound(f"no city {ref[:100]!r}")
        return rows


@attrs.define
class ListDistricts:
    """A township's districts (mahalle) with their postal codes; the township by id. Unknown → 404."""

    uow: UnitOfWork
    geo_cache: GeoCache

    async def __call__(self, township: str | None) -> Json:
        ref = _required(township, "township")
        township_id = _uuid(ref)
        if township_id is None:
            raise Invalid("township must be an id", errors=[FieldError(("query", "township"), "must be an id")])

        async def produce() -> Json | None:
            async with self.uow:
                if await self.uow.geo.township(township_id) is None:
                    return None
                return [district_json(d) for d in _sorted(await self.uow.geo.districts(township_id))]

        rows = await self.geo_cache.read(f"districts:{township_id}", produce)
        if rows is None:
            raise NotFound(f"no township {township_id}")
        return rows
