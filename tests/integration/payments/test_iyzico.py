"""The iyzico adapter against a local server implementing iyzico's endpoints and signature scheme; and the
whole 3-D Secure path over our HTTP API with an iyzico provider."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from adapters.payments.iyzico import CALLBACK_FIELDS, IyzicoGateway, authorization, price_text, signature_of
from core.payments.gateway import Card, ChargeRequest
from core.payments.model import PaymentMethod, PaymentProvider, PaymentTransaction
from core.shared.errors import Invalid
from core.shared.money import Money
from ports.uow import UnitOfWork
from tests.integration.http.conftest import running_api
from tests.integration.payments.fake_iyzico import APPROVED, FakeIyzico, bank_form, serving
from tests.unit.payments.orders import CARD, place_order

CALLBACK = "http://shop.test/api/v1/payments/callbacks/iyzico"


@pytest.fixture
def fake() -> Iterator[FakeIyzico]:
    with serving() as server:
        yield server


def config(fake: FakeIyzico, **extra: Any) -> dict[str, Any]:
    return {"api_key": fake.api_key, "secret_key": fake.secret, "base_url": fake.url, **extra}


def request(number: str = APPROVED, amount: str = "120.50") -> ChargeRequest:
    card = Card(number, 12, 2031, "123", "Ayşe Yılmaz")
    return ChargeRequest(str(uuid.uuid4()), "CRS-2026-000001", Money.of(amount, "TRY"), card, 1, CALLBACK)


def test_the_documented_callback_signature() -> None:
    """The sample in iyzipay-php's samples/callbackUrl_Signature_Validation.php."""
    fields = {"status": "success", "paymentId": "22484292", "conversationData": "", "conversationId": "",
              "mdStatus": "1"}  # fmt: skip
    assert signature_of("jLc7GQHD2pyJoqXDeEcTnGHYtP7Ai5jl", fields, CALLBACK_FIELDS) == (
        "a4f73b80bb32a6ef8358090bbd8609a49a7b53f463048f8ef147496e236d04f0")  # fmt: skip


def test_prices_are_signed_without_trailing_zeros() -> None:
    assert [price_text(v) for v in ("1.20", "1.0", 10, "120.50", "0.10")] == ["1.2", "1", "10", "120.5", "0.1"]
    header = authorization("key", "secret", "123", "/payment/auth", "{}")
    decoded = base64.b64decode(header.removeprefix("IYZWSv2 ")).decode()
    assert decoded.startswith("apiKey:key&randomKey:123&signature:") and len(decoded.split(":")[-1]) == 64


async def test_a_non_3ds_payment_is_signed_both_ways(fake: FakeIyzico) -> None:
    result = await IyzicoGateway().charge(config(fake), request())
    assert result.status == "succeeded" and result.provider_transaction_id, result
    path, sent = fake.requests[-1]
    assert path == "/payment/auth" and sent["price"] == "120.5" and sent["paymentCard"]["cardNumber"] == APPROVED
    assert "cardNumber" not in repr(result.raw) and APPROVED not in repr(result.raw)
    declined = await IyzicoGateway().charge(config(fake), request("4111111111111111"))
    assert (declined.status, declined.error_code) == ("failed", "10051")


async def test_a_wrong_secret_is_refused_by_the_server(fake: FakeIyzico) -> None:
    result = await IyzicoGateway().charge({**config(fake), "secret_key": "not-the-secret"}, request())
    assert (result.status, result.error_code) == ("failed", "1000")


async def test_an_answer_with_a_bad_signature_is_not_believed(fake: FakeIyzico) -> None:
    fake.response_secret = "someone-else"
    result = await IyzicoGateway().charge(config(fake), request())
    assert (result.status, result.error_code) == ("failed", "invalid_signature")


