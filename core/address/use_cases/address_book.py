"""A customer's address book: addresses whose place parts belong together, and one default shipping and one
default billing address."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.address.model import Address
from core.address.places import resolve_place
from core.address.settings import ADDRESSES_PER_USER
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid, NotFound

if TYPE_CHECKING:
    from ports.services import PhoneNumbers, RuntimeSettings
    from ports.uow import UnitOfWork

PLACE_FIELDS = ("country", "city", "township", "district", "postal_code")
"""From the widest to the narrowest: changing one level forgets the narrower levels the change does not give."""


def _text(name: str, value: Any, max_length: int, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid.field(name, "must be a string")
    stripped = " ".join(value.split()) if name != "line" else value.strip()
    if required and not stripped:
        raise Invalid.field(name, "must not be empty")
    if len(stripped) > max_length:
        raise Invalid.field(name, f"must be at most {max_length} characters")
    return stripped


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid.field(name, "must be true or false")
    return value


@attrs.frozen
class AddressFields:
    """What a customer gives for an address. city, township and district are ids or names."""

    title: str
    recipient_name: str
    phone: str
    country: str
    city: str
    line: str
    township: str | None = None
    district: str | None = None
    postal_code: str | None = None
    description: str = ""
    is_default_shipping: bool = False
    is_default_billing: bool = False


@attrs.frozen
class NewAddress:
    actor: Actor
    fields: AddressFields


@attrs.frozen
class AddressChange:
    """A PATCH: the fields sent, by name (null included)."""

    actor: Actor
    address_id: uuid.UUID
    changes: dict[str, Any]


def _owner(actor: Actor) -> uuid.UUID:
    assert actor.user_id is not None, "the routes require a logged-in customer"
    return actor.user_id


async def _mine(uow: UnitOfWork, actor: Actor, address_id: uuid.UUID) -> Address:
    """The actor's live address; someone else's is as unknown as a missing one."""
    address = await uow.addresses.get(address_id)
    if address.owner_id != _owner(actor):
        raise NotFound(f"no address with id {address_id}")
    return address


async def _make_default(uow: UnitOfWork, address: Address, *, shipping: bool, billing: bool) -> None:
    """Make `address` the owner's default of each kind asked, clearing the previous one first in this
    transaction (the database's partial unique index refuses a second default if a concurrent request won)."""
    if not shipping and not billing:
        return
    cleared = False
    for other in await uow.addresses.of_owner(address.owner_id):
        if other.id == address.id:
            continue
        if shipping and other.is_default_shipping:
            other.is_default_shipping, cleared = False, True
        if billing and other.is_default_billing:
            other.is_default_billing, cleared = False, True
    if cleared:
        await uow.addresses.flush()
    address.is_default_shipping = address.is_default_shipping or shipping
    address.is_default_billing = address.is_default_billing or billing


@attrs.define
class CreateAddress:
    uow: UnitOfWork
    phones: PhoneNumbers
    settings: RuntimeSettings

    async def __call__(self, cmd: NewAddress) -> Address:
        f = cmd.fields
        owner = _owner(cmd.actor)
        values: dict[str, Any] = {
            "title": _text("title", f.title, 100, required=True),
            "recipient_name": _text("recipient_name", f.recipient_name, 200, required=True),
            "phone": self.phones.normalize(_text("phone", f.phone, 40, required=True)),
            "line": _text("line", f.line, 500, required=True),
            "description": _text("description", f.description, 500),
        }
        shipping, billing = (
            _flag("is_default_shipping", f.is_default_shipping),
            _flag("is_default_billing", f.is_default_billing),
        )
        limit = await self.settings.get(ADDRESSES_PER_USER)
        async with self.uow:
            place = await resolve_place(self.uow, country=f.country, city=f.city, township=f.township,
                                        district=f.district, postal_code=f.postal_code)  # fmt: skip
            count = await self.uow.addresses.count_of_owner(owner)
            if count >= limit:
                raise Conflict(f"an address book holds at most {limit} addresses", code="address_limit")
            address = Address(owner_id=owner, **values, **attrs.asdict(place))
            first = count == 0
            await _make_default(self.uow, address, shipping=shipping or first, billing=billing or first)
            await self.uow.addresses.add(address)
            await self.uow.commit()
        return address


@attrs.define
class ChangeAddress:
    uow: UnitOfWork
    phones: PhoneNumbers

    async def __call__(self, cmd: AddressChange) -> Address:
        changes = dict(cmd.changes)
        checks = {"title": 100, "recipient_name": 200, "line": 500}
        values: dict[str, Any] = {
            n: _text(n, changes[n], size, required=True) for n, size in checks.items() if n in changes
        }
        if "description" in changes:
            values["description"] = _text("description", changes["description"], 500)
        if "phone" in changes:
            values["phone"] = self.phones.normalize(_text("phone", changes["phone"], 40, required=True))
        defaults = {n: _flag(n, changes[n]) for n in ("is_default_shipping", "is_default_billing") if n in changes}
        async with self.uow:
            address = await _mine(self.uow, cmd.actor, cmd.address_id)
            sent = [n for n in PLACE_FIELDS if n in changes]
            if sent:
                widest = PLACE_FIELDS.index(sent[0])
                stored = {"country": address.country, "city": str(address.city_id or address.city),
                          "township": str(address.township_id or address.township) or None,
                          "district": str(address.district_id or address.district or "") or None,
                          "postal_code": address.postal_code}  # fmt: skip
                given: dict[str, Any] = {n: changes[n] if n in changes else (stored[n] if i < widest else None)
                         for i, n in enumerate(PLACE_FIELDS)}  # fmt: skip
                place = await resolve_place(self.uow, **given)
                values.update(attrs.asdict(place))
            for name, value in values.items():
                setattr(address, name, value)
            await _make_default(self.uow, address, shipping=defaults.get("is_default_shipping") is True,
                                billing=defaults.get("is_default_billing") is True)  # fmt: skip
            if defaults.get("is_default_shipping") is False:
                address.is_default_shipping = False
            if defaults.get("is_default_billing") is False:
                address.is_default_billing = False
            await self.uow.commit()
        return address


@attrs.define
class GetAddress:
    uow: UnitOfWork

    async def __call__(self, actor: Actor, address_id: uuid.UUID) -> Address:
        async with self.uow:
            return await _mine(self.uow, actor, address_id)


@attrs.define
class ListAddresses:
    uow: UnitOfWork

    async def __call__(self, actor: Actor) -> list[Address]:
        async with self.uow:
            return await self.uow.addresses.of_owner(_owner(actor))


@attrs.define
class DeleteAddress:
    """Soft delete; a deleted default leaves the owner without a default of that kind until one is chosen."""

    uow: UnitOfWork

    async def __call__(self, actor: Actor, address_id: uuid.UUID) -> None:
        async with self.uow:
            address = await _mine(self.uow, actor, address_id)
            address.delete(actor.user_id)
            await self.uow.commit()
