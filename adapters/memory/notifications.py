"""Notifications on the memory store."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from adapters.memory.repositories import _page, _Repo
from core.notifications.model import Notification, NotificationEmail, NotificationPreference
from core.shared.pagination import Page, PageRequest
from ports.notifications import Recipient


def _listed(n: Notification) -> tuple[Any, ...]:
    return (n.status, n.created_at.isoformat(), str(n.id))


class MemoryNotifications(_Repo):
    table, entity_name, model = "notifications", "notification", Notification

    async def find(self, notification_id: uuid.UUID) -> Notification | None:
        return self._load(notification_id)  # type: ignore[no-any-return]

    def _visible(self, user_id: uuid.UUID, now: datetime) -> list[Notification]:
        return [n for n in self._all() if n.user_id == user_id and n.visible_at(now)]

    async def of_user(self, user_id: uuid.UUID, page: PageRequest, *, now: datetime,
                      status: str | None = None) -> Page[Notification]:  # fmt: skip
        rows = [n for n in self._visible(user_id, now) if status is None or n.status == status]
        return _page(rows, page, _listed)

    async def read_all(self, user_id: uuid.UUID, at: datetime) -> int:
        unread = [n for n in self._visible(user_id, at) if n.status == "unread"]
        for notice in unread:
            notice.mark_read(at)
        return len(unread)

    async def staff_holding(self, permission: str) -> list[Recipient]:
        accounts = [a for a in self.uow.accounts._all() if a.is_active]
        return sorted((Recipient(a.id, a.email, a.is_superuser) for a in accounts
                       if a.is_superuser or permission in a.permissions), key=lambda r: r.email)  # fmt: skip


class MemoryNotificationPreferences(_Repo):
    table, entity_name, model = "notification_preferences", "notification preference", NotificationPreference

    async def of_user(self, user_id: uuid.UUID) -> list[NotificationPreference]:
        return sorted((p for p in self._all() if p.user_id == user_id), key=lambda p: p.notification_type)


class MemoryNotificationEmails(_Repo):
    table, entity_name, model = "notification_emails", "notification e-mail", NotificationEmail

    async def find(self, email_id: uuid.UUID) -> NotificationEmail | None:
        return self._load(email_id)  # type: ignore[no-any-return]
