"""A logged-in customer's address book: `/api/v1/me/addresses`."""

from __future__ import annotations

import uuid
from datetime import datetime

import attrs

from core.address.model import Address
from core.address.use_cases.address_book import (
    AddressChange,
    AddressFields,
    ChangeAddress,
    CreateAddress,
    DeleteAddress,
    GetAddress,
    ListAddresses,
    NewAddress,
)
from entrypoints.http.api import Ctx, Items, Routes
from entrypoints.http.routes.catalog import changes

routes = Routes("me: addresses")
MINE = "/api/v1/me/addresses"


@attrs.frozen
class AddressIn:
    """For Turkey (`country: "TR"`) `city`, `township` (required) and `district` (optional) are ids from the
    geo lookups, or names; a city also by plate code. Other countries: free text. `postal_code` must be the
    district's and is filled from it when absent. `phone` is stored in E.164 form."""

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
class AddressPatch:
    """Send only what changes. Changing a place level (country, city, township, district) forgets the narrower
    levels not sent with it; `is_default_*: true` moves that default here from another address."""

    title: str | None = None
    recipient_name: str | None = None
    phone: str | None = None
    country: str | None = None
    city: str | None = None
    township: str | None = None
    district: str | None = None
    postal_code: str | None = None
    line: str | None = None
    description: str | None = None
    is_default_shipping: bool | None = None
    is_default_billing: bool | None = None


@attrs.frozen
class AddressOut:
    id: uuid.UUID
    title: str
    recipient_name: str
    phone: str
    country: str
    city_id: uuid.UUID | None
    city_name: str
    township_id: uuid.UUID | None
    township_name: str
    district_id: uuid.UUID | None
    district_name: str | None
    postal_code: str | None
    line: str
    description: str
    is_default_shipping: bool
    is_default_billing: bool
    created_at: datetime
    updated_at: datetime


def address_out(a: Address) -> AddressOut:
    return AddressOut(a.id, a.title, a.recipient_name, a.phone, a.country, a.city_id, a.city, a.township_id,
                      a.township, a.district_id, a.district, a.postal_code, a.line, a.description,
                      a.is_default_shipping, a.is_default_billing, a.created_at, a.updated_at)  # fmt: skip


@routes.get(MINE, response=Items[AddressOut])
async def list_addresses(ctx: Ctx) -> Items[AddressOut]:
    """My addresses, oldest first."""
    return Items([address_out(a) for a in await ctx.use(ListAddresses)(ctx.me)])


@routes.post(MINE, body=AddressIn, response=AddressOut, status=201, errors=(409,))
async def create_address(ctx: Ctx) -> AddressOut:
    """Add an address; the first one becomes the default shipping and billing address. More than the
    `address.max_per_user` runtime setting allows is 409 `address_limit`."""
    b: AddressIn = ctx.body
    fields = AddressFields(b.title, b.recipient_name, b.phone, b.country, b.city, b.line, b.township, b.district,
                           b.postal_code, b.description, b.is_default_shipping, b.is_default_billing)  # fmt: skip
    return address_out(await ctx.use(CreateAddress)(NewAddress(ctx.me, fields)))


@routes.get(f"{MINE}/{{address_id:uuid}}", response=AddressOut, errors=(404,))
async def get_address(ctx: Ctx) -> AddressOut:
    """One of my addresses."""
    return address_out(await ctx.use(GetAddress)(ctx.me, ctx.params["address_id"]))


@routes.patch(f"{MINE}/{{address_id:uuid}}", body=AddressPatch, response=AddressOut, errors=(404, 409))
async def change_address(ctx: Ctx) -> AddressOut:
    """Change one of my addresses."""
    cmd = AddressChange(ctx.me, ctx.params["address_id"], changes(ctx))
    return address_out(await ctx.use(ChangeAddress)(cmd))


@routes.delete(f"{MINE}/{{address_id:uuid}}", status=204, errors=(404,))
async def delete_address(ctx: Ctx) -> None:
    """Delete one of my addresses."""
    await ctx.use(DeleteAddress)(ctx.me, ctx.params["address_id"])
