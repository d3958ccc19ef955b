"""Checkout: a basket becomes an order in one transaction — priced by the server, stock reserved, basket
converted, `order.placed` written to the outbox. Any failure leaves nothing behind."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from core.accounts.secrets import new_token
from core.accounts.values import normalize_email
from core.address.places import resolve_place
from core.basket import settings as basket_keys
from core.basket.pricing import PricedLine, Totals, discounted, split_tax, totals_of
from core.inventory.reservations import reserve_stock
from core.ordering.model import LANGUAGES, Order, OrderLine, number_for
from core.ordering.settings import DELIVERY_DAYS
from core.payments.methods import usable_method
from core.promotions.apply import Buyer, applied_json, price
from core.promotions.engine import spread
from core.promotions.redeem import redeem
from core.rewards.ledger import max_spendable, points_value, spend_points
from core.shared.actor import Actor
from core.shared.errors import Conflict, FieldError, Invalid, NotFound
from core.shared.money import Money

if TYPE_CHECKING:
    from ports.services import Clock, PhoneNumbers, RuntimeSettings
    from ports.uow import UnitOfWork


@attrs.frozen
class InlineAddress:
    recipient_name: str
    phone: str
    country: str
    city: str
    line: str
    township: str | None = None
    district: str | None = None
    postal_code: str | None = None


@attrs.frozen
class PlaceOrder:
    actor: Actor | None
    basket_id: uuid.UUID
    payment_method: str
    basket_token: str | None = None
    email: str | None = None
    shipping_address_id: uuid.UUID | None = None
    shipping_address: InlineAddress | None = None
    billing_address_id: uuid.UUID | None = None
    billing_address: InlineAddress | None = None
    language: str = "tr"
    notes: str = ""
    reward_points: int = 0  # points to pay with (a signed-in customer's; up to rewards.max_spend_share)


@attrs.frozen
class Placed:
    order: Order
    access_token: str | None  # a guest's key to the order, handed out once


def _fail(field: str, msg: str, *, code: str | None = None, sub: str | None = None) -> Invalid:
    loc: tuple[str, ...] = ("body", field) if sub is None else ("body", field, sub)
    return Invalid(f"{'.'.join(loc[1:])}: {msg}", code=code, errors=[FieldError(loc, msg)])


def _text(field: str, sub: str, value: Any, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, "must not be empty", sub=sub)
    if len(value.strip()) > max_length:
        raise _fail(field, f"must be at most {max_length} characters", sub=sub)
    return " ".join(value.split()) if sub != "line" else value.strip()


@attrs.define
class Checkout:
    uow: UnitOfWork
    settings: RuntimeSettings
    phones: PhoneNumbers
    clock: Clock

    async def __call__(self, cmd: PlaceOrder) -> Placed:
        user_id = cmd.actor.user_id if cmd.actor is not None else None
        if cmd.language not in LANGUAGES:
            raise _fail("language", "one of tr, en")
        if len(cmd.notes) > 1000:
            raise _fail("notes", "must be at most 1000 characters")
        self._check_address_choice(cmd, user_id)
        if isinstance(cmd.reward_points, bool) or not isinstance(cmd.reward_points, int) or cmd.reward_points < 0:
            raise _fail("reward_points", "must be a whole number of at least 0")
        if cmd.reward_points and user_id is None:
            raise _fail("reward_points", "sign in to pay with reward points")
        email = normalize_email(cmd.email) if cmd.email is not None else None
        delivery_days = await self.settings.get(DELIVERY_DAYS)
        now = self.clock.now()
        async with self.uow:
            basket = await self.uow.baskets.get(cmd.basket_id, for_update=True)  # one checkout per basket at a time
            if basket is None or not basket.check_access(user_id, cmd.basket_token):
                raise NotFound(f"no basket with id {cmd.basket_id}")
            basket.require_active()
            if user_id is not None:
                email = (await self.uow.accounts.get(user_id)).email
            elif email is None:
                raise _fail("email", "a guest checkout needs an e-mail address", code="email_required")
            buyer = Buyer(user_id, email)
            priced = await price(self.uow, self.settings, basket, buyer, now)
            lines, totals = priced.lines, priced.totals
            if not lines:
                raise Conflict("the basket is empty", code="basket_empty")
            gone = [line for line in lines if not line.purchasable]
            if gone:
                raise Conflict("no longer on sale: " + ", ".join(str(line.variant_id) for line in gone),
                               code="item_unavailable")  # fmt: skip
            got = applied_json(priced.outcome)
            if cmd.reward_points:
                lines, totals, value = await self._pay_with_points(lines, totals, cmd.reward_points, basket.currency)
                got.append({"kind": "rewards", "id": None, "name": f"{cmd.reward_points} points", "coupon_code": None,
                            "amount": str(value.amount)})  # fmt: skip
            await usable_method(self.uow, cmd.payment_method, totals.total)
            shipping = await self._address(user_id, "shipping_address", cmd.shipping_address_id, cmd.shipping_address)
            billing = shipping
            if cmd.billing_address_id is not None or cmd.billing_address is not None:
                billing = await self._address(user_id, "billing_address", cmd.billing_address_id, cmd.billing_address)
            token, token_digest = new_token() if user_id is None else (None, None)
            order = Order(
                number=number_for(now.year, await self.uow.orders.next_number()), user_id=user_id, email=email,
                language=cmd.language, currency=basket.currency, subtotal_amount=totals.subtotal.amount,
                discount_amount=totals.discount.amount, shipping_amount=totals.shipping.amount,
                tax_amount=totals.tax.amount, total_amount=totals.total.amount,
                tax_lines=[{"rate": str(t.rate), "amount": str(t.amount.amount)} for t in totals.tax_lines],
                shipping_address=shipping, billing_address=billing, payment_method=cmd.payment_method,
                basket_id=basket.id, access_token_hash=token_digest,
                estimated_delivery_date=(now + timedelta(days=delivery_days)).date(), notes=cmd.notes.strip(),
                promotions=got, reward_points=cmd.reward_points,
            )  # fmt: skip
            split = split_tax(lines, totals.shipping, await self.settings.get(basket_keys.SHIPPING_TAX_RATE))
            order.lines = [_line(order.id, i, line, split.per_line[line.line_id]) for i, line in enumerate(lines)]
            order.placed(now, user_id)
            await self.uow.orders.add(order)
            await reserve_stock(self.uow, order.id, [(line.variant_id, line.quantity) for line in lines])
            await redeem(self.uow, priced, order.id, basket.currency, buyer, now)
            if cmd.reward_points:
                assert user_id is not None
                await spend_points(self.uow, user_id, cmd.reward_points, order.id, now)
            basket.convert(order.id)
            await self.uow.commit()
        return Placed(order, token)

    async def _pay_with_points(self, lines: list[PricedLine], totals: Totals, points: int,
                               currency: str) -> tuple[list[PricedLine], Totals, Money]:  # fmt: skip
        """Points as a discount on the goods, spread over the lines like any order discount; shipping stays as
        the promotions left it (points never make it chargeable again)."""
        goods = totals.subtotal - totals.discount
        if await max_spendable(self.settings, points, goods) < points:
            raise Conflict("that many points pay more of the order than the shop allows", code="points_limit")
        value = await points_value(self.settings, points, currency)
        sold = [ln for ln in lines if ln.purchasable]
        shares = spread(value, [(ln.line_id, ln.total_price) for ln in sold])
        lines = [discounted(ln, ln.discount_amount + shares[ln.line_id]) if ln.line_id in shares else ln
                 for ln in lines]  # fmt: skip
        totals = await totals_of(self.settings, lines, currency, free_shipping=totals.shipping.is_zero)
        return lines, totals, value

    @staticmethod
    def _check_address_choice(cmd: PlaceOrder, user_id: uuid.UUID | None) -> None:
        for kind, by_id, inline, required in (
            ("shipping_address", cmd.shipping_address_id, cmd.shipping_address, True),
            ("billing_address", cmd.billing_address_id, cmd.billing_address, False),
        ):
            if by_id is not None and inline is not None:
                raise _fail(kind, f"send {kind} or {kind}_id, not both")
            if required and by_id is None and inline is None:
                raise _fail(kind, f"send {kind} (an address) or {kind}_id (one of yours)")
            if by_id is not None and user_id is None:
                raise _fail(f"{kind}_id", "a guest has no address book: send the address itself")

    async def _address(self, user_id: uuid.UUID | None, kind: str, address_id: uuid.UUID | None,
                       inline: InlineAddress | None) -> dict[str, Any]:  # fmt: skip
        """A copy of the address as the order keeps it (ids and names of its places)."""
        if address_id is not None:
            try:
                saved = await self.uow.addresses.get(address_id)
            except NotFound:
                saved = None
            if saved is None or saved.owner_id != user_id:
                raise _fail(f"{kind}_id", "not one of your addresses", code="unknown_address")
            return {"recipient_name": saved.recipient_name, "phone": saved.phone, "country": saved.country,
                    "city_id": _str(saved.city_id), "city": saved.city, "township_id": _str(saved.township_id),
                    "township": saved.township, "district_id": _str(saved.district_id), "district": saved.district,
                    "postal_code": saved.postal_code, "line": saved.line}  # fmt: skip
        assert inline is not None
        name = _text(kind, "recipient_name", inline.recipient_name, 200)
        line = _text(kind, "line", inline.line, 500)
        try:
            phone = self.phones.normalize(_text(kind, "phone", inline.phone, 40))
        except Invalid as exc:
            raise _fail(kind, exc.errors[0].msg if exc.errors else exc.detail, sub="phone") from None
        place = await resolve_place(self.uow, country=inline.country, city=inline.city, township=inline.township,
                                    district=inline.district, postal_code=inline.postal_code,
                                    loc=("body", kind))  # fmt: skip
        return {"recipient_name": name, "phone": phone, "country": place.country, "city_id": _str(place.city_id),
                "city": place.city, "township_id": _str(place.township_id), "township": place.township,
                "district_id": _str(place.district_id), "district": place.district,
                "postal_code": place.postal_code, "line": line}  # fmt: skip


def _line(order_id: uuid.UUID, position: int, priced: PricedLine, tax: Money) -> OrderLine:
    """The order's copy of a priced line, names as the catalog had them (read with the prices)."""
    return OrderLine(
        order_id=order_id, position=position, variant_id=priced.variant_id, product_id=priced.product_id,
        product_name=priced.product_name[:200], variant_name=priced.variant_name[:200], sku=priced.sku[:64],
        quantity=priced.quantity, unit_price=priced.unit_price.amount, total_price=priced.total_price.amount,
        discount_amount=priced.discount_amount.amount, tax_rate=priced.tax_rate,
        tax_amount=tax.amount,
    )  # fmt: skip


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
