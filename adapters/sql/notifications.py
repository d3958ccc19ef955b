"""Notifications, preferences and notification e-mails in SQL."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, keyset_page
from core.notifications.model import Notification, NotificationEmail, NotificationPreference
from core.shared.pagination import Page, PageRequest
from ports.notifications import Recipient


class SqlNotifications(_Repo):
    model, entity_name = Notification, "notification"

    async def find(self, notification_id: uuid.UUID) -> Notification | None:
        return self._seen(await self.session.get(Notification, notification_id))  # type: ignore[no-any-return]

    async def of_user(self, user_id: uuid.UUID, page: PageRequest, *, now: datetime,
                      status: str | None = None) -> Page[Notification]:  # fmt: skip
        c = t.notifications.c
        stmt = sa.select(Notification).where(c.user_id == user_id, sa.or_(c.expire_at.is_(None), c.expire_at > now))
        if status is not None:
            stmt = stmt.where(c.status == status)
        # "unread" sorts after "read": descending puts the unread first
        return await keyset_page(self.session, stmt, page, [c.status, c.created_at, c.id])

    async def read_all(self, user_id: uuid.UUID, at: datetime) -> int:
        c = t.notifications.c
        stmt = (sa.update(t.notifications)
                .where(c.user_id == user_id, c.status == "unread", c.is_deleted == sa.false(),
                       sa.or_(c.expire_at.is_(None), c.expire_at > at))
                .values(status="read", read_at=at, updated_at=at, version=c.version + 1)
                .execution_options(synchronize_session=False))  # fmt: skip
        result = await self.session.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def staff_holding(self, permission: str) -> list[Recipient]:
        r, a, ar = t.roles.c, t.accounts.c, t.account_roles.c
        roles = await self.session.execute(sa.select(r.id, r.permissions).where(r.is_deleted == sa.false()))
        role_ids = [row.id for row in roles if permission in (row.permissions or [])]
        holds = sa.select(ar.account_id).where(ar.role_id.in_(role_ids)) if role_ids else None
        who = a.is_superuser == sa.true() if holds is None else sa.or_(a.is_superuser == sa.true(), a.id.in_(holds))
        stmt = (sa.select(a.id, a.email, a.is_superuser)
                .where(a.is_active == sa.true(), a.is_deleted == sa.false(), who).order_by(a.email))  # fmt: skip
        return [Recipient(row.id, row.email, row.is_superuser) for row in await self.session.execute(stmt)]


class SqlNotificationPreferences(_Repo):
    model, entity_name = NotificationPreference, "notification preference"

    async def of_user(self, user_id: uuid.UUID) -> list[NotificationPreference]:
        c = t.notification_preferences.c
        stmt = sa.select(NotificationPreference).where(c.user_id == user_id).order_by(c.notification_type)
        return [self._seen(p) for p in (await self.session.scalars(stmt)).all()]


class SqlNotificationEmails(_Repo):
    model, entity_name = NotificationEmail, "notification e-mail"

    async def find(self, email_id: uuid.UUID) -> NotificationEmail | None:
        return self._seen(await self.session.get(NotificationEmail, email_id))  # type: ignore[no-any-return]
