"""Opening, reading and changing a basket: a guest's (with its token) or a user's. Every answer is priced now.

A change locks the basket's row (PostgreSQL) and bumps its version, so concurrent changes to one basket queue
or, where the database cannot lock (SQLite, memory), collide as `stale_write` and are retried here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import attrs

from core.accounts.secrets import new_token
from core.basket import settings as keys
from core.basket.model import Basket
from core.basket.pricing import Offer
from core.basket.views import BasketView
from core.inventory.changes import InsufficientStock
from core.inventory.reservations import available
from core.promotions.apply import Buyer, price
from core.shared.actor import Actor
from core.shared.errors import Conflict, FieldError, Invalid, NotFound
from core.shared.money import Money, check_currency
from core.shared.time import utcnow

if TYPE_CHECKING:
    from ports.services import Clock, RuntimeSettings
    from ports.uow import UnitOfWork

T = TypeVar("T")
TRIES = 3


async def retrying(attempt: Callable[[], Awaitable[T]], codes: tuple[str, ...] = ("stale_write",)) -> T:
    """Run a whole transaction again when it lost a race (409 stale_write by default), up to TRIES times."""
    for n in range(1, TRIES + 1):
        try:
            return await attempt()
        except Conflict as exc:
            if exc.code not in codes or n == TRIES:
                raise
    raise AssertionError("unreachable")


async def reachable(uow: UnitOfWork, basket_id: uuid.UUID, actor: Actor | None, token: str | None, *,
                    for_update: bool = False) -> Basket:  # fmt: skip
    """The basket if the caller may use it: its owner, or whoever holds a guest basket's token. Anything else
    is 404, as for an unknown id."""
    basket = await uow.baskets.get(basket_id, for_update=for_update)
    if basket is None or not basket.check_access(actor.user_id if actor else None, token):
        raise NotFound(f"no basket with id {basket_id}")
    return basket


async def view(uow: UnitOfWork, settings: RuntimeSettings, basket: Basket, token: str | None = None) -> BasketView:
    """The basket priced now with the promotions its owner gets (a guest's e-mail is known only at checkout)."""
    priced = await price(uow, settings, basket, Buyer(basket.user_id), utcnow())
    return BasketView(basket, priced.lines, priced.totals, token, priced.outcome)


def positive(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise Invalid.field("quantity", "must be a whole number of at least 1")
    return quantity


async def within_limit(settings: RuntimeSettings, quantity: int) -> int:
    most = await settings.get(keys.MAX_QUANTITY)
    if quantity > most:
        raise Conflict(f"at most {most} of one item per basket", code="quantity_limit")
    return quantity


async def in_stock(uow: UnitOfWork, variant_id: uuid.UUID, quantity: int) -> None:
    have = (await available(uow, [variant_id]))[variant_id]
    if quantity > have:
        raise InsufficientStock(f"only {have} of variant {variant_id} available",
                                [FieldError(("body", "quantity"), f"only {have} available")])  # fmt: skip


async def sellable(uow: UnitOfWork, variant_id: uuid.UUID, currency: str) -> Money:
    """Today's price of a variant the shop sells in `currency`; 422 naming `variant_id` otherwise."""
    offer: Offer | None = (await uow.baskets.offers([variant_id], currency)).get(variant_id)
    if offer is None or not offer.active:
        raise Invalid("this variant is not for sale", code="variant_unavailable",
                      errors=[FieldError(("body", "variant_id"), "unknown or not for sale")])  # fmt: skip
    if offer.price is None:
        raise Invalid(f"this variant has no price in {currency}", code="no_price",
                      errors=[FieldError(("body", "variant_id"), f"has no price in {currency}")])  # fmt: skip
    return offer.price


async def currencies(settings: RuntimeSettings) -> list[str]:
    return [c.strip().upper() for c in (await settings.get(keys.CURRENCIES)).split(",") if c.strip()] or ["TRY"]


@attrs.frozen
class Open:
    actor: Actor | None
    currency: str | None = None


@attrs.define
class OpenBasket:
    """A new guest basket (its token handed out once), or for a user their active basket, opened if none."""

    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: Open) -> BasketView:
        allowed = await currencies(self.settings)
        currency = check_currency(cmd.currency) if cmd.currency is not None else allowed[0]
        if currency not in allowed:
            raise Invalid.field("currency", f"baskets are kept in {', '.join(allowed)}", code="unsupported_currency")
        user_id = cmd.actor.user_id if cmd.actor else None
        if user_id is None:
            token, digest = new_token()
            return await self._open(Basket(currency=currency, token_hash=digest), token)
        try:
            return await self._mine(user_id, currency)
        except Conflict as exc:  # a concurrent request opened it first: the database kept one
            if exc.code != "basket_exists":
                raise
            return await self._mine(user_id, currency)

    async def _mine(self, user_id: uuid.UUID, currency: str) -> BasketView:
        async with self.uow:
            current = await self.uow.baskets.for_user(user_id)
            if current is not None:
                if current.currency != currency:
                    raise Conflict(f"you have an active basket in {current.currency}", code="basket_exists")
                return await view(self.uow, self.settings, current)
        return await self._open(Basket(currency=currency, user_id=user_id), None)

    async def _open(self, basket: Basket, token: str | None) -> BasketView:
        basket.touch(self.clock.now())
        async with self.uow:
            await self.uow.baskets.add(basket)
            await self.uow.commit()
            return await view(self.uow, self.settings, basket, token)


@attrs.frozen
class Access:
    actor: Actor | None
    basket_id: uuid.UUID
    token: str | None = None


@attrs.define
class ReadBasket:
    uow: UnitOfWork
    settings: RuntimeSettings

    async def __call__(self, cmd: Access) -> BasketView:
        async with self.uow:
            return await view(self.uow, self.settings, await reachable(self.uow, cmd.basket_id, cmd.actor, cmd.token))


@attrs.frozen
class AddItem:
    access: Access
    variant_id: uuid.UUID
    quantity: int


@attrs.define
class AddToBasket:
    """Add units of a variant: to its line when it has one (the line's agreed price refreshed), else a new line.
    Checked against the limits (409 `basket_line_limit`, `quantity_limit`) and the stock (409
    `insufficient_stock`)."""

    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: AddItem) -> BasketView:
        positive(cmd.quantity)
        return await retrying(lambda: self._add(cmd))

    async def _add(self, cmd: AddItem) -> BasketView:
        a = cmd.access
        async with self.uow:
            basket = await reachable(self.uow, a.basket_id, a.actor, a.token, for_update=True)
            basket.require_active()
            price = await sellable(self.uow, cmd.variant_id, basket.currency)
            line = basket.line_of(cmd.variant_id)
            quantity = await within_limit(self.settings, cmd.quantity + (line.quantity if line else 0))
            if line is None and len(basket.lines) >= (most := await self.settings.get(keys.MAX_LINES)):
                raise Conflict(f"a basket holds at most {most} different items", code="basket_line_limit")
            await in_stock(self.uow, cmd.variant_id, quantity)
            basket.put(cmd.variant_id, cmd.quantity, price, self.clock.now())
            await self.uow.commit()
            return await view(self.uow, self.settings, basket)


