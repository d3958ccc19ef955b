"""What the notifications context needs: its storage, who holds a permission, and the e-mail templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

import attrs

from core.notifications.model import Notification, NotificationEmail, NotificationPreference
from core.shared.pagination import Page, PageRequest


@attrs.frozen
class Recipient:
    account_id: uuid.UUID
    email: str
    is_superuser: bool = False


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> None: ...
    async def find(self, notification_id: uuid.UUID) -> Notification | None:
        """The notification whatever its owner or expiry (handlers check what they made before)."""
        ...

    async def of_user(self, user_id: uuid.UUID, page: PageRequest, *, now: datetime,
                      status: str | None = None) -> Page[Notification]:  # fmt: skip
        """The user's notifications not expired at `now`: unread first, then newest first."""
        ...

    async def read_all(self, user_id: uuid.UUID, at: datetime) -> int:
        """Mark every unread, unexpired notification of the user read at `at`; how many changed."""
        ...

    async def staff_holding(self, permission: str) -> list[Recipient]:
        """Active accounts holding `permission` through a live role, and active superusers."""
        ...


class NotificationPreferenceRepository(Protocol):
    async def add(self, preference: NotificationPreference) -> None: ...
    async def of_user(self, user_id: uuid.UUID) -> list[NotificationPreference]: ...


class NotificationEmailRepository(Protocol):
    async def add(self, email: NotificationEmail) -> None: ...
    async def find(self, email_id: uuid.UUID) -> NotificationEmail | None: ...


@attrs.frozen
class RenderedMail:
    subject: str
    text: str
    html: str


class MailTemplates(Protocol):
    def render(self, name: str, language: str, context: dict[str, Any]) -> RenderedMail:
        """The e-mail `name` in `language` (tr or en): subject, plain text and HTML."""
        ...
