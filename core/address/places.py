"""Resolve a place (country, city, township, district, postal code) given as ids or names into checked ids
and names. Other contexts (addresses, company, checkout) call `resolve_place` inside their unit of work."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import attrs

from core.shared.errors import FieldError, Invalid
from core.shared.text import turkish_casefold

if TYPE_CHECKING:
    from core.address.model import City
    from ports.uow import UnitOfWork

T = TypeVar("T")
_TR_POSTAL = re.compile(r"^\d{5}$")
_MAX_NAME = 100
_MAHALLE = re.compile(r"\s+(mah\.?|mh\.?|mahallesi)$")


@attrs.frozen
class Place:
    country: str  # ISO alpha-2, upper case
    city_id: uuid.UUID | None
    city: str  # name (for a country without a loaded tree: the free text given)
    township_id: uuid.UUID | None
    township: str
    district_id: uuid.UUID | None
    district: str | None
    postal_code: str | None


def _fail(loc: tuple[str, ...], field: str, msg: str) -> NoReturn:
    raise Invalid(f"{field}: {msg}", errors=[FieldError((*loc, field), msg)])


def _text(value: Any, loc: tuple[str, ...], field: str, *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            _fail(loc, field, "is required")
        return None
    if not isinstance(value, str):
        _fail(loc, field, "must be a string")
    if len(value.strip()) > _MAX_NAME:
        _fail(loc, field, f"must be at most {_MAX_NAME} characters")
    return " ".join(value.split())


def _as_uuid(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ref)
    except ValueError:
        return None


def _folded(name: str) -> str:
    """A name to compare: Turkish lower case, a mahalle's suffix dropped ("Moda Mah" = "moda mahallesi" = "MODA")."""
    return _MAHALLE.sub("", turkish_casefold(name))


def _named(rows: Sequence[T], ref: str, name: Callable[[T], str]) -> T | None:
    """The row whose name matches `ref` case-insensitively by Turkish rules (İstanbul = istanbul, ISPARTA = Isparta)."""
    wanted = _folded(ref)
    return next((r for r in rows if _folded(name(r)) == wanted), None)


def find_city(cities: Sequence[City], ref: str) -> City | None:
    """The city `ref` names: by id, plate code ("34" or "6") or name (Turkish case rules)."""
    city_id = _as_uuid(ref)
    if city_id is not None:
        return next((c for c in cities if c.id == city_id), None)
    if ref.isdigit():
        return next((c for c in cities if c.code == ref.zfill(len(c.code))), None)
    return _named(cities, ref, lambda c: c.name)


async def resolve_place(uow: UnitOfWork, *, country: str, city: str | None, township: str | None,
                        district: str | None = None, postal_code: str | None = None,
                        loc: tuple[str, ...] = ("body",)) -> Place:  # fmt: skip
    """Check that the parts belong together; raise Invalid naming the first field at fault (loc + (field,)).

    For a country whose cities are loaded (Turkey), city, township and district are ids or names (a city also
    by its plate code, "34" or "6"); the township is required, the district optional; a postal code must be the
    district's (or, without a district, one of the township's), and is filled from the district when absent.
    For other countries city (required) and township are free text."""
    code = _text(country, loc, "country", required=True)
    found = await uow.geo.country(code.upper()) if code and len(code) == 2 else None
    if found is None:
        _fail(loc, "country", f"unknown country code {code!r} (ISO 3166 alpha-2 expected)")
    city_ref = _text(city, loc, "city", required=True)
    assert city_ref is not None
    cities = await uow.geo.cities(found.alpha2code)
    if not cities:
        postal = _text(postal_code, loc, "postal_code", required=False)
        if postal is not None and len(postal) > 20:
            _fail(loc, "postal_code", "must be at most 20 characters")
        free_township = _text(township, loc, "township", required=False) or ""
        free_district = _text(district, loc, "district", required=False)
        return Place(found.alpha2code, None, city_ref, None, free_township, None, free_district, postal)

    chosen_city = find_city(cities, city_ref)
    if chosen_city is None:
        _fail(loc, "city", f"no city {city_ref!r} in {found.name}")

    township_ref = _text(township, loc, "township", required=True)
    assert township_ref is not None
    township_id = _as_uuid(township_ref)
    if township_id is not None:
        chosen_township = await uow.geo.township(township_id)
        if chosen_township is not None and chosen_township.city_id != chosen_city.id:
            _fail(loc, "township", f"the township is not in {chosen_city.name}")
    else:
        chosen_township = _named(await uow.geo.townships(chosen_city.id), township_ref, lambda t: t.name)
    if chosen_township is None:
        _fail(loc, "township", f"no township {township_ref!r} in {chosen_city.name}")

    postal = _text(postal_code, loc, "postal_code", required=False)
    if postal is not None and not _TR_POSTAL.match(postal):
        _fail(loc, "postal_code", "must be 5 digits")
    district_ref = _text(district, loc, "district", required=False)
    if district_ref is None:
        if postal is not None:
            known = {d.postal_code for d in await uow.geo.districts(chosen_township.id) if d.postal_code}
            if known and postal not in known:
                _fail(loc, "postal_code", f"{postal} is not a postal code of {chosen_township.name}")
        return Place(found.alpha2code, chosen_city.id, chosen_city.name, chosen_township.id, chosen_township.name,
                     None, None, postal)  # fmt: skip

    district_id = _as_uuid(district_ref)
    if district_id is not None:
        chosen_district = await uow.geo.district(district_id)
        if chosen_district is not None and chosen_district.township_id != chosen_township.id:
            _fail(loc, "district", f"the district is not in {chosen_township.name}")
    else:
        chosen_district = _named(await uow.geo.districts(chosen_township.id), district_ref, lambda d: d.name)
    if chosen_district is None:
        _fail(loc, "district", f"no district {district_ref!r} in {chosen_township.name}")
    if postal is not None and chosen_district.postal_code and postal != chosen_district.postal_code:
        _fail(loc, "postal_code", f"the postal code of {chosen_district.name} is {chosen_district.postal_code}")
    return Place(found.alpha2code, chosen_city.id, chosen_city.name, chosen_township.id, chosen_township.name,
                 chosen_district.id, chosen_district.name, postal or chosen_district.postal_code)  # fmt: skip
