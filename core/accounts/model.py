"""Accounts: who can log in, what they may do, and the sessions and tokens that prove it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

import attrs

from core.accounts import events
from core.accounts.permissions import check_permissions
from core.shared.entity import Entity
from core.shared.errors import Conflict, Invalid
from core.shared.text import search_key

Gender = Literal["female", "male", "other", "unspecified"]
TokenPurpose = Literal["verify_email", "reset_password", "verify_phone"]


@attrs.define(slots=False, eq=False, kw_only=True)
class Role(Entity):
    """A named set of permission strings ("catalog.manage", ...) that accounts hold."""

    code: str
    name: str
    description: str = ""
    permissions: list[str] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self.permissions = check_permissions(self.permissions)

    def change(self, *, name: str | None, description: str | None, permissions: list[str] | None) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if name is not None and name != self.name:
            changes["name"] = [self.name, name]
            self.name = name
        if description is not None and description != self.description:
            changes["description"] = [self.description, description]
            self.description = description
        if permissions is not None:
            checked = check_permissions(permissions)
            if checked != self.permissions:
                changes["permissions"] = [self.permissions, checked]
                self.permissions = checked
        return changes


@attrs.define(slots=False, eq=False, kw_only=True)
class Account(Entity):
    """A customer or staff member: login identity plus the seed's Account profile fields."""

    email: str
    password_hash: str
    first_name: str = ""
    last_name: str = ""
    phone: str | None = None
    gender: Gender | None = None
    birthdate: date | None = None
    is_email_verified: bool = False
    email_verified_at: datetime | None = None
    is_phone_verified: bool = False
    phone_verified_at: datetime | None = None
    is_superuser: bool = False
    last_login_at: datetime | None = None
    roles: list[Role] = attrs.field(factory=list, repr=False)

    @classmethod
    def register(cls, *, email: str, password_hash: str, first_name: str = "", last_name: str = "",
                 phone: str | None = None) -> Account:  # fmt: skip
        account = cls(email=email, password_hash=password_hash, first_name=first_name, last_name=last_name,
                      phone=phone)  # fmt: skip
        account.record(events.AccountRegistered(account_id=account.id, email=email))
        return account

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset(p for role in self.roles if not role.is_deleted for p in role.permissions)

    @property
    def can_log_in(self) -> bool:
        return self.is_active and not self.is_deleted

    def update_profile(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply profile changes; returns {field: [old, new]} of what really changed."""
        for name in changes:
            if name not in PROFILE_FIELDS:
                raise Invalid.field(name, "this field cannot be changed here", code="field_not_allowed")
        changed = self.set_fields(changes)
        if "phone" in changed:
            self.is_phone_verified, self.phone_verified_at = False, None
        return changed

    def verify_email(self, at: datetime) -> None:
        if not self.is_email_verified:
            self.is_email_verified, self.email_verified_at = True, at
            self.record(events.EmailVerified(account_id=self.id))

    def verify_phone(self, phone: str, at: datetime) -> None:
        if self.phone != phone:
            raise Conflict("the phone number changed since the code was sent", code="phone_changed")
        self.is_phone_verified, self.phone_verified_at = True, at

    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.record(events.PasswordChanged(account_id=self.id))

    def set_roles(self, roles: list[Role]) -> dict[str, Any]:
        old, new = sorted(r.code for r in self.roles), sorted(r.code for r in roles)
        self.roles = list(roles)
        return {"roles": [old, new]} if old != new else {}

    def logged_in(self, at: datetime) -> None:
        self.last_login_at = at

    def search_text(self) -> str:
        """What staff search accounts by: e-mail and names, Turkish letters folded."""
        return search_key(f"{self.email} {self.first_name} {self.last_name}")


PROFILE_FIELDS = frozenset({"first_name", "last_name", "phone", "gender", "birthdate"})


@attrs.define(slots=False, eq=False, kw_only=True)
class AuthSession(Entity):
    """One login: the family its access and refresh tokens belong to. Revoking it ends them all."""

    account_id: uuid.UUID
    expires_at: datetime
    revoked_at: datetime | None = None
    user_agent: str = ""

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def revoke(self, at: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = at


@attrs.define(slots=False, eq=False, kw_only=True)
class RefreshToken:
    """A single-use refresh token; only its SHA-256 is stored."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    session_id: uuid.UUID
    token_hash: str
    expires_at: datetime
    used_at: datetime | None = None


@attrs.define(slots=False, eq=False, kw_only=True)
class OneTimeToken:
    """An e-mailed link token or an SMS code: single use, expiring, stored hashed."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    account_id: uuid.UUID
    purpose: TokenPurpose
    token_hash: str
    expires_at: datetime
    target: str = ""  # the e-mail or phone it was sent to
    attempts: int = 0
    used_at: datetime | None = None
    created_at: datetime

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
