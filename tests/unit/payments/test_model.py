"""The payments model's small rules: card checks, masked credentials, method bounds, installments."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from core.payments.gateway import Card, luhn_ok, without_card_data
from core.payments.model import PaymentMethod, keep_secrets, masked
from core.shared.errors import Invalid
from core.shared.money import Money
from ports.payments import PaymentGateways
from tests.unit.conftest import App


def test_luhn() -> None:
    assert luhn_ok("4242424242424242") and luhn_ok("4000000000003220") and not luhn_ok("4242424242424241")


def test_a_card_never_shows_its_number() -> None:
    card = Card.checked("4242 4242 4242 4242", 1, 2030, "123", " Ayşe ", date(2029, 12, 1))
    assert (card.number, card.bin, card.last4, card.holder) == ("4242424242424242", "424242", "4242", "Ayşe")
    assert "4242424242424242" not in repr(card) and "123" not in repr(card)
    with pytest.raises(Invalid) as expired:
        Card.checked("4242424242424242", 11, 2029, "123", "A", date(2029, 12, 1))
    assert [e.loc for e in expired.value.errors] == [("body", "card", "exp_year")]


def test_credentials_are_masked_and_card_data_dropped() -> None:
    assert masked({"api_key": "abcdefghij1234", "secret_key": "short", "base_url": "https://x", "three_ds": True}) == {
        "api_key": "****1234", "secret_key": "****", "base_url": "https://x", "three_ds": True}  # fmt: skip
    raw = {"paymentId": "1", "cardNumber": "5528790000000008", "items": [{"cvc": "1", "price": "2"}]}
    assert without_card_data(raw) == {"paymentId": "1", "items": [{"price": "2"}]}


def test_masked_credentials_sent_back_keep_their_values() -> None:
    stored = {"api_key": "abcdefghij1234", "base_url": "https://a"}
    assert keep_secrets({**masked(stored), "base_url": "https://b"}, stored) == {
        "api_key": "abcdefghij1234", "base_url": "https://b"}  # fmt: skip
    assert keep_secrets({"api_key": "new-key-value-99"}, stored) == {"api_key": "new-key-value-99"}


def test_method_bounds() -> None:
    method = PaymentMethod(name="Kart", code="card", provider_id=uuid.uuid4(), min_amount=Decimal(10))
    assert not method.accepts(Money.of("9.99", "TRY")) and method.accepts(Money.of("10.00", "TRY"))
    with pytest.raises(Invalid):
        method.revise(max_amount=Decimal(5))


async def test_sandbox_installments_sum_up(app: App) -> None:
    options = await app.use(PaymentGateways).get("sandbox").installments({}, "424242", Money.of("100.00", "TRY"))
    assert [(o.count, str(o.total.amount)) for o in options] == [(1, "100.00"), (3, "103.00"), (6, "106.00"),
                                                                  (9, "109.00")]  # fmt: skip
    assert options[1].per_installment == Money.of("34.34", "TRY")


async def test_signatures_with_any_text_are_refused_not_crashed(app: App) -> None:
    sandbox = app.use(PaymentGateways).get("sandbox")
    with pytest.raises(Invalid):
        sandbox.page("ş", "ğ" * 64)
    with pytest.raises(Invalid):
        sandbox.callback_reference({}, {"reference": "ı", "provider_transaction_id": "x", "outcome": "approve",
                                        "signature": "ç"})  # fmt: skip
