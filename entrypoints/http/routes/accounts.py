"""Accounts and auth: registration, tokens, verification links and codes, the caller's own profile."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

import attrs

from core.accounts.model import Account
from core.accounts.use_cases.registration import ChangeProfile, GetAccount, Register, RegisterAccount, UpdateProfile
from core.accounts.use_cases.sessions import Authenticate, LogIn, Login, Logout, Refresh, RefreshSession, TokenPair
from core.accounts.use_cases.verification import (
    Confirm,
    ForgotPassword,
    NewPassword,
    PhoneCode,
    RequestEmailVerification,
    RequestPasswordReset,
    RequestPhoneVerification,
    ResetPassword,
    VerifyEmail,
    VerifyPhone,
)
from core.shared.errors import Invalid
from entrypoints.http.api import Ctx, Reply, Routes
from entrypoints.http.routes.basket import merge_at_login

routes = Routes("auth")


@attrs.frozen
class AccountOut:
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    phone: str | None
    gender: str | None
    birthdate: date | None
    is_email_verified: bool
    is_phone_verified: bool
    is_active: bool
    is_superuser: bool
    roles: list[str]
    permissions: list[str]
    last_login_at: datetime | None
    created_at: datetime


def account_out(account: Account) -> AccountOut:
    return AccountOut(
        account.id,
        account.email,
        account.first_name,
        account.last_name,
        account.phone,
        account.gender,
        account.birthdate,
        account.is_email_verified,
        account.is_phone_verified,
        account.is_active,
        account.is_superuser,
        sorted(r.code for r in account.roles if not r.is_deleted),
        sorted(account.permissions),
        account.last_login_at,
        account.created_at,
    )


@attrs.frozen
class TokenIn:
    email: str
    password: str
    basket_id: uuid.UUID | None = None
    basket_token: str | None = None


@attrs.frozen
class RefreshIn:
    refresh_token: str


@attrs.frozen
class ConfirmIn:
    token: str


@attrs.frozen
class EmailIn:
    email: str


@attrs.frozen
class ResetIn:
    token: str
    password: str


@attrs.frozen
class CodeIn:
    code: str


@attrs.frozen
class Accepted:
    detail: str


@attrs.frozen
class ProfilePatch:
    """Only these fields may be changed by the account holder; anything else is refused with 422."""

    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    gender: Literal["female", "male", "other", "unspecified"] | None = None
    birthdate: date | None = None


@routes.post("/api/v1/auth/register", body=Register, response=AccountOut, status=201, auth="none", errors=(409,))
async def register(ctx: Ctx) -> AccountOut:
    """Open a customer account; a verification e-mail goes out."""
    account = await ctx.use(RegisterAccount)(ctx.body)  # the body is the command: the same five fields
    return account_out(account)


@routes.post("/api/v1/auth/token", body=TokenIn, response=TokenPair, auth="none", errors=(401, 429))
async def token(ctx: Ctx) -> TokenPair:
    """Log in with e-mail and password: an access token and a single-use refresh token. With `basket_id` and
    `basket_token` the guest basket is merged into the account's (a failed merge does not fail the login)."""
    b: TokenIn = ctx.body
    agent = ctx.request.headers.get("user-agent", "")[:255]
    pair = await ctx.use(Login)(LogIn(b.email, b.password, ctx.client, agent))
    if b.basket_id is not None and b.basket_token:
        await merge_at_login(ctx, await ctx.use(Authenticate)(pair.access_token), b.basket_id, b.basket_token)
    return pair


@routes.post("/api/v1/auth/refresh", body=RefreshIn, response=TokenPair, auth="none", errors=(401,))
async def refresh(ctx: Ctx) -> TokenPair:
    """Trade a refresh token for a new pair. A refresh token works once; reusing one ends the session."""
    return await ctx.use(RefreshSession)(Refresh(ctx.body.refresh_token))


@routes.post("/api/v1/auth/logout", status=204, idempotency="none")
async def logout(ctx: Ctx) -> None:
    """End the caller's session: its access and refresh tokens stop working."""
    await ctx.use(Logout)(ctx.me)


@routes.post("/api/v1/auth/email-verification", response=Accepted, status=202, errors=(409, 429))
async def send_email_verification(ctx: Ctx) -> Accepted:
    """Send a new verification link to the caller's e-mail address."""
    await ctx.use(RequestEmailVerification)(ctx.me)
    return Accepted("a verification link is on its way")


@routes.post("/api/v1/auth/email-verification/confirm", body=ConfirmIn, status=204, auth="none", errors=(422,))
async def confirm_email(ctx: Ctx) -> None:
    """Confirm an e-mail address with the token from the link."""
    await ctx.use(VerifyEmail)(Confirm(ctx.body.token))


@routes.post("/api/v1/auth/password-reset", body=EmailIn, response=Accepted, status=202, auth="none")
async def request_password_reset(ctx: Ctx) -> Accepted:
    """E-mail a password-reset link. The answer is the same whether the address is known or not."""
    await ctx.use(RequestPasswordReset)(ForgotPassword(ctx.body.email))
    return Accepted("if the address has an account, a reset link is on its way")


@routes.post("/api/v1/auth/password-reset/confirm", body=ResetIn, status=204, auth="none")
async def reset_password(ctx: Ctx) -> None:
    """Set a new password with the token from the link; every open session ends."""
    await ctx.use(ResetPassword)(NewPassword(ctx.body.token, ctx.body.password))


@routes.post("/api/v1/auth/phone-verification", response=Accepted, status=202, errors=(409, 429))
async def send_phone_code(ctx: Ctx) -> Accepted:
    """Text a one-time code to the caller's phone number."""
    await ctx.use(RequestPhoneVerification)(ctx.me)
    return Accepted("a code is on its way")


@routes.post("/api/v1/auth/phone-verification/confirm", body=CodeIn, status=204)
async def confirm_phone(ctx: Ctx) -> None:
    """Confirm the caller's phone number with the texted code."""
    await ctx.use(VerifyPhone)(PhoneCode(ctx.me, ctx.body.code))


me_routes = Routes("me")


@me_routes.get("/api/v1/me", response=AccountOut)
async def get_me(ctx: Ctx) -> AccountOut:
    """The caller's account."""
    return account_out(await ctx.use(GetAccount)(ctx.me))


@me_routes.patch("/api/v1/me", body=ProfilePatch, response=AccountOut)
async def patch_me(ctx: Ctx) -> AccountOut | Reply:
    """Change profile fields. Verification flags, roles and the like cannot be set here (422)."""
    changes = {name: getattr(ctx.body, name) for name in ctx.provided}
    for name in ("first_name", "last_name"):
        if name in changes and changes[name] is None:
            raise Invalid.field(name, "may be empty but not null")
    account = await ctx.use(ChangeProfile)(UpdateProfile(ctx.me, changes))
    return account_out(account)
