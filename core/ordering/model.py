"""The Order aggregate: what was bought at which prices, where it goes, and the status it moves through.

Prices, addresses and names are copies taken at checkout: later catalog or address-book changes leave an order
as it was placed.
"""

from __future__ import annotations

import hmac
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import attrs

from core.accounts.secrets import digest as token_hash
from core.basket.pricing import money_json as money_json  # re-exported (payments uses it)
from core.ordering import events
from core.shared.entity import Entity
from core.shared.errors import Conflict
from core.shared.money import CurrencyMismatch, Money

Status = Literal["pending", "confirmed", "processing", "shipped", "delivered", "cancelled"]
STATUSES: tuple[str, ...] = ("pending", "confirmed", "processing", "shipped", "delivered", "cancelled")
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"confirmed", "cancelled"}),
    "confirmed": frozenset({"processing", "cancelled"}),
    "processing": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset(),
    "cancelled": frozenset(),
}
"""pending → confirmed → processing → shipped → delivered; pending, confirmed and processing may be cancelled."""
LANGUAGES = ("tr", "en")


def number_for(year: int, sequence: int) -> str:
    """The human-friendly order number: `CRS-2026-000123` (more digits once a shop passes a million orders)."""
    return f"CRS-{year}-{sequence:06d}"


@attrs.define(slots=False, eq=False, kw_only=True)
class OrderLine:
    """One bought variant, with the names, code and prices it had when the order was placed (tax included)."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    order_id: uuid.UUID | None = None
    position: int = 0
    variant_id: uuid.UUID
    product_id: uuid.UUID | None = None
    product_name: str
    variant_name: str
    sku: str
    quantity: int
    unit_price: Decimal
    total_price: Decimal  # unit_price * quantity - discount_amount
    discount_amount: Decimal = Decimal(0)
    tax_rate: Decimal
    tax_amount: Decimal  # its share of the KDV its rate contains (shares add up to the order's tax lines)


@attrs.define(slots=False, eq=False, kw_only=True)
class StatusChange:
    """One step of an order's history: who moved it from which status to which, and when."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    order_id: uuid.UUID | None = None
    from_status: str | None
    to_status: str
    changed_by: uuid.UUID | None
    changed_at: datetime
    note: str = ""


@attrs.define(slots=False, eq=False, kw_only=True)
class Order(Entity):
    number: str
    user_id: uuid.UUID | None
    email: str | None
    language: str = "tr"
    status: str = "pending"
    currency: str
    subtotal_amount: Decimal
    discount_amount: Decimal = Decimal(0)
    shipping_amount: Decimal = Decimal(0)
    tax_amount: Decimal
    total_amount: Decimal
    refunded_amount: Decimal = Decimal(0)
    tax_lines: list[dict[str, str]] = attrs.field(factory=list)  # [{"rate": "20", "amount": "16.67"}]
    # what the discount is made of, as checkout priced it: [{"kind", "id", "name", "coupon_code", "amount"}]
    promotions: list[dict[str, Any]] = attrs.field(factory=list)
    reward_points: int = 0  # points the customer paid with (their value is in the promotions, kind "rewards")
    shipping_address: dict[str, Any]
    billing_address: dict[str, Any]
    payment_method: str
    basket_id: uuid.UUID | None = None
    access_token_hash: str | None = None
    estimated_delivery_date: date | None = None
    actual_delivery_date: date | None = None
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    notes: str = ""
    lines: list[OrderLine] = attrs.field(factory=list)
    history: list[StatusChange] = attrs.field(factory=list)

    # --- money as Money -----------------------------------------------------------------------------------

    def _money(self, amount: Decimal) -> Money:
        return Money.rounded(amount, self.currency)

    @property
    def subtotal(self) -> Money:
        return self._money(self.subtotal_amount)

    @property
    def discount(self) -> Money:
        return self._money(self.discount_amount)

    @property
    def shipping(self) -> Money:
        return self._money(self.shipping_amount)

    @property
    def tax(self) -> Money:
        return self._money(self.tax_amount)

    @property
    def total(self) -> Money:
        return self._money(self.total_amount)

    @property
    def refunded(self) -> Money:
        return self._money(self.refunded_amount)

    # --- placing --------------------------------------------------------------------------------------------

    def placed(self, at: datetime, by: uuid.UUID | None) -> None:
        """A new order records its first history row and announces itself."""
        self.history.append(StatusChange(order_id=self.id, from_status=None, to_status=self.status,
                                         changed_by=by, changed_at=at))  # fmt: skip
        self.record(events.OrderPlaced(**self._event_fields()))

    def _event_fields(self) -> dict[str, Any]:
        return {"order_id": self.id, "number": self.number, "user_id": self.user_id, "email": self.email,
                "language": self.language, "status": self.status, "total": money_json(self.total)}  # fmt: skip

    # --- reading ----------------------------------------------------------------------------------------------

    def can_be_read_by(self, user_id: uuid.UUID | None, token: str | None) -> bool:
        """The owner, or whoever holds the guest's order token (compared in constant time)."""
        if user_id is not None and self.user_id is not None and user_id == self.user_id:
            return True
        if token and self.access_token_hash is not None:
            return hmac.compare_digest(token_hash(token), self.access_token_hash)
        return False

    # --- moving through the statuses ----------------------------------------------------------------------

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())

    def move_to(self, status: str, *, by: uuid.UUID | None, at: datetime, note: str = "") -> None:
        """One step of the status machine, recorded and announced; anything else is 409 invalid_transition.
        Cancelling goes through `cancel` (it carries a reason)."""
        if not self.can_move_to(status):
            raise Conflict(f"an order that is {self.status} cannot become {status}", code="invalid_transition")
        self.history.append(StatusChange(order_id=self.id, from_status=self.status, to_status=status,
                                         changed_by=by, changed_at=at, note=note))  # fmt: skip
        self.status = status
        if status == "delivered":
            self.actual_delivery_date = at.date()
        if status == "cancelled":
            self.cancelled_at, self.cancel_reason = at, note
            self.record(events.OrderCancelled(**self._event_fields(), reason=note))
        else:
            self.record(events.STATUS_EVENTS[status](**self._event_fields()))

    def cancel(self, *, by: uuid.UUID | None, at: datetime, reason: str) -> None:
        self.move_to("cancelled", by=by, at=at, note=reason)

    def mark_paid(self, at: datetime) -> None:
        """A payment succeeded: pending → confirmed; nothing when already confirmed or further; 409 when cancelled."""
        if self.status == "cancelled":
            raise Conflict("a cancelled order cannot be paid", code="invalid_transition")
        if self.status != "pending":
            return
        self.paid_at = at
        self.move_to("confirmed", by=None, at=at, note="paid")

    def record_refund(self, amount: Money) -> None:
        """Money given back: adds to `refunded_amount` (never beyond the total) and announces `order.refunded`."""
        if amount.currency != self.currency:
            raise CurrencyMismatch(f"{amount.currency} refund on a {self.currency} order")
        if amount.amount <= 0:
            raise Conflict("a refund must be a positive amount", code="invalid_refund")
        if self.refunded + amount > self.total:
            raise Conflict("refunds would exceed the order's total", code="refund_exceeds_total")
        self.refunded_amount = (self.refunded + amount).amount
        self.record(events.OrderRefunded(**self._event_fields(), amount=money_json(amount)))
