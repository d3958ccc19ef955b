"""A local stand-in for iyzico's API, written from its documentation: it checks the IYZWSv2 signature of every
request and signs its answers the way iyzico does, so the adapter's real HTTP, signing and verification run.

Cards: 5528790000000008 is approved, anything else is declined (10051). 3-D Secure: /payment/3dsecure/initialize
answers a bank form (base64) that posts a signed callback to the merchant's callbackUrl; /payment/3dsecure/auth
approves a payment once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from adapters.payments.iyzico import AUTH_FIELDS, CALLBACK_FIELDS, INIT_FIELDS, REFUND_FIELDS, signature_of

APPROVED = "5528790000000008"


def bank_form(page: str) -> tuple[str, dict[str, str]]:
    """The callback path the bank's 3-D Secure form (as our 3ds page serves it) posts to, and its signed fields."""
    action = re.search(r'action="([^"]+)"', page)
    assert action is not None, page
    fields = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
    return urlsplit(html.unescape(action.group(1))).path, fields


class FakeIyzico:
    def __init__(self, api_key: str, secret: str) -> None:
        self.api_key, self.secret = api_key, secret
        self.response_secret = secret  # set to something else to forge the answers' signatures
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.payments: dict[str, dict[str, Any]] = {}
        self.url = ""

    def authorized(self, header: str, rnd: str, path: str, body: str) -> bool:
        if not header.startswith("IYZWSv2 "):
            return False
        try:
            parts = dict(p.split(":", 1) for p in base64.b64decode(header[8:]).decode().split("&"))
        except ValueError:
            return False
        expected = hmac.new(self.secret.encode(), (rnd + path + body).encode(), hashlib.sha256).hexdigest()
        return (parts.get("apiKey") == self.api_key and parts.get("randomKey") == rnd
                and hmac.compare_digest(parts.get("signature", ""), expected))  # fmt: skip

    def sign(self, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
        return {**data, "signature": signature_of(self.response_secret, data, fields)}

    def callback_fields(self, payment_id: str, conversation_id: str, md_status: str = "1") -> dict[str, str]:
        fields = {"status": "success" if md_status == "1" else "failure", "paymentId": payment_id,
                  "conversationData": "", "conversationId": conversation_id, "mdStatus": md_status}  # fmt: skip
        return {**fields, "signature": signature_of(self.secret, fields, CALLBACK_FIELDS)}

    def answer(self, path: str, req: dict[str, Any]) -> dict[str, Any]:
        conversation = req.get("conversationId")
        if path in ("/payment/auth", "/payment/3dsecure/initialize"):
            if req["paymentCard"]["cardNumber"] != APPROVED:
                return {"status": "failure", "errorCode": "10051", "errorMessage": "Kart limiti yetersiz",
                        "conversationId": conversation}  # fmt: skip
            payment_id = str(uuid.uuid4().int % 10**8)
            payment = {"paymentId": payment_id, "currency": req["currency"], "basketId": req["basketId"],
                       "conversationId": conversation, "paidPrice": req["paidPrice"], "price": req["price"],
                       "itemTransactions": [{"paymentTransactionId": f"{payment_id}1", "price": req["price"]}],
                       "cardNumber": "552879******0008"}  # fmt: skip
            self.payments[payment_id] = {**payment, "authorized": path == "/payment/auth"}
            if path == "/payment/auth":
                return self.sign({"status": "success", **payment}, AUTH_FIELDS)
            fields = self.callback_fields(payment_id, str(conversation))
            hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items())
            bank = f'<form method="post" action="{html.escape(req["callbackUrl"])}">{hidden}</form>'
            return self.sign({"status": "success", "paymentId": payment_id, "conversationId": conversation,
                              "threeDSHtmlContent": base64.b64encode(bank.encode()).decode()}, INIT_FIELDS)  # fmt: skip
        if path == "/payment/3dsecure/auth":
            payment = self.payments.get(str(req.get("paymentId")))
            if payment is None or payment["authorized"]:
                return {"status": "failure", "errorCode": "5", "errorMessage": "Ödeme bulunamadı"}
            payment["authorized"] = True
            return self.sign({"status": "success", **{k: v for k, v in payment.items() if k != "authorized"}},
                             AUTH_FIELDS)  # fmt: skip
        if path == "/payment/refund":
            item = req.get("paymentTransactionId")
            owners = [p for p in self.payments.values() if p["itemTransactions"][0]["paymentTransactionId"] == item]
            owner = owners[0] if owners else None
            if owner is None:
                return {"status": "failure", "errorCode": "5", "errorMessage": "İşlem bulunamadı"}
            return self.sign({"status": "success", "paymentId": owner["paymentId"], "price": req["price"],
                              "currency": req["currency"], "conversationId": conversation,
                              "paymentTransactionId": req["paymentTransactionId"]}, REFUND_FIELDS)  # fmt: skip
        if path == "/payment/iyzipos/installment":
            price = float(req["price"])  # a stand-in server; the adapter reads amounts as exact decimals
            return {"status": "success", "installmentDetails": [{"binNumber": req["binNumber"], "installmentPrices": [
                {"installmentNumber": n, "totalPrice": f"{price * (1 + 0.02 * (n - 1)):.2f}",
                 "installmentPrice": f"{price * (1 + 0.02 * (n - 1)) / n:.2f}"} for n in (1, 2, 3, 6)]}]}  # fmt: skip
        return {"status": "failure", "errorCode": "404", "errorMessage": "no such endpoint"}


@contextmanager
def serving(api_key: str = "sandbox-key", secret: str = "sandbox-secret") -> Iterator[FakeIyzico]:
    fake = FakeIyzico(api_key, secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            request = json.loads(body)
            fake.requests.append((self.path, request))
            if not fake.authorized(self.headers.get("Authorization", ""), self.headers.get("x-iyzi-rnd", ""),
                                   self.path, body):  # fmt: skip
                answer: dict[str, Any] = {"status": "failure", "errorCode": "1000", "errorMessage": "Geçersiz imza"}
            else:
                answer = fake.answer(self.path, request)
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