async def test_three_d_secure_initialize_and_complete(fake: FakeIyzico) -> None:
    gateway, cfg = IyzicoGateway(), config(fake, three_ds=True)
    charge = request()
    started = await gateway.charge(cfg, charge)
    assert started.status == "requires_action"
    assert started.redirect_url == f"http://shop.test/api/v1/payments/{charge.reference}/3ds"
    assert fake.requests[-1][1]["callbackUrl"] == CALLBACK and "threeDSHtmlContent" in started.raw
    fields = fake.callback_fields(str(started.provider_transaction_id), charge.reference)
    with pytest.raises(Invalid):
        gateway.callback_reference(cfg, {**fields, "mdStatus": "0"})  # changed after signing
    assert gateway.callback_reference(cfg, fields) == charge.reference
    done = await gateway.complete(cfg, fields)
    assert (done.status, done.reference) == ("succeeded", charge.reference)
    again = await gateway.complete(cfg, fields)  # iyzico approves a payment once
    assert again.status == "failed"
    failed_3ds = fake.callback_fields(str(started.provider_transaction_id), charge.reference, md_status="0")
    assert (await gateway.complete(cfg, failed_3ds)).error_code == "3ds_failed"


async def test_refund_and_installments(fake: FakeIyzico) -> None:
    gateway, cfg = IyzicoGateway(), config(fake)
    paid = await gateway.charge(cfg, request(amount="300.00"))
    tx = PaymentTransaction(order_id=uuid.uuid4(), method_id=uuid.uuid4(), method_code="card",
                            provider_code="iyzico", amount=Decimal("300.00"), currency="TRY", status="succeeded",
                            provider_transaction_id=paid.provider_transaction_id,
                            provider_response=paid.raw)  # fmt: skip
    refund = await gateway.refund(cfg, tx, Money.of("100.00", "TRY"), "refund-1")
    assert refund.succeeded and refund.provider_refund_id, refund
    assert fake.requests[-1][1]["price"] == "100" and fake.requests[-1][1]["paymentTransactionId"].startswith(
        str(paid.provider_transaction_id))  # fmt: skip
    fake.response_secret = "forged"
    assert not (await gateway.refund(cfg, tx, Money.of("1.00", "TRY"), "refund-2")).succeeded
    options = await gateway.installments(cfg, "552879", Money.of("100.00", "TRY"))
    assert [(o.count, str(o.total.amount)) for o in options] == [(1, "100.00"), (2, "102.00"), (3, "104.00"),
                                                                  (6, "110.00")]  # fmt: skip
    assert fake.requests[-1] == ("/payment/iyzipos/installment", {**fake.requests[-1][1], "binNumber": "552879"})


async def test_three_d_secure_through_our_api(fake: FakeIyzico, sqlite_url: str, tmp_path: Path) -> None:
    async with running_api("sqlite", sqlite_url, tmp_path) as api:
        async with api.resolve(UnitOfWork) as uow:
            provider = PaymentProvider(name="iyzico", code="iyzico", configuration=config(fake, three_ds=True))
            await uow.payment_providers.add(provider)
            await uow.payment_methods.add(PaymentMethod(name="Kart", code="card", provider_id=provider.id))
            await uow.commit()
        user = await api.customer()
        order_id, _ = await place_order(api.resolve(UnitOfWork), user_id=uuid.UUID(user.id), total="99.90",
                                        email=user.email)  # fmt: skip
        started = await api.client.post(f"/api/v1/orders/{order_id}/payments",
                                        headers={**user.headers, "Idempotency-Key": "k1"},
                                        json={"payment_method": "card", "card": {**CARD, "number": APPROVED}},
                                        )  # fmt: skip
        assert started.status_code == 201 and started.json()["status"] == "requires_action", started.text
        bank = await api.client.get(urlsplit(started.json()["redirect_url"]).path)
        assert bank.status_code == 200 and "<form" in bank.text
        callback, fields = bank_form(bank.text)
        assert callback == "/api/v1/payments/callbacks/iyzico"
        forged = await api.client.post(callback, data={**fields, "mdStatus": "1", "status": "failure"})
        assert forged.status_code == 422
        done = await api.client.post(callback, data=fields)
        assert done.status_code == 200 and done.json()["status"] == "succeeded", done.text
        again = await api.client.post(callback, data=fields)
        assert again.json()["status"] == "succeeded"
        assert [p for p, _ in fake.requests].count("/payment/3dsecure/auth") == 1
        [(_, initialized)] = [r for r in fake.requests if r[0] == "/payment/3dsecure/initialize"]
        assert initialized["buyer"]["email"] == user.email  # the order's address, not a stand-in
        async with api.resolve(UnitOfWork) as uow:
            assert (await uow.orders.get(order_id)).status == "confirmed"
