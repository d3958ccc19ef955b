"""The inventory on the memory store: the same contract as SQL (conditional changes, reservations taken
once), for one process. Stock reads hand out copies, as SQL builds fresh objects per statement."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection
from typing import Any, Literal

from adapters.memory.repositories import _created, _page, _Repo
from core.inventory.model import MAX_QUANTITY, Reservation, Stock, StockMovement, Warehouse
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key


class MemoryWarehouses(_Repo):
    table, entity_name, model = "warehouses", "warehouse", Warehouse

    async def by_code(self, code: str) -> Warehouse | None:
        return next((x for x in self._all() if x.code == code), None)

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Warehouse]:
        rows = [x for x in self._all() if not q or search_key(q) in search_key(f"{x.name} {x.code}")]
        return _page(rows, page, _created)


class MemoryStock(_Repo):
    table, entity_name, model = "stock", "stock row", Stock

    def _warehouse(self, row: Stock, *, active: bool) -> Warehouse | None:
        found: Warehouse | None = self.uow.warehouses._load(row.warehouse_id)
        return None if found is None or (active and not found.is_active) else found

    def _ordered(self, rows: list[Stock], *, active: bool) -> list[Stock]:
        placed = [(r, self._warehouse(r, active=active)) for r in rows]
        live = [(r, x) for r, x in placed if x is not None]
        return [copy.copy(r) for r, x in sorted(live, key=lambda p: (p[1].priority, p[1].code))]  # type: ignore[union-attr]

    async def get(self, stock_id: uuid.UUID, *, lock: bool = False) -> Stock:
        return copy.copy(await super().get(stock_id))

    async def holds_units(self, warehouse_id: uuid.UUID) -> bool:
        return any(r.warehouse_id == warehouse_id and r.quantity > 0 for r in self._all())

    async def find(self, warehouse_id: uuid.UUID, variant_id: uuid.UUID) -> Stock | None:
        found = next((r for r in self._all() if (r.warehouse_id, r.variant_id) == (warehouse_id, variant_id)), None)
        return copy.copy(found) if found is not None else None

    async def create(self, stock: Stock) -> Stock:
        found = await self.find(stock.warehouse_id, stock.variant_id)
        if found is not None:
            return found
        await self.add(stock)
        return copy.copy(stock)

    async def of_variant(self, variant_id: uuid.UUID) -> list[Stock]:
        return self._ordered([r for r in self._all() if r.variant_id == variant_id], active=False)

    async def lock_for(self, variant_ids: Collection[uuid.UUID]) -> list[Stock]:
        wanted = set(variant_ids)
        return self._ordered([r for r in self._all() if r.variant_id in wanted], active=True)

    async def available(self, variant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        out: dict[uuid.UUID, int] = {}
        for row in await self.lock_for(variant_ids):
            out[row.variant_id] = out.get(row.variant_id, 0) + row.available_quantity
        return out

    async def change(self, stock_id: uuid.UUID, *, quantity: int = 0, reserved: int = 0) -> Stock | None:
        row: Stock = await super().get(stock_id)
        new_quantity, new_reserved = row.quantity + quantity, row.reserved_quantity + reserved
        if not 0 <= new_reserved <= new_quantity <= MAX_QUANTITY:
            return None
        row.quantity, row.reserved_quantity = new_quantity, new_reserved
        return copy.copy(row)

    async def revise(self, stock_id: uuid.UUID, values: dict[str, Any], by: uuid.UUID | None) -> Stock:
        row: Stock = await super().get(stock_id)
        for name, value in values.items():
            setattr(row, name, value)
        return copy.copy(row)

    async def unstocked_variants(self, warehouse_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
        there = {r.variant_id for r in self._all() if r.warehouse_id == warehouse_id}
        live = sorted(v["id"] for v in self.store.rows("variants") if not v["is_deleted"] and v["id"] not in there)
        return live[:limit]

    async def hold(self, reservations: list[Reservation]) -> None:
        for r in reservations:
            await self.uow.stock_reservations.add(r)

    async def take(self, reference_id: uuid.UUID, status: Literal["released", "consumed"]) -> list[Reservation]:
        return await self.uow.stock_reservations.take(reference_id, status)


class MemoryReservations(_Repo):
    """Reservation rows as plain dicts: {reservation fields..., status}."""

    table = "stock_reservations"

    async def add(self, row: Any) -> None:
        data = {"reservation": row, "status": "reserved"}
        self.uow.new.add((self.table, row.id))
        self._keep(row.id, data)

    async def take(self, reference_id: uuid.UUID, status: str) -> list[Reservation]:
        taken = []
        for data in self._all():
            if data["reservation"].reference_id == reference_id and data["status"] == "reserved":
                data["status"] = status
                taken.append(data["reservation"])
        return taken


class MemoryMovements(_Repo):
    table, entity_name, model = "stock_movements", "stock movement", StockMovement

    async def list(self, page: PageRequest, *, variant_id: uuid.UUID | None = None,
                   warehouse_id: uuid.UUID | None = None) -> Page[StockMovement]:  # fmt: skip
        rows = [m for m in self._all() if (variant_id is None or m.variant_id == variant_id)
                and (warehouse_id is None or m.warehouse_id == warehouse_id)]  # fmt: skip
        return _page(rows, page, _created)
