"""Staff work on bundle deals (`promotions.manage`): a set of variants sold for a price or a percentage off.
Every change is audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.use_cases.common import Revision, checked, flag
from core.platform.audit import audit
from core.promotions.model import (
    BundleDeal,
    BundleItem,
    amount,
    bundle_items,
    currency,
    name,
    optional_moment,
    percent,
)
from core.shared.actor import Actor
from core.shared.errors import FieldError, Invalid, NotFound
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


@attrs.frozen
class NewBundle:
    """`items`: objects with `variant_id` and `quantity` (per set)."""

    actor: Actor
    name: str
    items: list[Any]
    price: str | None = None
    percent: str | None = None
    currency: str = "TRY"
    start_date: datetime | None = None
    end_date: datetime | None = None
    is_active: bool = True


def _percent(v: Any) -> Any:
    return None if v is None else percent(v)


async def _known_variants(uow: UnitOfWork, items: list[BundleItem]) -> None:
    errors = []
    for i, item in enumerate(items):
        try:
            await uow.variants.get(item.variant_id)
        except NotFound:
            errors.append(FieldError(("body", "items", i, "variant_id"), f"no such variant: {item.variant_id}"))
    if errors:
        raise Invalid("the bundle names unknown variants", code="unknown_reference", errors=errors)


def _items_json(items: list[BundleItem]) -> list[dict[str, Any]]:
    return [{"variant_id": str(i.variant_id), "quantity": i.quantity} for i in items]


@attrs.define
class CreateBundle:
    uow: UnitOfWork

    async def __call__(self, cmd: NewBundle) -> BundleDeal:
        money = currency(cmd.currency)
        bundle = BundleDeal(
            name=name(cmd.name), items=bundle_items(cmd.items), currency=money,
            price=None if cmd.price is None else amount("price", cmd.price, money), percent=_percent(cmd.percent),
            start_date=optional_moment("start_date", cmd.start_date),
            end_date=optional_moment("end_date", cmd.end_date), is_active=flag("is_active")(cmd.is_active),
        )  # fmt: skip
        bundle.check()
        async with self.uow:
            await _known_variants(self.uow, bundle.items)
            await self.uow.promotions.add_bundle(bundle)
            await audit(self.uow, cmd.actor, "bundle.create", "bundle_deal", bundle.id,
                        {"name": [None, bundle.name], "items": [None, _items_json(bundle.items)],
                         "price": [None, bundle.price], "percent": [None, bundle.percent]})  # fmt: skip
            await self.uow.commit()
        return bundle


@attrs.define
class ChangeBundle:
    """A PATCH; `items` replaces all the items; sending `price` with `percent: null` (or the other way round)
    switches the kind of deal."""

    uow: UnitOfWork

    async def __call__(self, cmd: Revision) -> BundleDeal:
        values = checked(cmd.changes, {
            "name": name, "items": bundle_items, "price": lambda v: v, "percent": _percent, "currency": currency,
            "start_date": lambda v: optional_moment("start_date", v),
            "end_date": lambda v: optional_moment("end_date", v), "is_active": flag("is_active"),
        })  # fmt: skip
        items = values.pop("items", None)
        async with self.uow:
            bundle = await self.uow.promotions.get_bundle(cmd.target_id)
            if values.get("price") is not None:
                values["price"] = amount("price", values["price"], values.get("currency", bundle.currency))
            changes = bundle.revise(**values)
            if items is not None and items != bundle.items:
                await _known_variants(self.uow, items)
                changes["items"] = [_items_json(bundle.items), _items_json(items)]
                bundle.items = items
                await self.uow.promotions.put_items(bundle)
            await audit(self.uow, cmd.actor, "bundle.update", "bundle_deal", bundle.id, changes)
            await self.uow.commit()
        return bundle


@attrs.define
class DeleteBundle:
    uow: UnitOfWork

    async def __call__(self, actor: Actor, bundle_id: uuid.UUID) -> None:
        async with self.uow:
            bundle = await self.uow.promotions.get_bundle(bundle_id)
            bundle.delete(actor.user_id)
            await audit(self.uow, actor, "bundle.delete", "bundle_deal", bundle.id)
            await self.uow.commit()


@attrs.define
class GetBundle:
    uow: UnitOfWork

    async def __call__(self, bundle_id: uuid.UUID) -> BundleDeal:
        async with self.uow:
            return await self.uow.promotions.get_bundle(bundle_id)


@attrs.define
class ListBundles:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest) -> Page[BundleDeal]:
        async with self.uow:
            return await self.uow.promotions.list_bundles(page)
