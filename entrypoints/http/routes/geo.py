"""Public geo lookups for address forms: countries, and Turkey's cities, townships and districts, each list in
Turkish alphabetical order. The use cases answer with cached JSON-ready dicts; the classes here describe them."""

from __future__ import annotations

import uuid

import attrs

from core.address.use_cases.geo import ListCities, ListCountries, ListDistricts, ListTownships
from entrypoints.http.api import Ctx, Items, Plain, Routes

routes = Routes("geo")
GEO = "/api/v1/geo"


@attrs.frozen
class CountryOut:
    id: uuid.UUID
    name: str
    alpha2code: str
    alpha3code: str
    calling_code: str


@attrs.frozen
class CityOut:
    id: uuid.UUID
    name: str
    code: str
    country: str
    region_id: uuid.UUID | None
    region: str | None


@attrs.frozen
class TownshipOut:
    id: uuid.UUID
    name: str
    code: str
    city_id: uuid.UUID


@attrs.frozen
class DistrictOut:
    id: uuid.UUID
    name: str
    postal_code: str | None
    township_id: uuid.UUID


@attrs.frozen
class CityQuery:
    """`country`: ISO 3166 alpha-2 code (required)."""

    country: str | None = None


@attrs.frozen
class TownshipQuery:
    """`city`: a city's id, plate code ("34") or name (required)."""

    city: str | None = None


@attrs.frozen
class DistrictQuery:
    """`township`: a township's id (required)."""

    township: str | None = None


@routes.get(f"{GEO}/countries", response=Items[CountryOut], auth="none")
async def list_countries(ctx: Ctx) -> Plain:
    """Every ISO 3166 country with its alpha-2 and alpha-3 codes and calling code."""
    return Plain({"items": await ctx.use(ListCountries)()})


@routes.get(f"{GEO}/cities", query=CityQuery, response=Items[CityOut], auth="none", errors=(404,))
async def list_cities(ctx: Ctx) -> Plain:
    """A country's cities (Turkey: the 81 provinces, code = plate number, with their region). An unknown
    country is 404; a country whose cities are not loaded gives an empty list."""
    return Plain({"items": await ctx.use(ListCities)(ctx.query.country)})


@routes.get(f"{GEO}/townships", query=TownshipQuery, response=Items[TownshipOut], auth="none", errors=(404,))
async def list_townships(ctx: Ctx) -> Plain:
    """A Turkish city's townships (ilçe); an unknown city is 404."""
    return Plain({"items": await ctx.use(ListTownships)(ctx.query.city)})


@routes.get(f"{GEO}/districts", query=DistrictQuery, response=Items[DistrictOut], auth="none", errors=(404,))
async def list_districts(ctx: Ctx) -> Plain:
    """A township's districts (mahalle) with their postal codes; an unknown township is 404."""
    return Plain({"items": await ctx.use(ListDistricts)(ctx.query.township)})
