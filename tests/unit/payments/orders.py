"""Orders to pay, made directly (the ordering context's checkout is tested on its own), and the sandbox method."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from typing import Any

from core.ordering.model import Order, token_hash
from core.payments.demo import ensure_sandbox
from ports.uow import UnitOfWork

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123", "holder": "Ayşe Yılmaz"}
DECLINED = {**CARD, "number": "4000000000000002"}
THREE_DS = {**CARD, "number": "4000000000003220"}


async def sandbox(uow: UnitOfWork) -> None:
    async with uow:
        await ensure_sandbox(uow)
        await uow.commit()


async def place_order(uow: UnitOfWork, *, user_id: uuid.UUID | None = None, total: str = "150.00",
                      currency: str = "TRY", email: str | None = None) -> tuple[uuid.UUID, str | None]:  # fmt: skip
    """A pending order of `total`; (id, the guest's order token — None for a user's order)."""
    token = None if user_id is not None else secrets.token_urlsafe(24)
    address: dict[str, Any] = {"recipient_name": "Ayşe Yılmaz", "country": "TR", "line": "Moda Cad. 1"}
    order = Order(number=f"CRS-2026-{secrets.randbelow(10**9):09d}", user_id=user_id,
                  email=email or (None if user_id else "guest@example.com"), currency=currency,
                  subtotal_amount=Decimal(total), tax_amount=Decimal(0), total_amount=Decimal(total),
                  shipping_address=address, billing_address=address, payment_method="sandbox",
                  access_token_hash=token_hash(token) if token else None)  # fmt: skip
    async with uow:
        await uow.orders.add(order)
        await uow.commit()
    return order.id, token
