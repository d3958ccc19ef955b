"""Log in, refresh, log out, and turn an access token back into an actor."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from core.accounts import settings as keys
from core.accounts.model import Account, AuthSession, RefreshToken
from core.accounts.secrets import digest, new_token
from core.shared.actor import Actor
from core.shared.errors import RateLimited, Unauthenticated

if TYPE_CHECKING:
    from ports.services import AccessTokens, Clock, PasswordHasher, RateLimiter, RuntimeSettings
    from ports.uow import UnitOfWork


@attrs.frozen
class LogIn:
    email: str
    password: str
    client: str = "unknown"
    user_agent: str = ""


@attrs.frozen
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


@attrs.define
class SessionIssuer:
    """Opens a session or rotates its refresh token, and signs the access token that goes with it."""

    tokens: AccessTokens
    clock: Clock
    settings: RuntimeSettings

    async def open(self, uow: UnitOfWork, account: Account, user_agent: str = "") -> TokenPair:
        now = self.clock.now()
        days = await self.settings.get(keys.REFRESH_TOKEN_DAYS)
        session = AuthSession(account_id=account.id, expires_at=now + timedelta(days=days),
                              user_agent=user_agent[:300])  # fmt: skip
        await uow.sessions.add(session)
        return await self.rotate(uow, session)

    async def rotate(self, uow: UnitOfWork, session: AuthSession) -> TokenPair:
        now = self.clock.now()
        refresh, refresh_hash = new_token()
        await uow.sessions.add_refresh(
            RefreshToken(session_id=session.id, token_hash=refresh_hash, expires_at=session.expires_at)
        )
        minutes = await self.settings.get(keys.ACCESS_TOKEN_MINUTES)
        expires = min(now + timedelta(minutes=minutes), session.expires_at)
        access = self.tokens.issue(str(session.account_id), str(session.id), expires)
        return TokenPair(access, refresh, int((expires - now).total_seconds()))


@attrs.define
class Login:
    uow: UnitOfWork
    hasher: PasswordHasher
    limiter: RateLimiter
    settings: RuntimeSettings
    issuer: SessionIssuer
    clock: Clock

    async def __call__(self, cmd: LogIn) -> TokenPair:
        email = cmd.email.strip().lower()
        keys_limits = [
            (f"login:email:{email}", await self.settings.get(keys.LOGIN_FAILURES_PER_EMAIL)),
            (f"login:client:{cmd.client}", await self.settings.get(keys.LOGIN_FAILURES_PER_CLIENT)),
        ]
        for key, limit in keys_limits:
            if wait := await self.limiter.blocked_for(key, limit):
                raise RateLimited("too many failed logins; try again later", retry_after=wait)
        async with self.uow:
            account = await self.uow.accounts.by_email(email)
            if not self._password_ok(account, cmd.password):
                window = await self.settings.get(keys.LOGIN_WINDOW_SECONDS)
                for key, _ in keys_limits:
                    await self.limiter.hit(key, window)
                raise Unauthenticated("wrong e-mail or password", code="invalid_credentials")
            assert account is not None
            if self.hasher.needs_rehash(account.password_hash):
                account.password_hash = self.hasher.hash(cmd.password)
            account.logged_in(self.clock.now())
            pair = await self.issuer.open(self.uow, account, cmd.user_agent)
            await self.uow.commit()
        return pair

    def _password_ok(self, account: Account | None, password: str) -> bool:
        if account is None:
            self.hasher.verify(_DUMMY_HASH.get(self.hasher), password)  # same work for unknown e-mails
            return False
        return self.hasher.verify(account.password_hash, password) and account.can_log_in


class _DummyHash:
    """A real hash of a random password, made once per hasher, so unknown e-mails cost a verify too."""

    def __init__(self) -> None:
        self._by_hasher: dict[int, str] = {}

    def get(self, hasher: PasswordHasher) -> str:
        if id(hasher) not in self._by_hasher:
            self._by_hasher[id(hasher)] = hasher.hash(new_token()[0])
        return self._by_hasher[id(hasher)]


_DUMMY_HASH = _DummyHash()


@attrs.frozen
class Refresh:
    refresh_token: str


@attrs.define
class RefreshSession:
    """Rotate a refresh token. A token used twice means it leaked: the whole session is revoked."""

    uow: UnitOfWork
    issuer: SessionIssuer
    clock: Clock

    async def __call__(self, cmd: Refresh) -> TokenPair:
        now = self.clock.now()
        async with self.uow:
            token = await self.uow.sessions.refresh_by_hash(digest(cmd.refresh_token))
            session = await self.uow.sessions.get(token.session_id) if token else None
            if token is None or session is None:
                raise Unauthenticated("unknown refresh token", code="invalid_token")
            if not await self.uow.sessions.claim_refresh(token.id, now):
                session.revoke(now)
                await self.uow.commit()
                raise Unauthenticated("refresh token reused; the session is revoked", code="token_reused")
            account = await self.uow.accounts.get(session.account_id)
            if not session.is_live(now) or now >= token.expires_at or not account.can_log_in:
                raise Unauthenticated("the session has ended", code="session_ended")
            pair = await self.issuer.rotate(self.uow, session)
            await self.uow.commit()
        return pair


@attrs.define
class Logout:
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, actor: Actor) -> None:
        if actor.session_id is None:
            return
        async with self.uow:
            session = await self.uow.sessions.get(actor.session_id)
            if session is not None:
                session.revoke(self.clock.now())
                await self.uow.commit()


@attrs.define
class Authenticate:
    """An access token → the actor, checking that its session is still live and the account may log in."""

    uow: UnitOfWork
    tokens: AccessTokens
    clock: Clock

    async def __call__(self, token: str) -> Actor:
        claims = self.tokens.read(token)
        if claims.expires_at <= self.clock.now():  # the core's clock decides, not only the signer's
            raise Unauthenticated("the access token has expired", code="token_expired")
        async with self.uow:
            session = await self.uow.sessions.get(_uuid(claims.session_id))
            if session is None or not session.is_live(self.clock.now()) or str(session.account_id) != claims.account_id:
                raise Unauthenticated("the session has ended", code="session_ended")
            account = await self.uow.accounts.get(session.account_id)
            if not account.can_log_in:
                raise Unauthenticated("the account is disabled", code="account_disabled")
            return Actor(account.id, account.permissions, account.is_superuser, session.id)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Unauthenticated("malformed token", code="invalid_token") from None
