"""In-app notifications, who wants which channel, and the e-mails notifications send."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, get_args

import attrs

from core.notifications.events import EmailRequested
from core.shared.entity import Entity

NotificationType = Literal["order_status", "promotion", "system", "stock"]
NOTIFICATION_TYPES: tuple[str, ...] = get_args(NotificationType)
Status = Literal["unread", "read"]
LANGUAGES = ("tr", "en")

ID_SPACE = uuid.UUID("5b0d6a0e-64e1-4c3e-9d55-6c2b1f1c0a11")


def derived_id(event_id: uuid.UUID, *parts: str) -> uuid.UUID:
    """The same id for the same (event, recipient): handling an event again finds what it made the first time."""
    return uuid.uuid5(ID_SPACE, ":".join((str(event_id), *parts)))


@attrs.define(slots=False, eq=False, kw_only=True)
class Notification(Entity):
    """The seed's Notification: a notice shown to one user until read (or until it expires)."""

    user_id: uuid.UUID
    title: str
    message: str
    notification_type: str
    status: str = "unread"
    related_object_type: str | None = None
    related_object_id: str | None = None
    read_at: datetime | None = None
    expire_at: datetime | None = None

    def mark_read(self, at: datetime) -> None:
        if self.status != "read":
            self.status, self.read_at = "read", at

    def visible_at(self, now: datetime) -> bool:
        return self.expire_at is None or self.expire_at > now


@attrs.frozen
class Channels:
    email_enabled: bool
    sms_enabled: bool
    push_enabled: bool


def default_channels(notification_type: str, *, staff: bool) -> Channels:
    """Without a stored preference: e-mail for order updates and system notices, for stock notices to staff,
    never for promotions (opt-in); SMS and push are off until asked for."""
    email = notification_type in ("order_status", "system") or (notification_type == "stock" and staff)
    return Channels(email_enabled=email, sms_enabled=False, push_enabled=False)


@attrs.define(slots=False, eq=False, kw_only=True)
class NotificationPreference(Entity):
    """The seed's NotificationPreference: which channels one user wants for one notification type."""

    user_id: uuid.UUID
    notification_type: str
    email_enabled: bool = True
    sms_enabled: bool = False
    push_enabled: bool = False

    @property
    def channels(self) -> Channels:
        return Channels(self.email_enabled, self.sms_enabled, self.push_enabled)

    def set(self, channels: Channels) -> dict[str, Any]:
        return self.set_fields(attrs.asdict(channels))


@attrs.define(slots=False, eq=False, kw_only=True)
class NotificationEmail(Entity):
    """One e-mail a notification sends: recorded (with its outbox event) in the transaction that decided to
    send it, sent by a job, marked sent after the mail server took it."""

    source_event_id: uuid.UUID
    to: str
    user_id: uuid.UUID | None
    template: str
    language: str
    context: dict[str, Any]
    sent_at: datetime | None = None

    @classmethod
    def request(cls, *, id: uuid.UUID, source_event_id: uuid.UUID, to: str, user_id: uuid.UUID | None,
                template: str, language: str, context: dict[str, Any]) -> NotificationEmail:  # fmt: skip
        mail = cls(id=id, source_event_id=source_event_id, to=to, user_id=user_id, template=template,
                   language=language, context=context)  # fmt: skip
        # the delivery event's id is the e-mail's: one delivery job per e-mail, however often it is decided
        mail.record(EmailRequested(event_id=id, email_id=id))
        return mail

    def mark_sent(self, at: datetime) -> None:
        if self.sent_at is None:
            self.sent_at = at
