"""Demo stock for `carsi demo load`: a default warehouse, and units for every variant it holds nothing of yet."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

import attrs

from core.inventory.model import Stock, StockMovement, Warehouse
from core.shared.actor import SYSTEM, current_actor

if TYPE_CHECKING:
    from ports.uow import UnitOfWork

DEMO_WAREHOUSE = ("MERKEZ", "Merkez Depo")
BATCH = 500


def demo_quantity(variant_id: object) -> int:
    """Units of a demo variant, stable across runs: mostly 5..50, one in twelve sold out."""
    n = zlib.crc32(str(variant_id).encode())
    return 0 if n % 12 == 0 else 5 + n % 46


@attrs.define
class StockDemoCatalog:
    """Idempotent: the warehouse is made once, and only variants without a stock row there get one (with an
    `in` movement for their units). Returns how many variants were stocked."""

    uow: UnitOfWork

    async def __call__(self) -> int:
        token = current_actor.set(SYSTEM)
        try:
            async with self.uow:
                warehouse = await self.uow.warehouses.by_code(DEMO_WAREHOUSE[0])
                if warehouse is None:
                    warehouse = Warehouse(code=DEMO_WAREHOUSE[0], name=DEMO_WAREHOUSE[1], address="İstanbul")
                    await self.uow.warehouses.add(warehouse)
                    await self.uow.commit()
            stocked = 0
            while True:
                async with self.uow:
                    variant_ids = await self.uow.stock.unstocked_variants(warehouse.id, BATCH)
                    for variant_id in variant_ids:
                        row = await self.uow.stock.create(Stock(warehouse_id=warehouse.id, variant_id=variant_id,
                                                                minimum_quantity=2))  # fmt: skip
                        n = demo_quantity(variant_id)
                        if n:
                            await self.uow.stock.change(row.id, quantity=n)
                            await self.uow.stock_movements.add(StockMovement(
                                warehouse_id=warehouse.id, variant_id=variant_id, movement_type="in", quantity=n,
                                change=n, reference_type="demo", notes="demo stock"))  # fmt: skip
                    await self.uow.commit()
                stocked += len(variant_ids)
                if len(variant_ids) < BATCH:
                    return stocked
        finally:
            current_actor.reset(token)
