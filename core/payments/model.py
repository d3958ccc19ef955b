"""Payments: providers (a gateway and its credentials), the methods customers choose, the transactions that
charge an order, and the refunds against a transaction.

A transaction moves pending -> succeeded | failed | requires_action, and requires_action -> succeeded | failed
(the 3-D Secure callback); `settle` makes that move once and says whether it did, so a callback delivered
twice, or racing the client, has one effect. A failed one the provider later reports captured (3-D Secure
completed after we expired it) moves once more, `settle_late`: to succeeded when the order takes it, else to
captured_late, whose whole amount is refunded. Refunds reserve their amount on the transaction first
(`reserve_refund`, under a row lock), so their sum never exceeds what was captured.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from core.basket.pricing import money_json
from core.catalog.model import text
from core.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from core.payments.gateway import GatewayResult
from core.shared.entity import Entity
from core.shared.errors import Conflict, Invalid
from core.shared.money import Money

_CODE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
SECRET_HINTS = ("secret", "key", "password", "token")
"""Configuration entries whose name contains one of these are credentials: never shown back in full."""

OPEN_STATUSES = ("pending", "requires_action", "succeeded")
"""At most one transaction of an order is in one of these (a unique index): no second charge."""
CAPTURED_LATE = "captured_late"
"""Money the provider captured after we had failed the payment, not taken by the order: refunded in full."""


def code(value: Any) -> str:
    checked = text("code", value, 64, required=True)
    if not _CODE.match(checked):
        raise Invalid.field("code", "lower-case letters, digits, _ and - only")
    return checked


def configuration(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise Invalid.field("configuration", "must be an object")
    if any(not isinstance(v, str | int | bool) or isinstance(v, float) for v in value.values()):
        raise Invalid.field("configuration", "values are strings, integers or booleans")
    return dict(value)


def masked(config: dict[str, Any]) -> dict[str, Any]:
    """Configuration as staff see it: credentials show only their last four characters."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if any(hint in key.lower() for hint in SECRET_HINTS) and isinstance(value, str):
            out[key] = "****" + value[-4:] if len(value) > 8 else "****"
        else:
            out[key] = value
    return out


