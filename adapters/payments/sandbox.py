"""The built-in test gateway: fixed test cards, a 3-D Secure page of its own, signed callbacks.

- 4242424242424242 succeeds, 4000000000000002 is declined, 4000000000003220 needs 3-D Secure; any other
  (valid) card number is declined with `unknown_test_card`.
- 3-D Secure: the charge answers `requires_action` with a URL of the sandbox's page
  (GET /api/v1/payments/sandbox/3ds?session=...), whose buttons post the outcome to the callback URL
  given with the charge. The session and each outcome are HMAC-signed with the process's signing key, so a
  callback the page did not produce is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

from core.payments.gateway import ChargeRequest, GatewayResult, InstallmentOption, RefundResult
from core.payments.model import PaymentTransaction
from core.shared.errors import Invalid, NotFound
from core.shared.money import Money

SUCCEEDS, DECLINED, NEEDS_3DS = "4242424242424242", "4000000000000002", "4000000000003220"
PAGE_PATH = "/api/v1/payments/sandbox/3ds"
INSTALLMENT_RATES = {1: Decimal(0), 3: Decimal(3), 6: Decimal(6), 9: Decimal(9)}  # percent added to the total


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SandboxGateway:
    def __init__(self, signing_key: str) -> None:
        self._key = hashlib.sha256(b"carsi.payments.sandbox:" + signing_key.encode()).digest()

    def sign(self, message: str) -> str:
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    def _verified(self, message: str, signature: Any) -> bool:
        return isinstance(signature, str) and hmac.compare_digest(self.sign(message).encode(), signature.encode())

    async def charge(self, config: dict[str, Any], request: ChargeRequest) -> GatewayResult:
        number = request.card.number
        provider_id = f"sbx_{uuid.uuid4().hex}"
        raw = {"card_bin": request.card.bin, "card_last4": request.card.last4, "installments": request.installments}
        if number == SUCCEEDS:
            return GatewayResult("succeeded", provider_id, raw=raw)
        if number == NEEDS_3DS:
            session = _b64(json.dumps({"r": request.reference, "p": provider_id, "c": request.callback_url}).encode())
            origin = urlsplit(request.callback_url)
            url = f"{origin.scheme}://{origin.netloc}{PAGE_PATH}?" + urlencode(
                {"session": session, "signature": self.sign("session:" + session)}
            )
            return GatewayResult("requires_action", provider_id, redirect_url=url, raw=raw)
        code = "card_declined" if number == DECLINED else "unknown_test_card"
        return GatewayResult("failed", provider_id, raw=raw, error_code=code, error_message="the card was declined")

    def page(self, session: str, signature: str) -> str:
        """The 3-D Secure page for a session this gateway signed: approve or deny, posted to the callback."""
        if not self._verified("session:" + session, signature):
            raise Invalid("this 3-D Secure session is not one the sandbox gave out", code="invalid_signature")
        try:
            data = json.loads(_unb64(session))
            reference, provider_id, callback = str(data["r"]), str(data["p"]), str(data["c"])
        except (ValueError, KeyError, TypeError):
            raise Invalid("this 3-D Secure session is malformed", code="invalid_signature") from None
        forms = []
        for outcome, label in (("approve", "Onayla / Approve"), ("deny", "Reddet / Deny")):
            fields = {"reference": reference, "provider_transaction_id": provider_id, "outcome": outcome,
                      "signature": self.sign(f"{reference}:{provider_id}:{outcome}")}  # fmt: skip
            hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items())
            forms.append(f'<form method="post" action="{html.escape(callback)}">{hidden}'
                         f'<button type="submit">{label}</button></form>')  # fmt: skip
        return ("<!doctype html><html lang=\"tr\"><head><meta charset=\"utf-8\"><title>3-D Secure (sandbox)</title>"
                "</head><body><h1>3-D Secure doğrulama (sandbox)</h1>" + "".join(forms) + "</body></html>")  # fmt: skip

    def callback_reference(self, config: dict[str, Any], fields: dict[str, str]) -> str:
        reference, provider_id = fields.get("reference", ""), fields.get("provider_transaction_id", "")
        outcome = fields.get("outcome", "")
        if outcome not in ("approve", "deny") or not self._verified(
            f"{reference}:{provider_id}:{outcome}", fields.get("signature")
        ):
            raise Invalid("the callback's signature does not match", code="invalid_signature")
        return reference

    async def complete(self, config: dict[str, Any], fields: dict[str, str]) -> GatewayResult:
        reference = self.callback_reference(config, fields)
        provider_id, outcome = fields["provider_transaction_id"], fields["outcome"]
        if outcome == "approve":
            return GatewayResult("succeeded", provider_id, raw={"three_ds": "approved"}, reference=reference)
        return GatewayResult("failed", provider_id, raw={"three_ds": "denied"}, reference=reference,
                             error_code="3ds_failed", error_message="3-D Secure was not approved")  # fmt: skip

    def notification(self, config: dict[str, Any], payload: dict[str, Any], signature: str) -> GatewayResult | None:
        raise NotFound("the sandbox sends no notifications: its outcomes arrive with the charge and the callback")

    async def refund(self, config: dict[str, Any], transaction: PaymentTransaction, amount: Money,
                     reference: str) -> RefundResult:  # fmt: skip
        return RefundResult(
            True, f"sbxr_{uuid.uuid4().hex}", raw={"amount": str(amount.amount), "reference": reference}
        )

    async def installments(self, config: dict[str, Any], bin_number: str, amount: Money) -> list[InstallmentOption]:
        options = []
        for count, extra in INSTALLMENT_RATES.items():
            total = amount + amount.percent(extra)
            options.append(InstallmentOption(count, total, total.allocate([1] * count)[0]))
        return options
