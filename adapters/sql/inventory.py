"""SQL repositories of the inventory: warehouses and movements through the mapper; stock rows and
reservations through single conditional statements (never read-modify-write), so racing transactions
cannot spend the same units."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, Literal

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, insert_for, keyset_page
from core.inventory.model import MAX_QUANTITY, Reservation, Stock, StockMovement, Warehouse
from core.shared.actor import current_actor
from core.shared.errors import NotFound
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key
from core.shared.time import utcnow

s = t.stock.c
w = t.warehouses.c
_LIVE_WAREHOUSE = sa.and_(w.is_deleted == sa.false())
_ACTIVE_WAREHOUSE = sa.and_(w.is_active == sa.true(), w.is_deleted == sa.false())


class SqlWarehouses(_Repo):
    model, entity_name = Warehouse, "warehouse"

    async def by_code(self, code: str) -> Warehouse | None:
        return await self._first(sa.select(Warehouse).where(w.code == code))  # type: ignore[no-any-return]

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Warehouse]:
        stmt = sa.select(Warehouse)
        if q:  # few rows, and SQL's lower() does not fold Turkish letters: match the folded text here
            wanted = search_key(q)
            rows = await self.session.execute(sa.select(w.id, w.name, w.code).where(~w.is_deleted))
            stmt = stmt.where(w.id.in_([r.id for r in rows if wanted in search_key(f"{r.name} {r.code}")]))
        return await keyset_page(self.session, stmt, page, [w.created_at, w.id])


def _stock(row: Any) -> Stock:
    m = row._mapping
    cost = None if m["unit_cost_amount"] is None else Money.of(m["unit_cost_amount"], m["unit_cost_currency"])
    return Stock(
        id=m["id"], created_at=m["created_at"], created_by=m["created_by"], updated_at=m["updated_at"],
        updated_by=m["updated_by"], is_active=m["is_active"], is_deleted=m["is_deleted"], data=m["data"],
        version=m["version"], warehouse_id=m["warehouse_id"], variant_id=m["variant_id"], quantity=m["quantity"],
        reserved_quantity=m["reserved_quantity"], minimum_quantity=m["minimum_quantity"],
        maximum_quantity=m["maximum_quantity"], unit_cost=cost, shelf_location=m["shelf_location"],
        last_count_date=m["last_count_date"],
    )  # fmt: skip


def _stamp() -> dict[str, Any]:
    actor = current_actor.get()
    return {"updated_at": utcnow(), "updated_by": actor.user_id if actor else None, "version": s.version + 1}


class SqlStock(_Repo):
    async def get(self, stock_id: uuid.UUID, *, lock: bool = False) -> Stock:
        stmt = sa.select(t.stock).where(s.id == stock_id)
        row = (await self.session.execute(stmt.with_for_update() if lock else stmt)).first()
        if row is None:
            raise NotFound(f"no stock row with id {stock_id}")
        return _stock(row)

    async def holds_units(self, warehouse_id: uuid.UUID) -> bool:
        stmt = sa.select(s.id).where(s.warehouse_id == warehouse_id, s.quantity > 0).limit(1)
        return (await self.session.execute(stmt)).first() is not None

    async def find(self, warehouse_id: uuid.UUID, variant_id: uuid.UUID) -> Stock | None:
        stmt = sa.select(t.stock).where(s.warehouse_id == warehouse_id, s.variant_id == variant_id)
        row = (await self.session.execute(stmt)).first()
        return None if row is None else _stock(row)

    async def create(self, stock: Stock) -> Stock:
        now, actor = utcnow(), current_actor.get()
        by = actor.user_id if actor else None
        await self.session.execute(insert_for(self.session, t.stock).values(
            id=stock.id, created_at=now, created_by=by, updated_at=now, updated_by=by, is_active=True,
            is_deleted=False, data={}, version=1, warehouse_id=stock.warehouse_id, variant_id=stock.variant_id,
            quantity=stock.quantity, reserved_quantity=stock.reserved_quantity,
            minimum_quantity=stock.minimum_quantity, maximum_quantity=stock.maximum_quantity,
            unit_cost_amount=stock.unit_cost.amount if stock.unit_cost else None,
            unit_cost_currency=stock.unit_cost.currency if stock.unit_cost else None,
            shelf_location=stock.shelf_location, last_count_date=stock.last_count_date,
        ).on_conflict_do_nothing(index_elements=["warehouse_id", "variant_id"]))  # fmt: skip
        found = await self.find(stock.warehouse_id, stock.variant_id)
        assert found is not None
        return found

    async def of_variant(self, variant_id: uuid.UUID) -> list[Stock]:
        stmt = (sa.select(t.stock).join(t.warehouses, w.id == s.warehouse_id)
                .where(s.variant_id == variant_id, _LIVE_WAREHOUSE).order_by(w.priority, w.code))  # fmt: skip
        return [_stock(r) for r in await self.session.execute(stmt)]

    async def lock_for(self, variant_ids: Collection[uuid.UUID]) -> list[Stock]:
        stmt = (sa.select(t.stock, w.priority, w.code.label("warehouse_code"))
                .join(t.warehouses, w.id == s.warehouse_id)
                .where(s.variant_id.in_(list(variant_ids)), _ACTIVE_WAREHOUSE)
                .order_by(s.id).with_for_update(of=t.stock))  # fmt: skip
        rows = list(await self.session.execute(stmt))  # locked one by one in id order: the global lock order
        rows.sort(key=lambda r: (r.priority, r.warehouse_code))
        return [_stock(r) for r in rows]

    async def available(self, variant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not variant_ids:
            return {}
        stmt = (sa.select(s.variant_id, sa.func.sum(s.quantity - s.reserved_quantity))
                .join(t.warehouses, w.id == s.warehouse_id)
                .where(s.variant_id.in_(list(variant_ids)), _ACTIVE_WAREHOUSE).group_by(s.variant_id))  # fmt: skip
        return {variant_id: int(total) for variant_id, total in await self.session.execute(stmt)}

    async def change(self, stock_id: uuid.UUID, *, quantity: int = 0, reserved: int = 0) -> Stock | None:
        new_quantity, new_reserved = s.quantity + quantity, s.reserved_quantity + reserved
        stmt = (sa.update(t.stock)
                .where(s.id == stock_id, new_reserved >= 0, new_reserved <= new_quantity,
                       new_quantity <= MAX_QUANTITY)
                .values(quantity=new_quantity, reserved_quantity=new_reserved, **_stamp())
                .returning(*t.stock.c))  # fmt: skip
        row = (await self.session.execute(stmt)).first()
        return None if row is None else _stock(row)

    async def revise(self, stock_id: uuid.UUID, values: dict[str, Any], by: uuid.UUID | None) -> Stock:
        columns = {k: v for k, v in values.items() if k != "unit_cost"}
        if "unit_cost" in values:
            cost: Money | None = values["unit_cost"]
            columns["unit_cost_amount"] = cost.amount if cost else None
            columns["unit_cost_currency"] = cost.currency if cost else None
        stmt = (sa.update(t.stock).where(s.id == stock_id).values(**columns, **{**_stamp(), "updated_by": by})
                .returning(*t.stock.c))  # fmt: skip
        row = (await self.session.execute(stmt)).first()
        if row is None:
            raise NotFound(f"no stock row with id {stock_id}")
        return _stock(row)

    async def unstocked_variants(self, warehouse_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
        v = t.variants.c
        there = sa.select(s.variant_id).where(s.warehouse_id == warehouse_id, s.variant_id == v.id).exists()
        stmt = sa.select(v.id).where(~v.is_deleted, ~there).order_by(v.id).limit(limit)
        return list((await self.session.scalars(stmt)).all())

    async def hold(self, reservations: list[Reservation]) -> None:
        if not reservations:
            return
        now = utcnow()
        await self.session.execute(sa.insert(t.stock_reservations), [
            {"id": r.id, "reference_id": r.reference_id, "stock_id": r.stock_id, "warehouse_id": r.warehouse_id,
             "variant_id": r.variant_id, "quantity": r.quantity, "status": "reserved", "created_at": now,
             "updated_at": now}
            for r in reservations
        ])  # fmt: skip

    async def take(self, reference_id: uuid.UUID, status: Literal["released", "consumed"]) -> list[Reservation]:
        r = t.stock_reservations.c
        stmt = (sa.update(t.stock_reservations).where(r.reference_id == reference_id, r.status == "reserved")
                .values(status=status, updated_at=utcnow())
                .returning(r.id, r.reference_id, r.stock_id, r.warehouse_id, r.variant_id, r.quantity))  # fmt: skip
        return [Reservation(*row) for row in await self.session.execute(stmt)]


class SqlMovements(_Repo):
    model, entity_name = StockMovement, "stock movement"

    async def list(self, page: PageRequest, *, variant_id: uuid.UUID | None = None,
                   warehouse_id: uuid.UUID | None = None) -> Page[StockMovement]:  # fmt: skip
        m = t.stock_movements.c
        stmt = sa.select(StockMovement)
        if variant_id is not None:
            stmt = stmt.where(m.variant_id == variant_id)
        if warehouse_id is not None:
            stmt = stmt.where(m.warehouse_id == warehouse_id)
        return await keyset_page(self.session, stmt, page, [m.created_at, m.id])
