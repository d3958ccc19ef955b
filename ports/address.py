"""What the address context needs: the geo reference tables, customers' addresses, and where geo data comes from."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Protocol

from core.address.model import Address, City, Country, District, GeoRow, Region, Township


class GeoRepository(Protocol):
    """The reference tables (countries, regions, cities, townships, districts): rows with stable ids."""

    async def countries(self) -> list[Country]: ...
    async def country(self, alpha2code: str) -> Country | None: ...
    async def regions(self) -> list[Region]: ...
    async def cities(self, country: str) -> list[City]:
        """The cities of a country (by alpha-2); empty when its tree is not loaded."""
        ...

    async def city(self, city_id: uuid.UUID) -> City | None: ...
    async def townships(self, city_id: uuid.UUID) -> list[Township]: ...
    async def township(self, township_id: uuid.UUID) -> Township | None: ...
    async def districts(self, township_id: uuid.UUID) -> list[District]: ...
    async def district(self, district_id: uuid.UUID) -> District | None: ...
    async def stored(self, kind: str) -> dict[uuid.UUID, GeoRow]:
        """Every row of one table (`kind` is a key of core.address.model.GEO_KINDS), by id."""
        ...

    async def save(self, kind: str, added: list[GeoRow], changed: list[GeoRow]) -> None:
        """Insert `added` and overwrite `changed` (same ids) in one table, in bulk."""
        ...


class AddressRepository(Protocol):
    """Live (not soft-deleted) addresses; at most one default shipping and one default billing per owner
    (a second one fails the commit with Conflict)."""

    async def add(self, address: Address) -> None: ...
    async def get(self, address_id: uuid.UUID) -> Address:
        """The address, or NotFound."""
        ...

    async def of_owner(self, owner_id: uuid.UUID) -> list[Address]:
        """The owner's addresses, oldest first."""
        ...

    async def count_of_owner(self, owner_id: uuid.UUID) -> int: ...
    async def flush(self) -> None:
        """Write pending changes now (so clearing the old default reaches the database before the new one)."""
        ...


class GeoSource(Protocol):
    """The reference data to load, rows in GEO_KINDS order (parents before children)."""

    def rows(self) -> Iterator[tuple[str, GeoRow]]: ...
    def size(self) -> int:
        """How many rows `rows` yields (for a progress bar)."""
        ...
