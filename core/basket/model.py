"""The basket: a guest's (reached with a secret token) or a user's, its lines, and its life (active, then merged,
abandoned or converted into an order)."""

from __future__ import annotations

import hmac
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

import attrs

from core.accounts.secrets import digest
from core.shared.entity import Entity
from core.shared.errors import Conflict, NotFound
from core.shared.money import Money
from core.shared.time import utcnow

Status = Literal["active", "merged", "abandoned", "converted"]


@attrs.define(slots=False, eq=False, kw_only=True)
class BasketLine:
    """One variant in the basket. `unit_price_at_add` is the price the customer last agreed to: set when the
    line is added and refreshed whenever they change it; pricing shows the difference to today's price."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    basket_id: uuid.UUID | None = None
    variant_id: uuid.UUID
    quantity: int
    unit_price_amount: Decimal
    currency: str
    added_at: datetime = attrs.field(factory=utcnow)

    @classmethod
    def new(cls, basket_id: uuid.UUID, variant_id: uuid.UUID, quantity: int, price: Money, at: datetime) -> BasketLine:
        return cls(basket_id=basket_id, variant_id=variant_id, quantity=quantity, unit_price_amount=price.amount,
                   currency=price.currency, added_at=at)  # fmt: skip

    @property
    def unit_price_at_add(self) -> Money:
        return Money.rounded(self.unit_price_amount, self.currency)

    @unit_price_at_add.setter
    def unit_price_at_add(self, price: Money) -> None:
        self.unit_price_amount, self.currency = price.amount, price.currency


@attrs.define(slots=False, eq=False, kw_only=True)
class Basket(Entity):
    user_id: uuid.UUID | None = None
    token_hash: str | None = None  # guests only: sha256 of the token handed out once at creation
    status: Status = "active"
    currency: str
    lines: list[BasketLine] = attrs.field(factory=list)
    last_activity_at: datetime = attrs.field(factory=utcnow)
    merged_into_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    coupon_codes: list[str] = attrs.field(factory=list)  # normalised codes the customer entered, in order

    def check_access(self, user_id: uuid.UUID | None, token: str | None) -> bool:
        """The owner; for a guest basket, whoever holds its token (compared in constant time)."""
        if self.user_id is not None:
            return user_id is not None and user_id == self.user_id
        if not token or self.token_hash is None:
            return False
        return hmac.compare_digest(digest(token), self.token_hash)

    def require_active(self) -> None:
        if self.status != "active":
            raise Conflict(f"this basket is {self.status}", code="basket_not_active")

    def line(self, line_id: uuid.UUID) -> BasketLine:
        found = next((ln for ln in self.lines if ln.id == line_id), None)
        if found is None:
            raise NotFound(f"no item {line_id} in this basket")
        return found

    def line_of(self, variant_id: uuid.UUID) -> BasketLine | None:
        return next((ln for ln in self.lines if ln.variant_id == variant_id), None)

    def put(self, variant_id: uuid.UUID, quantity: int, price: Money, at: datetime) -> BasketLine:
        """Add `quantity` of a variant: to its line when there is one (its agreed price refreshed), else a new
        line. Limits are the use case's business."""
        self.require_active()
        line = self.line_of(variant_id)
        if line is None:
            line = BasketLine.new(self.id, variant_id, quantity, price, at)
            self.lines.append(line)
        else:
            line.quantity += quantity
            line.unit_price_at_add = price
        self.touch(at)
        return line

    def change(self, line_id: uuid.UUID, quantity: int, price: Money, at: datetime) -> BasketLine:
        self.require_active()
        line = self.line(line_id)
        line.quantity, line.unit_price_at_add = quantity, price
        self.touch(at)
        return line

    def remove(self, line_id: uuid.UUID, at: datetime) -> None:
        self.require_active()
        self.lines.remove(self.line(line_id))
        self.touch(at)

    def add_coupon(self, code: str, at: datetime, *, most: int) -> None:
        """Enter a (normalised, already checked) coupon code; entering it again changes nothing."""
        self.require_active()
        if code in self.coupon_codes:
            return
        if len(self.coupon_codes) >= most:
            raise Conflict(f"a basket takes at most {most} coupon code(s)", code="coupon_limit")
        self.coupon_codes = [*self.coupon_codes, code]  # a new list: the JSON column sees the change
        self.touch(at)

    def remove_coupon(self, code: str, at: datetime) -> None:
        self.require_active()
        if code not in self.coupon_codes:
            raise NotFound(f"the coupon {code} is not in this basket")
        self.coupon_codes = [c for c in self.coupon_codes if c != code]
        self.touch(at)

    def touch(self, at: datetime) -> None:
        """Mark activity. Also what makes a line change update the basket row, so its version guards the lines
        against concurrent writers (the second one gets 409 stale_write, or retries): it always moves on."""
        self.last_activity_at = max(at, self.last_activity_at + timedelta(microseconds=1))

    def take_lines(self, guest: Basket, at: datetime, *, max_lines: int, max_quantity: int) -> None:
        """Merge a guest basket into this one: its quantities added to the lines of the same variant (up to
        `max_quantity`), its other lines added at the price the guest agreed to while there is room for them
        (`max_lines`; what does not fit stays in the merged guest basket). The guest basket becomes merged."""
        self.require_active()
        guest.require_active()
        if guest.currency != self.currency:
            raise Conflict(f"the baskets are in {guest.currency} and {self.currency}", code="currency_mismatch")
        for theirs in guest.lines:
            mine = self.line_of(theirs.variant_id)
            if mine is not None:
                mine.quantity = min(mine.quantity + theirs.quantity, max(mine.quantity, max_quantity))
            elif len(self.lines) < max_lines:
                quantity = min(theirs.quantity, max_quantity)
                self.lines.append(BasketLine.new(self.id, theirs.variant_id, quantity, theirs.unit_price_at_add, at))
        guest.status, guest.merged_into_id = "merged", self.id
        guest.touch(at)
        self.touch(at)

    def adopt(self, user_id: uuid.UUID, at: datetime) -> None:
        """A guest basket becomes the user's (they had no active basket): the token stops working."""
        self.require_active()
        self.user_id, self.token_hash = user_id, None
        self.touch(at)

    def convert(self, order_id: uuid.UUID) -> None:
        """Checked out: active -> converted, once."""
        self.require_active()
        self.status, self.order_id = "converted", order_id
        self.last_activity_at = utcnow()
