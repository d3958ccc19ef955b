from __future__ import annotations

import uuid
from typing import ClassVar

import attrs

from core.shared.events import Event


@attrs.frozen(kw_only=True)
class AccountRegistered(Event):
    name: ClassVar[str] = "accounts.registered"
    account_id: uuid.UUID
    email: str


@attrs.frozen(kw_only=True)
class EmailVerified(Event):
    name: ClassVar[str] = "accounts.email_verified"
    account_id: uuid.UUID


@attrs.frozen(kw_only=True)
class PasswordChanged(Event):
    name: ClassVar[str] = "accounts.password_changed"
    account_id: uuid.UUID


@attrs.frozen(kw_only=True)
class MessageRequested(Event):
    """A one-time link or code to deliver by e-mail or SMS. Carries the secret: handled, then pruned."""

    name: ClassVar[str] = "accounts.message_requested"
    account_id: uuid.UUID
    channel: str  # "email" | "sms"
    purpose: str
    to: str
    secret: str
