"""What a payment gateway is asked and answers (ports/payments.py declares the gateway itself).

Card numbers live only in a `Card` for the length of one charge: they are never stored or logged, and
`GatewayResult.raw` is the provider's answer with card data removed."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import attrs

from core.shared.errors import FieldError, Invalid
from core.shared.money import Money

Status = Literal["succeeded", "failed", "requires_action"]
CARD_FIELDS = ("cardNumber", "cvc", "card_number", "number", "expireMonth", "expireYear")


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@attrs.frozen(repr=False)
class Card:
    number: str
    exp_month: int
    exp_year: int
    cvc: str
    holder: str

    def __repr__(self) -> str:  # never the number or the CVC in a log or a traceback
        return f"Card(bin={self.bin}, last4={self.last4})"

    @property
    def bin(self) -> str:
        return self.number[:6]

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @classmethod
    def checked(cls, number: Any, exp_month: Any, exp_year: Any, cvc: Any, holder: Any, today: date) -> Card:
        """A card whose number passes Luhn and that has not expired, else 422 naming each bad field."""
        errors: list[FieldError] = []
        loc = ("body", "card")
        digits = number.replace(" ", "").replace("-", "") if isinstance(number, str) else ""
        if not (digits.isdigit() and digits.isascii() and 12 <= len(digits) <= 19 and luhn_ok(digits)):
            errors.append(FieldError((*loc, "number"), "not a valid card number"))
        month_ok = isinstance(exp_month, int) and not isinstance(exp_month, bool) and 1 <= exp_month <= 12
        year_ok = isinstance(exp_year, int) and not isinstance(exp_year, bool) and 2000 <= exp_year <= 2100
        if not month_ok:
            errors.append(FieldError((*loc, "exp_month"), "a month from 1 to 12"))
        if not year_ok:
            errors.append(FieldError((*loc, "exp_year"), "a four-digit year"))
        if month_ok and year_ok and (exp_year, exp_month) < (today.year, today.month):
            errors.append(FieldError((*loc, "exp_year"), "the card has expired"))
        if not (isinstance(cvc, str) and cvc.isdigit() and cvc.isascii() and 3 <= len(cvc) <= 4):
            errors.append(FieldError((*loc, "cvc"), "3 or 4 digits"))
        if not (isinstance(holder, str) and 0 < len(holder.strip()) <= 100):
            errors.append(FieldError((*loc, "holder"), "the name on the card, up to 100 characters"))
        if errors:
            raise Invalid("the card is not valid", code="invalid_card", errors=errors)
        return cls(digits, exp_month, exp_year, cvc, holder.strip())


@attrs.frozen
class ChargeRequest:
    reference: str  # our transaction id: the provider's conversation id
    order_number: str
    amount: Money
    card: Card
    installments: int
    callback_url: str  # where the 3-D Secure page posts its result back
    buyer_id: str = ""
    buyer_email: str = ""
    client_ip: str = ""


@attrs.frozen
class GatewayResult:
    status: Status
    provider_transaction_id: str | None = None
    redirect_url: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict)
    error_code: str | None = None
    error_message: str | None = None
    reference: str | None = None  # on a callback: which of our transactions it is about


@attrs.frozen
class RefundResult:
    succeeded: bool
    provider_refund_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict)
    error_message: str | None = None


@attrs.frozen
class InstallmentOption:
    count: int
    total: Money
    per_installment: Money


def without_card_data(raw: Any) -> Any:
    """The provider's response as stored: card numbers, CVCs and expiry dates removed at any depth."""
    if isinstance(raw, dict):
        return {k: without_card_data(v) for k, v in raw.items() if k not in CARD_FIELDS}
    if isinstance(raw, list):
        return [without_card_data(v) for v in raw]
    return raw
