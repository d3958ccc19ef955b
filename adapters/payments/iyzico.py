"""iyzico (https://dev.iyzipay.com) over plain HTTP.

Configuration (the provider's `configuration`): `api_key`, `secret_key`, `base_url`
(https://sandbox-api.iyzipay.com or https://api.iyzipay.com), `three_ds` (true: every card goes through
3-D Secure, /payment/3dsecure/initialize + /payment/3dsecure/auth; false: /payment/auth).

Request signing (IYZWSv2, as iyzipay-python/-node do): `Authorization: IYZWSv2 base64("apiKey:<key>&randomKey:<rnd>
&signature:<hex(hmac_sha256(secret, rnd + uri_path + body))>")` with `x-iyzi-rnd: <rnd>`.

Response signatures (hex HMAC-SHA256 with the secret key over values joined by ":", prices without trailing
zeros — the fields the iyzipay samples' signature_verification lists):
- /payment/auth and /payment/3dsecure/auth: paymentId, currency, basketId, conversationId, paidPrice, price
- /payment/3dsecure/initialize: paymentId, conversationId
- /payment/refund: paymentId, price, currency, conversationId
- the 3-D Secure callback's form: conversationData, conversationId, mdStatus, paymentId, status
A response or callback whose signature does not match is refused (the charge counts as failed; a callback is
Invalid). Installment answers carry no signature; they only inform the customer.

Webhooks (server-to-server notifications, JSON): a direct (non-3DS and 3DS) payment notification is signed in the
`X-IYZ-SIGNATURE-V3` header: hex(hmac_sha256(secret_key, secret_key + iyziEventType + paymentId +
paymentConversationId + status)), the values concatenated without separators — iyzipay-php
samples/webhook_Signature_Validation.php ("For Direct Payments via API") and docs.iyzico.com/en/advanced/webhook.
Only the outcomes of an authorisation (iyziEventType API_AUTH or THREE_DS_AUTH, status SUCCESS or FAILURE) are
applied; intermediate steps (INIT_THREEDS, CALLBACK_THREEDS, ...) and other event types are acknowledged only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import attrs

from core.payments.gateway import (
    ChargeRequest,
    GatewayResult,
    InstallmentOption,
    RefundResult,
    without_card_data,
)
from core.payments.model import PaymentTransaction
from core.shared.errors import Conflict, Invalid
from core.shared.money import Money

AUTH_FIELDS = ("paymentId", "currency", "basketId", "conversationId", "paidPrice", "price")
INIT_FIELDS = ("paymentId", "conversationId")
REFUND_FIELDS = ("paymentId", "price", "currency", "conversationId")
CALLBACK_FIELDS = ("conversationData", "conversationId", "mdStatus", "paymentId", "status")
WEBHOOK_FIELDS = ("iyziEventType", "paymentId", "paymentConversationId", "status")
WEBHOOK_EVENTS = ("API_AUTH", "THREE_DS_AUTH")
PRICES = ("paidPrice", "price")
UNSIGNED = "iyzico's answer was not signed"
ACTION_PATH = "/api/v1/payments/{reference}/3ds"
"""Our page that serves the bank's 3-D Secure form iyzico returned (threeDSHtmlContent)."""


