"""A logged-in user's notifications and notification preferences: `/api/v1/me/notifications...`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import attrs

from core.notifications.model import NOTIFICATION_TYPES, Channels, Notification, NotificationType, Status
from core.notifications.use_cases.inbox import (
    ListNotifications,
    ListNotificationsQuery,
    MarkAllNotificationsRead,
    MarkNotificationRead,
)
from core.notifications.use_cases.preferences import (
    ChangeNotificationPreferences,
    GetNotificationPreferences,
    PreferenceChange,
    SetPreferences,
)
from entrypoints.http.api import Ctx, Items, PageOut, PageQuery, Routes, page_out, page_request

routes = Routes("me: notifications")
MINE = "/api/v1/me/notifications"
PREFERENCES = "/api/v1/me/notification-preferences"


@attrs.frozen
class NotificationsQuery(PageQuery):
    """`?status=unread` (or `read`) filters; `?limit=` (1..100, default 20) and `?cursor=` page."""

    status: Status | None = None


@attrs.frozen
class NotificationOut:
    id: uuid.UUID
    title: str
    message: str
    notification_type: str
    status: str
    related_object_type: str | None
    related_object_id: str | None
    read_at: datetime | None
    expire_at: datetime | None
    created_at: datetime
    data: dict[str, Any]


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(n.id, n.title, n.message, n.notification_type, n.status, n.related_object_type,
                           n.related_object_id, n.read_at, n.expire_at, n.created_at, dict(n.data))  # fmt: skip


@attrs.frozen
class ReadAllOut:
    updated: int


@attrs.frozen
class PreferenceItem:
    notification_type: NotificationType
    email_enabled: bool
    sms_enabled: bool
    push_enabled: bool


@attrs.frozen
class PreferencesIn:
    """The types to change, each with all three channels; types not listed keep theirs."""

    items: list[PreferenceItem]


def preferences_out(channels: dict[str, Channels]) -> Items[PreferenceItem]:
    return Items([PreferenceItem(kind, c.email_enabled, c.sms_enabled, c.push_enabled)  # type: ignore[arg-type]
                  for kind in NOTIFICATION_TYPES for c in (channels[kind],)])  # fmt: skip


@routes.get(MINE, query=NotificationsQuery, response=PageOut[NotificationOut])
async def list_notifications(ctx: Ctx) -> PageOut[NotificationOut]:
    """My notifications that have not expired: unread first, then newest first."""
    q: NotificationsQuery = ctx.query
    page = await ctx.use(ListNotifications)(ListNotificationsQuery(ctx.me, page_request(q), q.status))
    return page_out(page, notification_out)  # type: ignore[return-value]


@routes.post(f"{MINE}/read-all", response=ReadAllOut)
async def read_all_notifications(ctx: Ctx) -> ReadAllOut:
    """Mark all my unread notifications read; how many changed."""
    return ReadAllOut(await ctx.use(MarkAllNotificationsRead)(ctx.me))


@routes.post(f"{MINE}/{{notification_id:uuid}}/read", response=NotificationOut, errors=(404,))
async def read_notification(ctx: Ctx) -> NotificationOut:
    """Mark one of my notifications read (again is harmless)."""
    return notification_out(await ctx.use(MarkNotificationRead)(ctx.me, ctx.params["notification_id"]))


@routes.get(PREFERENCES, response=Items[PreferenceItem])
async def get_preferences(ctx: Ctx) -> Items[PreferenceItem]:
    """Every notification type with the channels in effect (stored, else the default: e-mail on for order
    updates and system notices, for stock notices to staff with `inventory.manage`; off for promotions)."""
    return preferences_out(await ctx.use(GetNotificationPreferences)(ctx.me))


@routes.put(PREFERENCES, body=PreferencesIn, response=Items[PreferenceItem])
async def put_preferences(ctx: Ctx) -> Items[PreferenceItem]:
    """Set the channels of the types given (a type twice → 422); answers every type with its channels."""
    b: PreferencesIn = ctx.body
    items = tuple(PreferenceChange(i.notification_type, i.email_enabled, i.sms_enabled, i.push_enabled)
                  for i in b.items)  # fmt: skip
    return preferences_out(await ctx.use(ChangeNotificationPreferences)(SetPreferences(ctx.me, items)))
