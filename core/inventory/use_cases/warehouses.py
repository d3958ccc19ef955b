"""Staff work on warehouses: create, read, change, delete (soft; only when nothing lies there)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.model import code, text
from core.catalog.use_cases.common import Revision, checked, flag, integer
from core.inventory.model import Warehouse
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


def _name(v: Any) -> str:
    return text("name", v, 200, required=True)


def _address(v: Any) -> str:
    return text("address", v, 1000)


def _manager(v: Any) -> str:
    return text("manager", v, 200)


def _optional(name: str, max_length: int) -> Any:
    def check(v: Any) -> str | None:
        return None if v is None else (text(name, v, max_length) or None)

    return check


def _email(v: Any) -> str | None:
    value = _optional("email", 254)(v)
    if value is not None and ("@" not in value or " " in value):
        raise Invalid.field("email", "must be an e-mail address")
    return value


def _capacity(name: str) -> Any:
    def check(v: Any) -> int | None:
        if v is None:
            return None
        value: int = integer(name)(v)
        if value < 0:
            raise Invalid.field(name, "must not be negative")
        return value

    return check


async def _unique_code(uow: UnitOfWork, value: str, current: uuid.UUID | None = None) -> None:
    found = await uow.warehouses.by_code(value)
    if found is not None and found.id != current:
        raise Conflict(f"code {value!r} is taken", code="duplicate_code")


CHECKS = {
    "name": _name, "code": code, "address": _address, "phone": _optional("phone", 30), "email": _email,
    "manager": _manager, "priority": integer("priority"), "storage_capacity": _capacity("storage_capacity"),
    "current_capacity": _capacity("current_capacity"),
}  # fmt: skip


@attrs.frozen
class NewWarehouse:
    actor: Actor
    name: str
    code: str
    address: str = ""
    phone: str | None = None
    email: str | None = None
    manager: str = ""
    priority: int = 0
    storage_capacity: int | None = None
    current_capacity: int | None = None
    is_active: bool = True


@attrs.define
class CreateWarehouse:
    uow: UnitOfWork

    async def __call__(self, cmd: NewWarehouse) -> Warehouse:
        values = {name: check(getattr(cmd, name)) for name, check in CHECKS.items()}
        async with self.uow:
            await _unique_code(self.uow, values["code"])
            warehouse = Warehouse(**values, is_active=flag("is_active")(cmd.is_active))
            await self.uow.warehouses.add(warehouse)
            await audit(self.uow, cmd.actor, "warehouse.create", "warehouse", warehouse.id,
                        {"code": [None, warehouse.code]})  # fmt: skip
            await self.uow.commit()
        return warehouse


@attrs.define
class ChangeWarehouse:
    uow: UnitOfWork

    async def __call__(self, cmd: Revision) -> Warehouse:
        values = checked(cmd.changes, {**CHECKS, "is_active": flag("is_active")})
        async with self.uow:
            warehouse = await self.uow.warehouses.get(cmd.target_id)
            if "code" in values:
                await _unique_code(self.uow, values["code"], warehouse.id)
            changes = warehouse.revise(**values)
            await audit(self.uow, cmd.actor, "warehouse.update", "warehouse", warehouse.id, changes)
            await self.uow.commit()
        return warehouse


@attrs.define
class DeleteWarehouse:
    """A warehouse still holding units cannot go (409 `warehouse_not_empty`): move them out first."""

    uow: UnitOfWork

    async def __call__(self, actor: Actor, warehouse_id: uuid.UUID) -> None:
        async with self.uow:
            warehouse = await self.uow.warehouses.get(warehouse_id)
            if await self.uow.stock.holds_units(warehouse.id):
                raise Conflict("move or count out its stock first", code="warehouse_not_empty")
            warehouse.delete(actor.user_id)
            await audit(self.uow, actor, "warehouse.delete", "warehouse", warehouse.id)
            await self.uow.commit()


@attrs.define
class GetWarehouse:
    uow: UnitOfWork

    async def __call__(self, warehouse_id: uuid.UUID) -> Warehouse:
        async with self.uow:
            return await self.uow.warehouses.get(warehouse_id)


@attrs.define
class ListWarehouses:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, q: str | None = None) -> Page[Warehouse]:
        async with self.uow:
            return await self.uow.warehouses.list(page, q=q)
