"""What the inventory use cases need: warehouses, stock rows changed by conditional statements only, the
movement log and the reservations held for orders."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, Literal, Protocol

from core.inventory.model import Reservation, Stock, StockMovement, Warehouse
from core.shared.pagination import Page, PageRequest


class WarehouseRepository(Protocol):
    """Live (not soft-deleted) warehouses; `code` is unique among them."""

    async def add(self, warehouse: Warehouse) -> None: ...
    async def get(self, warehouse_id: uuid.UUID) -> Warehouse:
        """The warehouse, or NotFound."""
        ...

    async def by_code(self, code: str) -> Warehouse | None: ...
    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Warehouse]:
        """Newest first; `q` matches name and code (Turkish letters folded)."""
        ...


class StockRepository(Protocol):
    """Stock rows and reservations. Every quantity change is ONE conditional statement on one row: of two
    racing transactions, the second sees the first's result (PostgreSQL re-checks the condition after the
    row lock; SQLite serializes writers)."""

    async def get(self, stock_id: uuid.UUID, *, lock: bool = False) -> Stock:
        """The row (locked FOR UPDATE when asked), or NotFound."""
        ...

    async def holds_units(self, warehouse_id: uuid.UUID) -> bool:
        """Whether any row of the warehouse has a quantity above 0."""
        ...

    async def find(self, warehouse_id: uuid.UUID, variant_id: uuid.UUID) -> Stock | None: ...
    async def create(self, stock: Stock) -> Stock:
        """Insert the row for (warehouse, variant), or return the existing one (a racing insert loses)."""
        ...

    async def of_variant(self, variant_id: uuid.UUID) -> list[Stock]:
        """The variant's rows in live warehouses, by warehouse priority."""
        ...

    async def lock_for(self, variant_ids: Collection[uuid.UUID]) -> list[Stock]:
        """The rows of these variants in active, live warehouses, locked (FOR UPDATE) in the global lock order
        (stock id), returned by (warehouse priority, warehouse code)."""
        ...

    async def available(self, variant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        """Sum of quantity - reserved over active, live warehouses (variants without rows are left out)."""
        ...

    async def change(self, stock_id: uuid.UUID, *, quantity: int = 0, reserved: int = 0) -> Stock | None:
        """`quantity += quantity, reserved_quantity += reserved` in one statement, only when the result keeps
        `0 <= reserved_quantity <= quantity`; the changed row, or None (nothing changed) when it would not."""
        ...

    async def revise(self, stock_id: uuid.UUID, values: dict[str, Any], by: uuid.UUID | None) -> Stock:
        """Set plain fields (levels, shelf location, unit cost, last count date) of a row."""
        ...

    async def unstocked_variants(self, warehouse_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
        """Live variants without a stock row in the warehouse (at most `limit`)."""
        ...

    async def hold(self, reservations: list[Reservation]) -> None:
        """Record reservation rows (status `reserved`)."""
        ...

    async def take(self, reference_id: uuid.UUID, status: Literal["released", "consumed"]) -> list[Reservation]:
        """Move the reference's `reserved` rows to `status` in one statement and return them; a second call
        (or a racing one, after the first commits) gets nothing."""
        ...


class MovementRepository(Protocol):
    async def add(self, movement: StockMovement) -> None: ...
    async def list(self, page: PageRequest, *, variant_id: uuid.UUID | None = None,
                   warehouse_id: uuid.UUID | None = None) -> Page[StockMovement]:  # fmt: skip
        """Newest first."""
        ...
