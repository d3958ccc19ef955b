"""A provider's server-to-server notification (webhook) of a payment's outcome: verified, then applied once.

It is settled like the charge's own answer and the 3-D Secure callback (`settle`: under the transaction's row
lock, only from pending or requires_action, or once from failed when the provider reports a success we had
given up on), so a notification delivered again, or racing the client's payment
or the callback, finds the outcome recorded and changes nothing. A notification about a payment we do not know
is acknowledged and ignored: the provider retries on errors, and retrying cannot make it known.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.payments.gateway import GatewayResult
from core.payments.model import PaymentTransaction
from core.payments.use_cases.paying import refund_if_needed, settle
from core.payments.use_cases.refunds import RefundPayment
from core.shared.errors import NotFound

if TYPE_CHECKING:
    from ports.payments import PaymentGateways
    from ports.uow import UnitOfWork


@attrs.frozen
class Notification:
    provider_code: str
    payload: dict[str, Any]
    signature: str


async def _transaction(uow: UnitOfWork, provider_code: str, result: GatewayResult) -> PaymentTransaction | None:
    """Ours by the reference we gave with the charge, else by the provider's payment id."""
    tx = None
    with contextlib.suppress(ValueError, NotFound):
        tx = await uow.payment_transactions.get(uuid.UUID(result.reference or ""))
    if tx is None and result.provider_transaction_id:
        tx = await uow.payment_transactions.by_provider_id(provider_code, result.provider_transaction_id)
    if tx is None or tx.provider_code != provider_code:
        return None
    given, known = result.provider_transaction_id, tx.provider_transaction_id
    return None if given and known and given != known else tx


@attrs.define
class ApplyNotification:
    uow: UnitOfWork
    gateways: PaymentGateways
    refund: RefundPayment

    async def __call__(self, cmd: Notification) -> PaymentTransaction | None:
        """The transaction the notification settled or found settled; None when there was nothing to apply."""
        async with self.uow:
            provider = await self.uow.payment_providers.by_code(cmd.provider_code)
            if provider is None:
                raise NotFound(f"no payment provider {cmd.provider_code!r}")
            config = dict(provider.configuration)
        result = self.gateways.get(provider.code).notification(config, cmd.payload, cmd.signature)  # forged: 422
        if result is None:
            return None
        async with self.uow:
            found = await _transaction(self.uow, provider.code, result)
        if found is None:
            return None
        tx, refund_reason = await settle(self.uow, found.id, result)
        await refund_if_needed(self.refund, tx, refund_reason)
        return tx
