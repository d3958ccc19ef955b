"""Staff work on standalone discounts (`promotions.manage`). Every change is audited in its transaction, and
announced as `catalog.changed` (entity "discount") with the catalog cache bumped after commit, so the
storefront shows it on the next read. A discount starting or ending later shows once cached reads expire
(the catalog cache's TTL, 300 s by default)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.events import CatalogChanged
from core.catalog.use_cases.common import CatalogCache, Revision, checked, flag
from core.platform.audit import audit
from core.promotions.discounts import TARGET_TYPES, Discount, choice
from core.promotions.model import DISCOUNT_TYPES, currency, name
from core.shared.actor import Actor
from core.shared.errors import FieldError, Invalid, NotFound
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.services import Clock
    from ports.uow import UnitOfWork


@attrs.frozen
class NewDiscount:
    actor: Actor
    name: str
    target_type: str
    target_id: uuid.UUID
    discount_type: str
    value: Any  # a decimal (string): percent or amount
    currency: str = "TRY"
    start_date: datetime | None = None  # now when not given
    end_date: datetime | None = None  # open-ended when not given
    is_active: bool = True


def _target_type(v: Any) -> str:
    return choice("target_type", v, TARGET_TYPES)


def _discount_type(v: Any) -> str:
    return choice("discount_type", v, DISCOUNT_TYPES)


def _target_id(v: Any) -> uuid.UUID:
    if not isinstance(v, uuid.UUID):
        raise Invalid.field("target_id", "must be an id")
    return v


def _moment(field: str, *, optional: bool = False) -> Any:
    def check(v: Any) -> datetime | None:
        if v is None and optional:
            return None
        if not isinstance(v, datetime) or v.tzinfo is None:
            raise Invalid.field(field, "a date-time with an offset")
        return v

    return check


async def _check_target(uow: UnitOfWork, target_type: str, target_id: uuid.UUID) -> None:
    """The target must be a live catalog item of its type: a 422 naming `target_id` otherwise."""
    repos: dict[str, Any] = {"product": uow.products, "variant": uow.variants, "category": uow.categories,
                             "brand": uow.brands}  # fmt: skip
    try:
        await repos[target_type].get(target_id)
    except NotFound:
        raise Invalid.field("target_id", f"no {target_type} with id {target_id}", code="unknown_reference") from None


def _changed(uow: UnitOfWork, discount: Discount, action: str) -> None:
    uow.emit(CatalogChanged(entity="discount", entity_id=discount.id, action=action))


@attrs.define
class CreateDiscount:
    uow: UnitOfWork
    clock: Clock
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewDiscount) -> Discount:
        discount = Discount(
            name=name(cmd.name), target_type=_target_type(cmd.target_type), target_id=_target_id(cmd.target_id),
            discount_type=_discount_type(cmd.discount_type), value=cmd.value, currency=currency(cmd.currency),
            start_date=_moment("start_date")(cmd.start_date or self.clock.now()),
            end_date=_moment("end_date", optional=True)(cmd.end_date), is_active=flag("is_active")(cmd.is_active),
        )  # fmt: skip
        discount.check()
        async with self.uow:
            await _check_target(self.uow, discount.target_type, discount.target_id)
            await self.uow.discounts.add(discount)
            _changed(self.uow, discount, "created")
            await audit(self.uow, cmd.actor, "discount.create", "discount", discount.id, {
                "target": [None, f"{discount.target_type}:{discount.target_id}"],
                "value": [None, f"{discount.value} {discount.discount_type}"]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return discount


@attrs.define
class ChangeDiscount:
    """A PATCH; a changed target (or target type) must exist, and the rules across fields hold afterwards."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: Revision) -> Discount:
        values = checked(cmd.changes, {
            "name": name, "target_type": _target_type, "target_id": _target_id, "discount_type": _discount_type,
            "value": lambda v: v, "currency": currency, "start_date": _moment("start_date"),
            "end_date": _moment("end_date", optional=True), "is_active": flag("is_active"),
        })  # fmt: skip
        async with self.uow:
            discount = await self.uow.discounts.get(cmd.target_id)
            changes = discount.revise(**values)
            if {"target_type", "target_id"} & set(changes):
                await _check_target(self.uow, discount.target_type, discount.target_id)
            if changes:
                _changed(self.uow, discount, "updated")
            await audit(self.uow, cmd.actor, "discount.update", "discount", discount.id, changes)
            await self.uow.commit()
        await self.catalog_cache.bump()
        return discount


@attrs.define
class DeleteDiscount:
    """Soft delete: the price goes back to the catalog's at once."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, actor: Actor, discount_id: uuid.UUID) -> None:
        async with self.uow:
            discount = await self.uow.discounts.get(discount_id)
            discount.delete(actor.user_id)
            _changed(self.uow, discount, "deleted")
            await audit(self.uow, actor, "discount.delete", "discount", discount.id)
            await self.uow.commit()
        await self.catalog_cache.bump()


@attrs.define
class GetDiscount:
    uow: UnitOfWork

    async def __call__(self, discount_id: uuid.UUID) -> Discount:
        async with self.uow:
            return await self.uow.discounts.get(discount_id)


@attrs.define
class ListDiscounts:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, *, target_type: str | None = None,
                       target_id: uuid.UUID | None = None) -> Page[Discount]:  # fmt: skip
        if target_type is not None and target_type not in TARGET_TYPES:
            raise Invalid("unknown target_type", errors=[FieldError(("query", "target_type"),
                                                                    "one of " + ", ".join(TARGET_TYPES))])  # fmt: skip
        async with self.uow:
            return await self.uow.discounts.list(page, target_type=target_type, target_id=target_id)