def keep_secrets(given: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """A configuration sent back as staff saw it: masked credentials keep their stored values."""
    shown = masked(stored)
    return {k: stored[k] if k in stored and shown[k] != stored[k] and v == shown[k] else v for k, v in given.items()}


def _decimal(value: Any) -> Decimal | None:
    """A decimal string or integer with at most four decimals; else None."""
    try:
        parsed = Decimal(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
    except InvalidOperation:
        return None
    if parsed is None or not parsed.is_finite() or parsed.as_tuple().exponent < -4:  # type: ignore[operator]
        return None
    return parsed


def rate(value: Any) -> Decimal:
    parsed = _decimal(value)
    if parsed is None or not 0 <= parsed <= 100:
        raise Invalid.field("commission_rate", "a percentage from 0 to 100 as a decimal string")
    return parsed


def bound(name: str, value: Any) -> Decimal | None:
    if value is None:
        return None
    parsed = _decimal(value)
    if parsed is None or not 0 <= parsed < 10**14:
        raise Invalid.field(name, "a non-negative decimal string (or null)")
    return parsed


@attrs.define(slots=False, eq=False, kw_only=True)
class PaymentProvider(Entity):
    """A gateway (`code` picks its adapter: `sandbox`, `iyzico`) and the credentials it is called with."""

    name: str
    code: str
    description: str = ""
    configuration: dict[str, Any] = attrs.field(factory=dict)

    def revise(self, **values: Any) -> dict[str, list[Any]]:
        return _revise(self, values)


@attrs.define(slots=False, eq=False, kw_only=True)
class PaymentMethod(Entity):
    """What a customer picks at checkout: a provider plus limits (`min_amount`/`max_amount` in the order's
    currency, either open) and the shop's commission rate (percent, for reporting)."""

    name: str
    code: str
    provider_id: uuid.UUID
    description: str = ""
    configuration: dict[str, Any] = attrs.field(factory=dict)
    commission_rate: Decimal = Decimal(0)
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None

    def revise(self, **values: Any) -> dict[str, list[Any]]:
        changes = _revise(self, values)
        self.check_bounds()
        return changes

    def check_bounds(self) -> None:
        if self.min_amount is not None and self.max_amount is not None and self.min_amount > self.max_amount:
            raise Invalid.field("max_amount", "must not be below min_amount")

    def accepts(self, total: Money) -> bool:
        return (self.min_amount is None or total.amount >= self.min_amount) and (
            self.max_amount is None or total.amount <= self.max_amount
        )


def _revise(entity: Entity, values: dict[str, Any]) -> dict[str, list[Any]]:
    changes = entity.set_fields(values)
    if "configuration" in changes:
        changes["configuration"] = ["…", "…"]  # credentials stay out of the audit log
    return changes


@attrs.define(slots=False, eq=False, kw_only=True)
class PaymentTransaction(Entity):
    """One attempt to charge an order. Card data is never kept: only the BIN and the last four digits."""

    order_id: uuid.UUID
    method_id: uuid.UUID
    method_code: str
    provider_code: str
    amount: Decimal
    currency: str
    status: str = "pending"  # pending, requires_action, succeeded, failed, captured_late
    installments: int = 1
    card_bin: str = ""
    card_last4: str = ""
    provider_transaction_id: str | None = None
    provider_response: dict[str, Any] = attrs.field(factory=dict)
    redirect_url: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    completed_at: datetime | None = None
    refunded_amount: Decimal = Decimal(0)

    @property
    def money(self) -> Money:
        return Money.rounded(self.amount, self.currency)

    @property
    def refunded(self) -> Money:
        return Money.rounded(self.refunded_amount, self.currency)

    @property
    def refundable(self) -> Money:
        if self.status not in ("succeeded", CAPTURED_LATE):
            return Money.zero(self.currency)
        return Money.rounded(self.amount - self.refunded_amount, self.currency)

    def settle(self, result: GatewayResult, at: datetime) -> bool:
        """Take the gateway's answer once: from pending (the charge) or requires_action (its completion).
        False, changing nothing, when this transaction was settled already."""
        if self.status not in ("pending", "requires_action") or (
            self.status == "requires_action" and result.status == "requires_action"
        ):
            if self.error_code == "action_completing" and result.status == "failed":  # a late 3-D Secure refused
                self.error_code = result.error_code or "action_expired"
                self.error_message = result.error_message or self.error_message
            if result.status == self.status:  # the same outcome told twice (a webhook and the charge's answer)
                known = {**result.raw, **self.provider_response}
                if known != self.provider_response:
                    self.provider_response = known  # e.g. the charge's item ids a refund needs
            return False
        self.status = result.status
        self.provider_transaction_id = result.provider_transaction_id or self.provider_transaction_id
        self.provider_response = {**self.provider_response, **result.raw}
        self.redirect_url = result.redirect_url if result.status == "requires_action" else None
        self.error_code, self.error_message = result.error_code, result.error_message
        if result.status in ("succeeded", "failed"):
            self.completed_at = at
        if result.status == "succeeded":
            self.record(PaymentSucceeded(**self._payload()))
        elif result.status == "failed":
            self.record(PaymentFailed(**self._payload()))
        return True

    def _payload(self, amount: Money | None = None) -> dict[str, Any]:
        return {"payment_id": self.id, "order_id": self.order_id, "amount": money_json(amount or self.money)}

    def claim_completion(self) -> bool:
        """A 3-D Secure callback takes this payment before asking the provider, so a second delivery finds
        nothing to do: requires_action -> pending, or, when it had expired, it stays failed (a new attempt on
        the order stays allowed) marked `action_completing`. False when there is nothing to complete."""
        if self.status == "requires_action":
            self.status = "pending"
            return True
        if self.status == "failed" and self.error_code == "action_expired":
            self.error_code = "action_completing"
            return True
        return False

    def settle_late(self, result: GatewayResult, at: datetime, *, accept: bool) -> bool:
        """The provider's answer for a payment we had failed (expired 3-D Secure, or a failure the provider now
        contradicts). A success means the money is captured: it is recorded, as `succeeded` when `accept` (the
        order takes it), else as `captured_late`, to be refunded in full; either tells payment.succeeded once.
        False, changing nothing, unless this payment is failed and the answer a success."""
        if self.status != "failed" or result.status != "succeeded":
            return False
        self.status = "succeeded" if accept else CAPTURED_LATE
        self.provider_transaction_id = result.provider_transaction_id or self.provider_transaction_id
        self.provider_response = {**self.provider_response, **result.raw}
        self.redirect_url, self.completed_at = None, at
        self.error_code, self.error_message = (None, None) if accept else (
            "completed_late", "the provider completed this payment after it had failed: it is refunded")  # fmt: skip
        self.record(PaymentSucceeded(**self._payload()))
        return True

    def expire(self, at: datetime) -> None:
        """A 3-D Secure attempt nobody completed in time: failed, so the order may be paid again."""
        if self.status == "requires_action":
            self.status, self.completed_at = "failed", at
            self.error_code, self.error_message = "action_expired", "3-D Secure was not completed in time"

    def reserve_refund(self, amount: Money) -> None:
        """Count `amount` as refunded before asking the gateway (the caller holds this row's lock)."""
        if amount.currency != self.currency:
            raise Invalid.field("amount", f"this payment is in {self.currency}")
        if amount.amount <= 0:
            raise Invalid.field("amount", "must be above zero")
        if self.status not in ("succeeded", CAPTURED_LATE):
            raise Conflict("only a succeeded payment can be refunded", code="payment_not_refundable")
        if amount > self.refundable:
            raise Conflict(f"only {self.refundable} is left to refund", code="refund_exceeds_captured")
        self.refunded_amount += amount.amount

    def release_refund(self, amount: Money) -> None:
        """The gateway refused the refund: the amount is refundable again."""
        self.refunded_amount = max(Decimal(0), self.refunded_amount - amount.amount)

    def refunded_event(self, amount: Money) -> None:
        self.record(PaymentRefunded(**self._payload(amount)))


@attrs.define(slots=False, eq=False, kw_only=True)
class PaymentRefund(Entity):
    transaction_id: uuid.UUID
    order_id: uuid.UUID
    amount: Decimal
    currency: str
    reason: str = ""
    status: str = "pending"  # pending, succeeded, failed
    provider_refund_id: str | None = None
    provider_response: dict[str, Any] = attrs.field(factory=dict)
    error_message: str | None = None
    processed_at: datetime | None = None
    source_event_id: uuid.UUID | None = None  # the order.cancelled event that asked for it

    @property
    def money(self) -> Money:
        return Money.rounded(self.amount, self.currency)
