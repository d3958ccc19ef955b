"""Which payment method an order may use (checkout asks; the payment asks again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.payments.model import PaymentMethod, PaymentProvider
from core.shared.errors import Conflict
from core.shared.money import Money

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


async def usable_method(uow: UnitOfWork, code: str, total: Money) -> PaymentMethod:
    """The active method `code` whose provider is active and whose min/max admit `total`; else 409
    `payment_method_unavailable` (unknown or inactive) or `payment_amount_out_of_range`."""
    method, _ = await usable_method_and_provider(uow, code, total)
    return method


async def usable_method_and_provider(uow: UnitOfWork, code: str, total: Money) -> tuple[PaymentMethod, PaymentProvider]:
    method = await uow.payment_methods.by_code(code) if isinstance(code, str) else None
    provider = await uow.payment_providers.find(method.provider_id) if method is not None else None
    if method is None or provider is None or not method.is_active or not provider.is_active:
        raise Conflict(f"payment method {code!r} is not available", code="payment_method_unavailable")
    if not method.accepts(total):
        raise Conflict(f"payment method {code!r} does not take {total}", code="payment_amount_out_of_range")
    return method, provider
