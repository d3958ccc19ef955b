"""Exact money: a Decimal amount in an ISO 4217 currency, quantized to the currency's minor unit.

The currency tables below are CLDR's (the data babel ships); tests/unit/shared/test_money.py checks them
against babel and pycountry so the core needs neither at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import attrs

from core.shared.errors import Invalid

_CODES = """
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD
CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD
NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS
VED VES VND VUV WST XAD XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER
ZAR ZMW ZWG
"""
CURRENCIES: frozenset[str] = frozenset(_CODES.split())
_DIGITS_NOT_TWO = {
    "AFN": 0, "ALL": 0, "BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "COP": 0, "DJF": 0, "GNF": 0, "HUF": 0,
    "IDR": 0, "IQD": 0, "IRR": 0, "ISK": 0, "JOD": 3, "JPY": 0, "KMF": 0, "KPW": 0, "KRW": 0, "KWD": 3,
    "LAK": 0, "LBP": 0, "LYD": 3, "MGA": 0, "MMK": 0, "OMR": 3, "PYG": 0, "RWF": 0, "SOS": 0, "SYP": 0,
    "TND": 3, "UGX": 0, "UYI": 0, "UYW": 4, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0, "YER": 0,
}  # fmt: skip


MAX_DIGITS = 14
"""Amounts stay below 10^14 in any currency: what NUMERIC(19, 4) and SQLite's integer ten-thousandths both
hold, and far above any shop's prices."""


class CurrencyMismatch(ValueError):
    pass


def minor_digits(currency: str) -> int:
    return _DIGITS_NOT_TWO.get(currency, 2)


def check_currency(currency: str) -> str:
    if currency not in CURRENCIES:
        raise Invalid.field("currency", f"unknown currency {currency!r}", code="unknown_currency")
    return currency


@attrs.frozen(order=False)
class Money:
    amount: Decimal = attrs.field(validator=attrs.validators.instance_of(Decimal))
    currency: str

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Money from an exact amount, refusing more digits than the currency has (and floats outright)."""
        check_currency(currency)
        if isinstance(amount, float | bool) or not isinstance(amount, str | int | Decimal):
            raise Invalid.field("amount", "must be a decimal string, an integer or a Decimal, never a float")
        try:
            value = Decimal(amount) if not isinstance(amount, Decimal) else amount
        except InvalidOperation:
            raise Invalid.field("amount", f"{amount!r} is not a decimal number") from None
        if not value.is_finite():
            raise Invalid.field("amount", "must be a finite number")
        digits = minor_digits(currency)
        if value.adjusted() >= MAX_DIGITS:
            raise Invalid.field("amount", f"must be below 10^{MAX_DIGITS}", code="amount_too_large")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > digits and value != value.quantize(_q(digits)):
            raise Invalid.field("amount", f"{currency} has {digits} minor digits")
        return cls(value.quantize(_q(digits)), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls.of(0, currency)

    @classmethod
    def rounded(cls, amount: Decimal, currency: str) -> Money:
        """Money from a computed amount, rounded half-up to the minor unit."""
        return cls(amount.quantize(_q(minor_digits(currency)), ROUND_HALF_UP), currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            raise TypeError("money multiplies by whole quantities only; use percent() for rates")
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def percent(self, rate: Decimal) -> Money:
        """`rate` percent of this amount, rounded half-up."""
        return Money.rounded(self.amount * rate / 100, self.currency)

    def allocate(self, weights: Sequence[Decimal | int]) -> list[Money]:
        """Split into parts proportional to `weights` that sum exactly to this amount.

        Largest remainder: each part is floored to the minor unit, then the leftover minor units go one
        each to the parts with the largest remainders (ties: earlier first).
        """
        if not weights:
            return []
        total = sum((Decimal(w) for w in weights), Decimal(0))
        if total <= 0:
            raise ValueError("weights must sum to a positive number")
        unit = _q(minor_digits(self.currency))
        units = int(self.amount / unit)
        raw = [Decimal(units) * Decimal(w) / total for w in weights]
        parts = [int(r) for r in raw]  # truncates toward zero
        leftover = units - sum(parts)
        order = sorted(range(len(raw)), key=lambda i: (-(abs(raw[i] - parts[i])), i))
        step = 1 if leftover >= 0 else -1
        for i in order[: abs(leftover)]:
            parts[i] += step
        return [Money(Decimal(p) * unit, self.currency) for p in parts]


def _q(digits: int) -> Decimal:
    return Decimal(1).scaleb(-digits)
