"""Payments: paying an order (owner or guest token), the providers' 3-D Secure callbacks and pages, and staff
routes (`payments.manage`) for providers, methods, payments and refunds."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import attrs
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse

from core.catalog.use_cases.common import Revision
from core.payments.gateway import InstallmentOption
from core.payments.model import PaymentMethod, PaymentProvider, PaymentRefund, PaymentTransaction, masked
from core.payments.use_cases.paying import (
    ActionPage,
    Callback,
    CompleteFromCallback,
    GetOrderPayment,
    InstallmentOptions,
    InstallmentQuery,
    OrderPaymentQuery,
    PayForOrder,
    PayOrder,
)
from core.payments.use_cases.refunds import GetPayment, ListPayments, PaymentQuery, RefundPayment, RefundRequest
from core.payments.use_cases.setup import (
    ChangeMethod,
    ChangeProvider,
    CreateMethod,
    CreateProvider,
    DeleteMethod,
    DeleteProvider,
    GetMethod,
    GetProvider,
    ListMethods,
    ListProviders,
    NewMethod,
    NewProvider,
)
from core.payments.use_cases.webhooks import ApplyNotification, Notification
from core.shared.errors import Invalid
from core.shared.money import Money
from entrypoints.http.api import Ctx, Items, PageOut, PageQuery, Routes, page_out, page_request, parse_json
from entrypoints.http.errors import BadRequest
from entrypoints.http.routes.catalog import changes
from ports.payments import PaymentGateways

routes = Routes("payments")
MANAGE = "payments.manage"
ADMIN = "/api/v1/admin/payments"
CALLBACKS = "/api/v1/payments/callbacks/"


# --- providers --------------------------------------------------------------------------------------------


@attrs.frozen
class ProviderIn:
    name: str
    code: str
    description: str = ""
    configuration: dict[str, Any] = attrs.field(factory=dict)
    is_active: bool = True


@attrs.frozen
class ProviderPatch:
    name: str | None = None
    code: str | None = None
    description: str | None = None
    configuration: dict[str, Any] | None = None
    is_active: bool | None = None


@attrs.frozen
class ProviderOut:
    id: uuid.UUID
    name: str
    code: str
    description: str
    configuration: dict[str, Any]  # credentials masked: only their last four characters
    is_active: bool
    created_at: datetime
    updated_at: datetime


def provider_out(p: PaymentProvider) -> ProviderOut:
    return ProviderOut(p.id, p.name, p.code, p.description, masked(p.configuration), p.is_active, p.created_at,
                       p.updated_at)  # fmt: skip


@routes.post(f"{ADMIN}/providers", body=ProviderIn, response=ProviderOut, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def create_provider(ctx: Ctx) -> ProviderOut:
    """Add a payment provider; `code` picks its gateway (`sandbox`, `iyzico`), `configuration` its credentials."""
    b: ProviderIn = ctx.body
    cmd = NewProvider(ctx.me, b.name, b.code, b.description, b.configuration, b.is_active)
    return provider_out(await ctx.use(CreateProvider)(cmd))


@routes.get(f"{ADMIN}/providers", response=Items[ProviderOut], permission=MANAGE)
async def list_providers(ctx: Ctx) -> Items[ProviderOut]:
    """Every payment provider, by code."""
    return Items([provider_out(p) for p in await ctx.use(ListProviders)()])


@routes.get(f"{ADMIN}/providers/{{provider_id:uuid}}", response=ProviderOut, permission=MANAGE)
async def get_provider(ctx: Ctx) -> ProviderOut:
    """One payment provider."""
    return provider_out(await ctx.use(GetProvider)(ctx.params["provider_id"]))


@routes.patch(f"{ADMIN}/providers/{{provider_id:uuid}}", body=ProviderPatch, response=ProviderOut,
              permission=MANAGE, errors=(409,))  # fmt: skip
async def change_provider(ctx: Ctx) -> ProviderOut:
    """Change a provider; `configuration` is replaced whole when sent."""
    return provider_out(await ctx.use(ChangeProvider)(Revision(ctx.me, ctx.params["provider_id"], changes(ctx))))


@routes.delete(f"{ADMIN}/providers/{{provider_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_provider(ctx: Ctx) -> None:
    """Delete a provider (soft); one that methods use is 409 `provider_in_use`."""
    await ctx.use(DeleteProvider)(ctx.me, ctx.params["provider_id"])


# --- methods ----------------------------------------------------------------------------------------------


@attrs.frozen
class MethodIn:
    name: str
    code: str
    provider_id: uuid.UUID
    description: str = ""
    configuration: dict[str, Any] = attrs.field(factory=dict)
    commission_rate: str = "0"
    min_amount: str | None = None
    max_amount: str | None = None
    is_active: bool = True


@attrs.frozen
class MethodPatch:
    name: str | None = None
    code: str | None = None
    provider_id: uuid.UUID | None = None
    description: str | None = None
    configuration: dict[str, Any] | None = None
    commission_rate: str | None = None
    min_amount: str | None = None
    max_amount: str | None = None
    is_active: bool | None = None


@attrs.frozen
class MethodOut:
    id: uuid.UUID
    name: str
    code: str
    provider_id: uuid.UUID
    description: str
    configuration: dict[str, Any]
    commission_rate: str
    min_amount: str | None
    max_amount: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime


def _dec(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def method_out(m: PaymentMethod) -> MethodOut:
    return MethodOut(m.id, m.name, m.code, m.provider_id, m.description, masked(m.configuration),
                     _dec(m.commission_rate) or "0", _dec(m.min_amount), _dec(m.max_amount), m.is_active,
                     m.created_at, m.updated_at)  # fmt: skip


@routes.post(f"{ADMIN}/methods", body=MethodIn, response=MethodOut, status=201, permission=MANAGE,
             errors=(409,))  # fmt: skip
async def create_method(ctx: Ctx) -> MethodOut:
    """Add a payment method of a provider; `min_amount`/`max_amount` (decimal strings, the order's currency)
    bound the order totals it takes."""
    b: MethodIn = ctx.body
    cmd = NewMethod(ctx.me, b.name, b.code, b.provider_id, b.description, b.configuration, b.commission_rate,
                    b.min_amount, b.max_amount, b.is_active)  # fmt: skip
    return method_out(await ctx.use(CreateMethod)(cmd))


@routes.get(f"{ADMIN}/methods", response=Items[MethodOut], permission=MANAGE)
async def list_methods(ctx: Ctx) -> Items[MethodOut]:
    """Every payment method, by code."""
    return Items([method_out(m) for m in await ctx.use(ListMethods)()])


@routes.get(f"{ADMIN}/methods/{{method_id:uuid}}", response=MethodOut, permission=MANAGE)
async def get_method(ctx: Ctx) -> MethodOut:
    """One payment method."""
    return method_out(await ctx.use(GetMethod)(ctx.params["method_id"]))


@routes.patch(f"{ADMIN}/methods/{{method_id:uuid}}", body=MethodPatch, response=MethodOut, permission=MANAGE,
              errors=(409,))  # fmt: skip
async def change_method(ctx: Ctx) -> MethodOut:
    """Change a payment method (`min_amount: null` removes the bound)."""
    return method_out(await ctx.use(ChangeMethod)(Revision(ctx.me, ctx.params["method_id"], changes(ctx))))


@routes.delete(f"{ADMIN}/methods/{{method_id:uuid}}", status=204, permission=MANAGE)
async def delete_method(ctx: Ctx) -> None:
    """Delete a payment method (soft)."""
    await ctx.use(DeleteMethod)(ctx.me, ctx.params["method_id"])


# --- paying an order --------------------------------------------------------------------------------------


@attrs.frozen
class CardIn:
    number: str
    exp_month: int
    exp_year: int
    cvc: str
    holder: str


@attrs.frozen
class PaymentIn:
    payment_method: str
    card: CardIn | None = None
    installments: int | None = None


@attrs.frozen
class CardOut:
    bin: str
    last4: str


@attrs.frozen
class PaymentError:
    code: str | None
    message: str | None


@attrs.frozen
class PaymentOut:
    id: uuid.UUID
    order_id: uuid.UUID
    status: str
    amount: Money
    refunded_amount: Money
    payment_method: str
    installments: int
    card: CardOut
    redirect_url: str | None
    error: PaymentError | None
    created_at: datetime
    completed_at: datetime | None


def payment_out(tx: PaymentTransaction) -> PaymentOut:
    error = PaymentError(tx.error_code, tx.error_message) if tx.error_code or tx.error_message else None
    return PaymentOut(tx.id, tx.order_id, tx.status, tx.money, tx.refunded, tx.method_code, tx.installments,
                      CardOut(tx.card_bin, tx.card_last4), tx.redirect_url, error, tx.created_at,
                      tx.completed_at)  # fmt: skip


@routes.post("/api/v1/orders/{order_id:uuid}/payments", body=PaymentIn, response=PaymentOut, status=201,
             auth="optional", idempotency="required", errors=(404, 409), headers=("X-Order-Token",))  # fmt: skip
async def pay_order(ctx: Ctx) -> PaymentOut:
    """Pay an order's total (its owner, or a guest with `X-Order-Token`). `status` is `succeeded` (the order is
    confirmed), `failed`, or `requires_action`: send the customer to `redirect_url` (3-D Secure)."""
    b: PaymentIn = ctx.body
    card = attrs.asdict(b.card) if b.card is not None else None
    callback_base = str(ctx.request.base_url).rstrip("/") + CALLBACKS
    cmd = PayOrder(ctx.actor, ctx.params["order_id"], ctx.request.headers.get("x-order-token"), b.payment_method,
                   card, b.installments, callback_base, ctx.client)  # fmt: skip
    return payment_out(await ctx.use(PayForOrder)(cmd))


@routes.get(
    "/api/v1/orders/{order_id:uuid}/payments/{payment_id:uuid}",
    response=PaymentOut,
    auth="optional",
    headers=("X-Order-Token",),
)
async def get_order_payment(ctx: Ctx) -> PaymentOut:
    """One payment of an order (its owner, or a guest with `X-Order-Token`)."""
    q = OrderPaymentQuery(ctx.actor, ctx.params["order_id"], ctx.request.headers.get("x-order-token"),
                          ctx.params["payment_id"])  # fmt: skip
    return payment_out(await ctx.use(GetOrderPayment)(q))


async def _callback_fields(ctx: Ctx) -> dict[str, str]:
    content_type = ctx.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadRequest("send the callback as application/x-www-form-urlencoded", code="unsupported_media_type")
    form = await ctx.request.form(max_files=0, max_fields=50)
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile) or "\x00" in value or key in fields:
            raise Invalid(f"the callback field {key!r} is not a single text value", code="invalid_callback")
        fields[key] = value
    return fields


@routes.post("/api/v1/payments/callbacks/{provider}", response=PaymentOut, auth="none", idempotency="none",
             errors=(400, 404, 422))  # fmt: skip
async def payment_callback(ctx: Ctx) -> PaymentOut:
    """A provider's 3-D Secure callback (form-encoded, signed by the provider): completes the payment once; a
    forged one is 422 `invalid_signature`, a repeated one changes nothing. Completed after the payment expired, it
    still confirms an order that waits; else the payment is `captured_late` and its amount is refunded."""
    cmd = Callback(ctx.params["provider"], await _callback_fields(ctx))
    return payment_out(await ctx.use(CompleteFromCallback)(cmd))


@routes.post("/api/v1/payments/webhooks/iyzico", status=204, auth="none", idempotency="none",
             errors=(400, 404, 422))  # fmt: skip
async def iyzico_webhook(ctx: Ctx) -> None:
    """iyzico's payment notification (JSON, signed in `X-IYZ-SIGNATURE-V3`): applies the outcome once; a forged one
    is 422 `invalid_signature`; one about a payment we do not know, or repeated, changes nothing (204)."""
    payload = parse_json(ctx.request, await ctx.request.body())
    if not isinstance(payload, dict):
        raise Invalid("the notification is a JSON object", code="invalid_notification")
    signature = ctx.request.headers.get("x-iyz-signature-v3", "")
    await ctx.use(ApplyNotification)(Notification("iyzico", payload, signature))


@attrs.frozen
class SandboxPageQuery:
    session: str = ""
    signature: str = ""


@routes.get("/api/v1/payments/sandbox/3ds", query=SandboxPageQuery, auth="none", errors=(422,))
async def sandbox_page(ctx: Ctx) -> HTMLResponse:
    """The sandbox's 3-D Secure page (HTML): approve or deny, posted to the callback."""
    q: SandboxPageQuery = ctx.query
    sandbox: Any = ctx.container.resolve(PaymentGateways).get("sandbox")
    return HTMLResponse(sandbox.page(q.session, q.signature))


