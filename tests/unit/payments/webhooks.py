"""An iyzico provider, one of its payments and the notifications iyzico sends about it, signed as documented."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from adapters.payments.iyzico import webhook_signature
from core.payments.model import PaymentMethod, PaymentProvider, PaymentTransaction
from ports.uow import UnitOfWork

SECRET = "sandbox-webhook-secret"


async def iyzico_provider(uow: UnitOfWork, **config: Any) -> PaymentProvider:
    """The `iyzico` provider (and its `card` method), created once."""
    async with uow:
        provider = await uow.payment_providers.by_code("iyzico")
        if provider is None:
            provider = PaymentProvider(name="iyzico", code="iyzico",
                                       configuration={"api_key": "k", "secret_key": SECRET, **config})  # fmt: skip
            await uow.payment_providers.add(provider)
            await uow.payment_methods.add(PaymentMethod(name="Kart", code="card", provider_id=provider.id))
            await uow.commit()
        return provider


async def iyzico_payment(uow: UnitOfWork, order_id: uuid.UUID, total: str = "150.00",
                         status: str = "requires_action") -> PaymentTransaction:  # fmt: skip
    """A payment of the order through iyzico, as the charge left it (3-D Secure started: `requires_action`)."""
    await iyzico_provider(uow)
    async with uow:
        method = await uow.payment_methods.by_code("card")
        assert method is not None
        tx = PaymentTransaction(order_id=order_id, method_id=method.id, method_code="card", provider_code="iyzico",
                                amount=Decimal(total), currency="TRY", status=status,
                                provider_transaction_id=str(uuid.uuid4().int % 10**8))  # fmt: skip
        await uow.payment_transactions.add(tx)
        await uow.commit()
    return tx


def notice(tx: PaymentTransaction, status: str = "SUCCESS", event: str = "THREE_DS_AUTH") -> dict[str, Any]:
    """iyzico's direct-format notification about `tx` (docs.iyzico.com/en/advanced/webhook)."""
    return notice_about(str(tx.id), tx.provider_transaction_id, status, event)


def notice_about(reference: str, payment_id: str | None, status: str = "SUCCESS",
                 event: str = "THREE_DS_AUTH") -> dict[str, Any]:  # fmt: skip
    """The notification about our payment `reference` (iyzico's conversation id), iyzico's `payment_id`."""
    return {"paymentConversationId": reference, "merchantId": 3382172, "paymentId": payment_id, "status": status,
            "iyziReferenceCode": str(uuid.uuid4()), "iyziEventType": event, "iyziEventTime": 1721825036103}  # fmt: skip


def signature(payload: dict[str, Any], secret: str = SECRET) -> str:
    return webhook_signature(secret, payload)