@attrs.frozen
class ChangeItem:
    access: Access
    item_id: uuid.UUID
    quantity: int


@attrs.define
class ChangeBasketItem:
    """Set a line's quantity; the line's agreed price becomes today's (the customer saw it). More units are
    checked against the limit and the stock; fewer always pass."""

    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: ChangeItem) -> BasketView:
        positive(cmd.quantity)
        return await retrying(lambda: self._change(cmd))

    async def _change(self, cmd: ChangeItem) -> BasketView:
        a = cmd.access
        async with self.uow:
            basket = await reachable(self.uow, a.basket_id, a.actor, a.token, for_update=True)
            basket.require_active()
            line = basket.line(cmd.item_id)
            try:
                price = await sellable(self.uow, line.variant_id, basket.currency)
            except Invalid:
                if cmd.quantity > line.quantity:
                    raise
                price = line.unit_price_at_add  # fewer of what is no longer sold: allowed, nothing to agree to
            if cmd.quantity > line.quantity:
                await within_limit(self.settings, cmd.quantity)
                await in_stock(self.uow, line.variant_id, cmd.quantity)
            basket.change(cmd.item_id, cmd.quantity, price, self.clock.now())
            await self.uow.commit()
            return await view(self.uow, self.settings, basket)


@attrs.frozen
class RemoveItem:
    access: Access
    item_id: uuid.UUID


@attrs.define
class RemoveBasketItem:
    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: RemoveItem) -> BasketView:
        return await retrying(lambda: self._remove(cmd))

    async def _remove(self, cmd: RemoveItem) -> BasketView:
        a = cmd.access
        async with self.uow:
            basket = await reachable(self.uow, a.basket_id, a.actor, a.token, for_update=True)
            basket.remove(cmd.item_id, self.clock.now())
            await self.uow.commit()
            return await view(self.uow, self.settings, basket)