@routes.get("/api/v1/payments/{payment_id:uuid}/3ds", auth="none", errors=(404,))
async def action_page(ctx: Ctx) -> HTMLResponse:
    """The provider's 3-D Secure form for a payment waiting for it (HTML)."""
    return HTMLResponse(await ctx.use(ActionPage)(ctx.params["payment_id"]))


@attrs.frozen
class InstallmentsQuery:
    payment_method: str = "sandbox"
    bin: str = ""
    amount: str = ""
    currency: str = "TRY"


@attrs.frozen
class InstallmentOut:
    count: int
    total: Money
    per_installment: Money


def installment_out(o: InstallmentOption) -> InstallmentOut:
    return InstallmentOut(o.count, o.total, o.per_installment)


@routes.get("/api/v1/payments/installments", query=InstallmentsQuery, response=Items[InstallmentOut], auth="none",
            errors=(409, 422))  # fmt: skip
async def installments(ctx: Ctx) -> Items[InstallmentOut]:
    """Installment options (taksit) for a card's BIN (first 6-8 digits) and an amount, from the method's gateway."""
    q: InstallmentsQuery = ctx.query
    amount = Money.of(q.amount, q.currency) if q.amount else None
    if amount is None or amount.amount <= 0:
        raise Invalid.field("amount", "a positive decimal amount")
    options = await ctx.use(InstallmentOptions)(InstallmentQuery(q.payment_method, q.bin, amount))
    return Items([installment_out(o) for o in options])


