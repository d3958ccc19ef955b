"""The words of each notice, in Turkish and English: the in-app title and message, and the e-mail's subject."""

from __future__ import annotations

from typing import Any

ORDER_KINDS = ("placed", "confirmed", "processing", "shipped", "delivered", "cancelled", "refunded")
EMAILED_KINDS = frozenset({"placed", "confirmed", "shipped", "delivered", "cancelled", "refunded"})
"""Order events that send an e-mail (where preferences allow); `processing` is an in-app notice only."""

ORDER_TITLES: dict[str, dict[str, str]] = {
    "tr": {
        "placed": "Siparişiniz alındı",
        "confirmed": "Ödemeniz alındı",
        "processing": "Siparişiniz hazırlanıyor",
        "shipped": "Siparişiniz kargoya verildi",
        "delivered": "Siparişiniz teslim edildi",
        "cancelled": "Siparişiniz iptal edildi",
        "refunded": "İadeniz yapıldı",
    },
    "en": {
        "placed": "We have received your order",
        "confirmed": "Your payment has been received",
        "processing": "Your order is being prepared",
        "shipped": "Your order has been shipped",
        "delivered": "Your order has been delivered",
        "cancelled": "Your order has been cancelled",
        "refunded": "Your refund has been issued",
    },
}

ORDER_MESSAGES: dict[str, dict[str, str]] = {
    "tr": {
        "placed": "{number} numaralı siparişiniz alındı. Toplam: {total}.",
        "confirmed": "{number} numaralı siparişinizin ödemesi alındı. Toplam: {total}.",
        "processing": "{number} numaralı siparişiniz hazırlanıyor.",
        "shipped": "{number} numaralı siparişiniz kargoya verildi.",
        "delivered": "{number} numaralı siparişiniz teslim edildi. Bizi tercih ettiğiniz için teşekkürler!",
        "cancelled": "{number} numaralı siparişiniz iptal edildi.",
        "refunded": "{number} numaralı siparişiniz için {amount} iade edildi.",
    },
    "en": {
        "placed": "Your order {number} has been received. Total: {total}.",
        "confirmed": "The payment for your order {number} has been received. Total: {total}.",
        "processing": "Your order {number} is being prepared.",
        "shipped": "Your order {number} has been shipped.",
        "delivered": "Your order {number} has been delivered. Thank you for shopping with us!",
        "cancelled": "Your order {number} has been cancelled.",
        "refunded": "{amount} has been refunded for your order {number}.",
    },
}

STOCK_TITLE = {"tr": "Stok azaldı: {variant}", "en": "Low stock: {variant}"}
STOCK_MESSAGE = {
    "tr": "{variant} için bir depoda {available} adet kaldı (en az {minimum} olmalı).",
    "en": "Only {available} of {variant} left in a warehouse (the minimum is {minimum}).",
}


def language_of(value: Any, fallback: str) -> str:
    return value if value in ORDER_TITLES else fallback


def money_text(money: dict[str, Any] | None, language: str) -> str:
    """`{"amount": "1234.50", "currency": "TRY"}` → `1.234,50 TRY` (tr) or `1,234.50 TRY` (en)."""
    if not money:
        return ""
    whole, _, fraction = str(money["amount"]).partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    groups = f"{int(digits or 0):,}"
    if language == "tr":
        groups = groups.replace(",", ".")
    number = sign + groups + (("," if language == "tr" else ".") + fraction if fraction else "")
    return f"{number} {money['currency']}"


def order_texts(kind: str, language: str, payload: dict[str, Any]) -> tuple[str, str]:
    """(title, message) of the notice about an order event."""
    values = {"number": payload.get("number", ""), "total": money_text(payload.get("total"), language),
              "amount": money_text(payload.get("amount") or payload.get("total"), language)}  # fmt: skip
    return ORDER_TITLES[language][kind], ORDER_MESSAGES[language][kind].format(**values)


def stock_texts(language: str, variant: str, available: int, minimum: int) -> tuple[str, str]:
    return (STOCK_TITLE[language].format(variant=variant),
            STOCK_MESSAGE[language].format(variant=variant, available=available, minimum=minimum))  # fmt: skip
