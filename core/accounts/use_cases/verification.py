"""E-mail verification, password reset and phone verification by single-use, expiring secrets."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from core.accounts import settings as keys
from core.accounts.events import MessageRequested
from core.accounts.model import Account, OneTimeToken, TokenPurpose
from core.accounts.secrets import digest, new_code, new_token
from core.accounts.values import check_password, normalize_email
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid, RateLimited

if TYPE_CHECKING:
    from ports.services import Clock, PasswordHasher, RateLimiter, RuntimeSettings
    from ports.uow import UnitOfWork


def _bad_token() -> Invalid:
    return Invalid.field("token", "the link or code is invalid, used or expired", code="invalid_token")


@attrs.define
class _Issuer:
    clock: Clock
    settings: RuntimeSettings
    limiter: RateLimiter

    async def issue(self, uow: UnitOfWork, account: Account, purpose: TokenPurpose, to: str) -> None:
        """Store a hashed secret and ask for it to be sent; a few per hour per account and kind, then 429
        (mail bombing a victim, or running up the shop's SMS bill, stays bounded)."""
        throttle = f"messages:{purpose}:{account.id}"
        if wait := await self.limiter.blocked_for(throttle, await self.settings.get(keys.MESSAGES_PER_HOUR)):
            raise RateLimited("too many messages of this kind; try again later", retry_after=wait)
        await self.limiter.hit(throttle, 3600)
        now = self.clock.now()
        if purpose == "verify_phone":
            secret, hashed = new_code()
            ttl = timedelta(minutes=await self.settings.get(keys.PHONE_CODE_MINUTES))
        else:
            secret, hashed = new_token()
            ttl = timedelta(hours=await self.settings.get(keys.EMAIL_TOKEN_HOURS))
        await uow.one_time_tokens.add(OneTimeToken(account_id=account.id, purpose=purpose, token_hash=hashed,
                                                   expires_at=now + ttl, target=to, created_at=now))  # fmt: skip
        channel = "sms" if purpose == "verify_phone" else "email"
        uow.emit(MessageRequested(account_id=account.id, channel=channel, purpose=purpose, to=to, secret=secret))

    async def consume(self, uow: UnitOfWork, purpose: TokenPurpose, secret: str) -> OneTimeToken:
        token = await uow.one_time_tokens.find(purpose, digest(secret.strip()))
        now = self.clock.now()
        if token is None or not token.usable(now) or not await uow.one_time_tokens.claim(token.id, now):
            raise _bad_token()
        return token


@attrs.define
class RequestEmailVerification(_Issuer):
    uow: UnitOfWork

    async def send(self, uow: UnitOfWork, account: Account) -> None:
        await self.issue(uow, account, "verify_email", account.email)

    async def __call__(self, actor: Actor) -> None:
        assert actor.user_id is not None
        async with self.uow:
            account = await self.uow.accounts.get(actor.user_id)
            if account.is_email_verified:
                raise Conflict("the e-mail address is already verified", code="already_verified")
            await self.send(self.uow, account)
            await self.uow.commit()


@attrs.frozen
class Confirm:
    token: str


@attrs.define
class VerifyEmail(_Issuer):
    uow: UnitOfWork

    async def __call__(self, cmd: Confirm) -> None:
        async with self.uow:
            token = await self.consume(self.uow, "verify_email", cmd.token)
            account = await self.uow.accounts.get(token.account_id)
            if token.target != account.email:
                raise _bad_token()
            account.verify_email(self.clock.now())
            await self.uow.commit()


@attrs.frozen
class ForgotPassword:
    email: str


@attrs.define
class RequestPasswordReset(_Issuer):
    """Always answers the same, whether the e-mail is known or not."""

    uow: UnitOfWork

    async def __call__(self, cmd: ForgotPassword) -> None:
        async with self.uow:
            account = await self.uow.accounts.by_email(normalize_email(cmd.email))
            if account is None or not account.can_log_in:
                return
            try:
                await self.issue(self.uow, account, "reset_password", account.email)
            except RateLimited:
                return  # the same answer as for an unknown address: nothing to learn from a 429 here
            await self.uow.commit()


@attrs.frozen
class NewPassword:
    token: str
    password: str


@attrs.define
class ResetPassword(_Issuer):
    """Set a new password from an e-mailed token; every open session of the account ends."""

    uow: UnitOfWork
    hasher: PasswordHasher

    async def __call__(self, cmd: NewPassword) -> None:
        check_password(cmd.password, await self.settings.get(keys.PASSWORD_MIN_LENGTH))
        async with self.uow:
            token = await self.consume(self.uow, "reset_password", cmd.token)
            account = await self.uow.accounts.get(token.account_id)
            account.change_password(self.hasher.hash(cmd.password))
            now = self.clock.now()
            for session in await self.uow.sessions.live_for(account.id, now):
                session.revoke(now)
            if token.target == account.email:
                account.verify_email(now)  # the link reached the inbox: the address works
            await self.uow.commit()


@attrs.define
class RequestPhoneVerification(_Issuer):
    uow: UnitOfWork

    async def __call__(self, actor: Actor) -> None:
        assert actor.user_id is not None
        async with self.uow:
            account = await self.uow.accounts.get(actor.user_id)
            if not account.phone:
                raise Conflict("the account has no phone number", code="no_phone")
            if account.is_phone_verified:
                raise Conflict("the phone number is already verified", code="already_verified")
            await self.issue(self.uow, account, "verify_phone", account.phone)
            await self.uow.commit()


@attrs.frozen
class PhoneCode:
    actor: Actor
    code: str


@attrs.define
class VerifyPhone(_Issuer):
    """Check the latest SMS code; each wrong try counts, and a code dies after the allowed attempts."""

    uow: UnitOfWork

    async def __call__(self, cmd: PhoneCode) -> None:
        assert cmd.actor.user_id is not None
        now = self.clock.now()
        async with self.uow:
            account = await self.uow.accounts.get(cmd.actor.user_id)
            token = await self.uow.one_time_tokens.latest(account.id, "verify_phone")
            if token is None or not token.usable(now):
                raise _bad_token()
            if token.token_hash != digest(cmd.code.strip()):
                attempts = await self.uow.one_time_tokens.count_attempt(token.id)
                if attempts >= await self.settings.get(keys.PHONE_CODE_ATTEMPTS):
                    await self.uow.one_time_tokens.claim(token.id, now)
                await self.uow.commit()
                raise _bad_token()
            if not await self.uow.one_time_tokens.claim(token.id, now):
                raise _bad_token()
            account.verify_phone(token.target, now)
            await self.uow.commit()