# --- staff: payments and refunds --------------------------------------------------------------------------


@attrs.frozen
class RefundOut:
    id: uuid.UUID
    payment_id: uuid.UUID
    amount: Money
    reason: str
    status: str
    provider_refund_id: str | None
    error_message: str | None
    created_at: datetime
    processed_at: datetime | None


def refund_out(r: PaymentRefund) -> RefundOut:
    return RefundOut(r.id, r.transaction_id, r.money, r.reason, r.status, r.provider_refund_id, r.error_message,
                     r.created_at, r.processed_at)  # fmt: skip


@attrs.frozen
class StaffPaymentOut:
    id: uuid.UUID
    order_id: uuid.UUID
    status: str
    amount: Money
    refunded_amount: Money
    payment_method: str
    provider: str
    provider_transaction_id: str | None
    provider_response: dict[str, Any]  # without card data
    installments: int
    card: CardOut
    error: PaymentError | None
    created_at: datetime
    completed_at: datetime | None
    refunds: list[RefundOut]


def staff_payment_out(tx: PaymentTransaction, refunds: list[PaymentRefund]) -> StaffPaymentOut:
    error = PaymentError(tx.error_code, tx.error_message) if tx.error_code or tx.error_message else None
    return StaffPaymentOut(tx.id, tx.order_id, tx.status, tx.money, tx.refunded, tx.method_code, tx.provider_code,
                           tx.provider_transaction_id, tx.provider_response, tx.installments,
                           CardOut(tx.card_bin, tx.card_last4), error, tx.created_at, tx.completed_at,
                           [refund_out(r) for r in refunds])  # fmt: skip