def price_text(value: Any) -> str:
    """A price as iyzico writes and signs it: a plain decimal without trailing zeros ("1.20" -> "1.2")."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def signature_of(secret: str, data: dict[str, Any], fields: tuple[str, ...]) -> str:
    values = ["" if data.get(f) is None else price_text(data[f]) if f in PRICES else str(data[f]) for f in fields]
    return hmac.new(secret.encode(), ":".join(values).encode(), hashlib.sha256).hexdigest()


def signed(secret: str, data: dict[str, Any], fields: tuple[str, ...]) -> bool:
    given = data.get("signature")
    return isinstance(given, str) and hmac.compare_digest(signature_of(secret, data, fields).encode(), given.encode())


def webhook_signature(secret: str, payload: dict[str, Any]) -> str:
    """The X-IYZ-SIGNATURE-V3 of a direct payment notification (see the module's docstring)."""
    message = secret + "".join("" if payload.get(f) is None else str(payload[f]) for f in WEBHOOK_FIELDS)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def authorization(api_key: str, secret: str, random_key: str, uri_path: str, body: str) -> str:
    digest = hmac.new(secret.encode(), (random_key + uri_path + body).encode(), hashlib.sha256).hexdigest()
    token = f"apiKey:{api_key}&randomKey:{random_key}&signature:{digest}"
    return "IYZWSv2 " + base64.b64encode(token.encode()).decode()


class IyzicoGateway:
    def __init__(self, timeout: float = 20.0) -> None:
        self.timeout = timeout

    async def _post(self, config: dict[str, Any], path: str, payload: dict[str, Any]) -> dict[str, Any]:
        import httpx  # needed only when an iyzico provider is used

        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        rnd = f"{int(time.time() * 1000)}{secrets.token_hex(4)}"
        headers = {
            "Authorization": authorization(str(config.get("api_key", "")), str(config.get("secret_key", "")),
                                           rnd, path, body),
            "x-iyzi-rnd": rnd, "Content-Type": "application/json", "Accept": "application/json",
        }  # fmt: skip
        base = str(config.get("base_url", "https://sandbox-api.iyzipay.com")).rstrip("/")
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.post(base + path, content=body.encode(), headers=headers)
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise Conflict(f"iyzico did not answer: {type(exc).__name__}", code="gateway_unavailable") from None
        if not isinstance(data, dict):
            raise Conflict("iyzico answered something else than a JSON object", code="gateway_unavailable")
        return data

    def _secret(self, config: dict[str, Any]) -> str:
        return str(config.get("secret_key", ""))

    def _failed(self, data: dict[str, Any], provider_id: str | None = None) -> GatewayResult:
        return GatewayResult("failed", provider_id or _opt(data.get("paymentId")), raw=without_card_data(data),
                             error_code=str(data.get("errorCode") or "declined"),
                             error_message=str(data.get("errorMessage") or "the payment was declined"))  # fmt: skip

    async def charge(self, config: dict[str, Any], request: ChargeRequest) -> GatewayResult:
        three_ds = bool(config.get("three_ds", False))
        payload = _payment_payload(request, three_ds)
        path = "/payment/3dsecure/initialize" if three_ds else "/payment/auth"
        data = await self._post(config, path, payload)
        if data.get("status") != "success":
            return self._failed(data)
        if not signed(self._secret(config), data, INIT_FIELDS if three_ds else AUTH_FIELDS):
            return GatewayResult("failed", _opt(data.get("paymentId")), raw=without_card_data(data),
                                 error_code="invalid_signature", error_message=UNSIGNED)  # fmt: skip
        if not three_ds:
            return GatewayResult("succeeded", _opt(data.get("paymentId")), raw=without_card_data(data))
        origin = urlsplit(request.callback_url)
        url = f"{origin.scheme}://{origin.netloc}" + ACTION_PATH.format(reference=request.reference)
        return GatewayResult("requires_action", _opt(data.get("paymentId")), redirect_url=url,
                             raw=without_card_data(data))  # fmt: skip

    def callback_reference(self, config: dict[str, Any], fields: dict[str, str]) -> str:
        if not signed(self._secret(config), fields, CALLBACK_FIELDS):
            raise Invalid("the callback's signature does not match", code="invalid_signature")
        return fields.get("conversationId", "")

    async def complete(self, config: dict[str, Any], fields: dict[str, str]) -> GatewayResult:
        reference, payment_id = self.callback_reference(config, fields) or None, fields.get("paymentId") or None
        if fields.get("status") != "success" or fields.get("mdStatus") != "1":
            return GatewayResult("failed", payment_id, raw={"mdStatus": fields.get("mdStatus")}, reference=reference,
                                 error_code="3ds_failed", error_message="3-D Secure was not completed")  # fmt: skip
        payload = {"locale": "tr", "conversationId": reference, "paymentId": payment_id,
                   "conversationData": fields.get("conversationData", "")}  # fmt: skip
        data = await self._post(config, "/payment/3dsecure/auth", payload)
        if data.get("status") != "success":
            return attrs.evolve(self._failed(data, payment_id), reference=reference)
        if not signed(self._secret(config), data, AUTH_FIELDS):
            return GatewayResult("failed", payment_id, raw=without_card_data(data), reference=reference,
                                 error_code="invalid_signature", error_message=UNSIGNED)  # fmt: skip
        return GatewayResult("succeeded", payment_id, raw=without_card_data(data), reference=reference)

    def notification(self, config: dict[str, Any], payload: dict[str, Any], signature: str) -> GatewayResult | None:
        secret = self._secret(config)
        expected = webhook_signature(secret, payload).encode()
        if not secret or not hmac.compare_digest(expected, signature.strip().lower().encode()):
            raise Invalid("the notification's signature does not match", code="invalid_signature")
        status, event = payload.get("status"), payload.get("iyziEventType")
        if event not in WEBHOOK_EVENTS or status not in ("SUCCESS", "FAILURE"):
            return None  # a step on the way, or not about a payment's authorisation: nothing to apply
        reference, payment_id = _opt(payload.get("paymentConversationId")), _opt(payload.get("paymentId"))
        raw = {"webhook": {k: payload.get(k) for k in ("iyziEventType", "iyziReferenceCode", "iyziEventTime",
                                                       "paymentId", "status")}}  # fmt: skip
        if status == "SUCCESS":
            return GatewayResult("succeeded", payment_id, raw=raw, reference=reference)
        return GatewayResult("failed", payment_id, raw=raw, reference=reference, error_code="declined",
                             error_message="iyzico notified that the payment failed")  # fmt: skip

    async def refund(self, config: dict[str, Any], transaction: PaymentTransaction, amount: Money,
                     reference: str) -> RefundResult:  # fmt: skip
        items = transaction.provider_response.get("itemTransactions") or [{}]
        payload = {"locale": "tr", "conversationId": reference,
                   "paymentTransactionId": str(items[0].get("paymentTransactionId", "")),
                   "price": price_text(amount.amount), "currency": amount.currency, "ip": "127.0.0.1"}  # fmt: skip
        data = await self._post(config, "/payment/refund", payload)
        if data.get("status") != "success":
            return RefundResult(False, raw=data, error_message=str(data.get("errorMessage") or "refused"))
        if not signed(self._secret(config), data, REFUND_FIELDS):
            return RefundResult(False, raw=data, error_message=UNSIGNED)
        return RefundResult(True, _opt(data.get("paymentTransactionId") or data.get("paymentId")), raw=data)

    async def installments(self, config: dict[str, Any], bin_number: str, amount: Money) -> list[InstallmentOption]:
        payload = {"locale": "tr", "conversationId": secrets.token_hex(8), "binNumber": bin_number,
                   "price": price_text(amount.amount)}  # fmt: skip
        data = await self._post(config, "/payment/iyzipos/installment", payload)
        if data.get("status") != "success":
            raise Conflict(str(data.get("errorMessage") or "no installment options"), code="installments_unavailable")
        options: dict[int, InstallmentOption] = {}
        for detail in data.get("installmentDetails") or []:
            for price in detail.get("installmentPrices") or []:
                try:
                    count = int(price["installmentNumber"])
                    total = Money.rounded(Decimal(str(price["totalPrice"])), amount.currency)
                    each = Money.rounded(Decimal(str(price["installmentPrice"])), amount.currency)
                except (KeyError, ValueError, TypeError, InvalidOperation):
                    continue
                options.setdefault(count, InstallmentOption(count, total, each))
        return [options[k] for k in sorted(options)]


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _payment_payload(request: ChargeRequest, three_ds: bool) -> dict[str, Any]:
    """iyzico's CreatePaymentRequest. The order is one basket item of its total; buyer and addresses carry what
    the payment knows (iyzico requires the fields; the order's own addresses are the ordering context's)."""
    price = price_text(request.amount.amount)
    card = request.card
    address = {"contactName": card.holder, "city": "Istanbul", "country": "Turkey", "address": "-"}
    payload: dict[str, Any] = {
        "locale": "tr", "conversationId": request.reference, "price": price, "paidPrice": price,
        "currency": request.amount.currency, "installment": request.installments, "basketId": request.order_number,
        "paymentChannel": "WEB", "paymentGroup": "PRODUCT",
        "paymentCard": {"cardHolderName": card.holder, "cardNumber": card.number,
                        "expireMonth": f"{card.exp_month:02d}", "expireYear": str(card.exp_year),
                        "cvc": card.cvc, "registerCard": 0},
        "buyer": {"id": request.buyer_id or request.reference, "name": card.holder.split(" ")[0],
                  "surname": card.holder.split(" ")[-1], "email": request.buyer_email or "guest@carsi.local",
                  "identityNumber": "11111111111", "registrationAddress": "-", "city": "Istanbul",
                  "country": "Turkey", "ip": request.client_ip or "127.0.0.1"},
        "shippingAddress": address, "billingAddress": address,
        "basketItems": [{"id": request.order_number, "name": f"Sipariş {request.order_number}",
                         "category1": "Genel", "itemType": "PHYSICAL", "price": price}],
    }  # fmt: skip
    if three_ds:
        payload["callbackUrl"] = request.callback_url
    return payload
