"""Geo reference rows (plain values with ids derived from their natural keys) and the Address aggregate."""

from __future__ import annotations

import uuid

import attrs

from core.shared.entity import Entity

_GEO = uuid.UUID("6f0c1c2e-6a43-5c1d-9d62-2b7e1f0a3c41")  # namespace of the geo ids (any fixed UUID)


def geo_id(kind: str, *key: str) -> uuid.UUID:
    """The same id on every machine and every load: uuid5 over the row's kind and natural key
    (e.g. `geo_id("township", "34", "Kadıköy")`)."""
    return uuid.uuid5(_GEO, "/".join((kind, *key)))


@attrs.frozen(kw_only=True)
class Country:
    id: uuid.UUID
    name: str
    alpha2code: str
    alpha3code: str
    calling_code: str  # digits without "+", "" when unknown


@attrs.frozen(kw_only=True)
class Region:
    id: uuid.UUID
    name: str
    code: str


@attrs.frozen(kw_only=True)
class City:
    """An il of Turkey (code = its plate number, "01".."81"), or a city of another country with a tree."""

    id: uuid.UUID
    name: str
    country: str  # alpha-2
    code: str
    region_id: uuid.UUID | None


@attrs.frozen(kw_only=True)
class Township:
    """An ilçe."""

    id: uuid.UUID
    name: str
    code: str
    city_id: uuid.UUID


@attrs.frozen(kw_only=True)
class District:
    """A mahalle, with the postal code of its delivery area."""

    id: uuid.UUID
    name: str
    township_id: uuid.UUID
    postal_code: str | None


GeoRow = Country | Region | City | Township | District
GEO_KINDS: dict[str, type[GeoRow]] = {
    "countries": Country,
    "regions": Region,
    "cities": City,
    "townships": Township,
    "districts": District,
}
"""The reference tables in load order (a row's parents come first)."""


@attrs.define(slots=False, eq=False, kw_only=True)
class Address(Entity):
    """A customer's address: the place (ids and names as resolved when saved) and who receives there."""

    owner_id: uuid.UUID
    title: str
    recipient_name: str
    phone: str  # E.164
    country: str  # alpha-2
    city_id: uuid.UUID | None
    city: str
    township_id: uuid.UUID | None
    township: str
    district_id: uuid.UUID | None
    district: str | None
    postal_code: str | None
    line: str
    description: str = ""
    is_default_shipping: bool = False
    is_default_billing: bool = False
