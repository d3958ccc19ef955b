"""The built-in sandbox payment method: `carsi demo load` and the tests create it."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from core.payments.model import PaymentMethod, PaymentProvider

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


async def ensure_sandbox(uow: UnitOfWork) -> PaymentMethod:
    """The built-in `sandbox` provider and method (demo data and tests), created once; call inside a unit of
    work and commit."""
    provider = await uow.payment_providers.by_code("sandbox")
    if provider is None:
        provider = PaymentProvider(name="Sandbox", code="sandbox",
                                   description="Test cards only: 4242424242424242 pays, 4000000000000002 is "
                                               "declined, 4000000000003220 asks for 3-D Secure.")  # fmt: skip
        await uow.payment_providers.add(provider)
    method = await uow.payment_methods.by_code("sandbox")
    if method is None:
        method = PaymentMethod(name="Test card (sandbox)", code="sandbox", provider_id=provider.id,
                               commission_rate=Decimal(0))  # fmt: skip
        await uow.payment_methods.add(method)
    return method