@attrs.frozen
class PaymentsQuery(PageQuery):
    order_id: uuid.UUID | None = None


@routes.get(ADMIN, query=PaymentsQuery, response=PageOut[PaymentOut], permission=MANAGE)
async def list_payments(ctx: Ctx) -> PageOut[PaymentOut]:
    """Payments, newest first; `?order_id=` those of one order."""
    q: PaymentsQuery = ctx.query
    return page_out(await ctx.use(ListPayments)(PaymentQuery(page_request(q), q.order_id)), payment_out)


@routes.get(f"{ADMIN}/{{payment_id:uuid}}", response=StaffPaymentOut, permission=MANAGE)
async def get_payment(ctx: Ctx) -> StaffPaymentOut:
    """One payment with the provider's response (card data never kept) and its refunds."""
    tx, refunds = await ctx.use(GetPayment)(ctx.params["payment_id"])
    return staff_payment_out(tx, refunds)


@attrs.frozen
class RefundIn:
    amount: Money
    reason: str = ""


@routes.post(f"{ADMIN}/{{payment_id:uuid}}/refunds", body=RefundIn, response=RefundOut, status=201,
             permission=MANAGE, errors=(404, 409))  # fmt: skip
async def refund_payment(ctx: Ctx) -> RefundOut:
    """Refund part or all of a succeeded payment; beyond what is left to refund is 409
    `refund_exceeds_captured`. The refund's `status` says whether the provider accepted it."""
    b: RefundIn = ctx.body
    return refund_out(await ctx.use(RefundPayment)(RefundRequest(ctx.me, ctx.params["payment_id"], b.amount, b.reason)))
