"""Register, read and change one's own account."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from core.accounts import settings as keys
from core.accounts.model import Account
from core.accounts.use_cases.verification import RequestEmailVerification
from core.accounts.values import check_password, check_text, normalize_email
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid, Unauthenticated

if TYPE_CHECKING:
    from ports.services import PasswordHasher, PhoneNumbers, RuntimeSettings
    from ports.uow import UnitOfWork


@attrs.frozen
class Register:
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None


@attrs.define
class RegisterAccount:
    uow: UnitOfWork
    hasher: PasswordHasher
    phones: PhoneNumbers
    settings: RuntimeSettings
    verification: RequestEmailVerification

    async def __call__(self, cmd: Register) -> Account:
        email = normalize_email(cmd.email)
        check_password(cmd.password, await self.settings.get(keys.PASSWORD_MIN_LENGTH))
        check_text("first_name", cmd.first_name.strip(), NAME_MAX)
        check_text("last_name", cmd.last_name.strip(), NAME_MAX)
        phone = self.phones.normalize(cmd.phone) if cmd.phone else None
        async with self.uow:
            if await self.uow.accounts.by_email(email) is not None:
                raise Conflict("an account with this e-mail exists", code="email_taken")
            account = Account.register(email=email, password_hash=self.hasher.hash(cmd.password),
                                       first_name=cmd.first_name.strip(), last_name=cmd.last_name.strip(),
                                       phone=phone)  # fmt: skip
            await self.uow.accounts.add(account)
            await self.verification.send(self.uow, account)
            await self.uow.commit()
        return account


@attrs.define
class GetAccount:
    uow: UnitOfWork

    async def __call__(self, actor: Actor) -> Account:
        if actor.user_id is None:
            raise Unauthenticated("log in first")
        async with self.uow:
            return await self.uow.accounts.get(actor.user_id)


GENDERS = ("female", "male", "other", "unspecified")
NAME_MAX = 100


@attrs.frozen
class UpdateProfile:
    actor: Actor
    changes: dict[str, Any]


@attrs.define
class ChangeProfile:
    """PATCH /me: only the profile fields; verification flags, roles and the like are refused upstream."""

    uow: UnitOfWork
    phones: PhoneNumbers

    async def __call__(self, cmd: UpdateProfile) -> Account:
        changes = dict(cmd.changes)
        if "phone" in changes:
            changes["phone"] = self.phones.normalize(changes["phone"]) if changes["phone"] else None
        for name in ("first_name", "last_name"):
            if name in changes:
                check_text(name, changes[name], NAME_MAX)
        if changes.get("gender") not in (None, *GENDERS):
            raise Invalid.field("gender", f"one of {', '.join(GENDERS)}")
        birthdate = changes.get("birthdate")
        if birthdate is not None and (type(birthdate) is not date or birthdate < date(1900, 1, 1)
                                      or birthdate > date.today()):  # fmt: skip
            raise Invalid.field("birthdate", "must be a past date after 1900")
        assert cmd.actor.user_id is not None
        async with self.uow:
            account = await self.uow.accounts.get(cmd.actor.user_id)
            account.update_profile(changes)
            await self.uow.commit()
        return account
