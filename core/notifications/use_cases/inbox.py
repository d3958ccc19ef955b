"""A user's notifications: the list (unread first), marking one or all read."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from core.notifications.model import Notification
from core.shared.actor import Actor
from core.shared.errors import NotFound
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.services import Clock
    from ports.uow import UnitOfWork


def _owner(actor: Actor) -> uuid.UUID:
    assert actor.user_id is not None, "the routes require a logged-in user"
    return actor.user_id


@attrs.frozen
class ListNotificationsQuery:
    actor: Actor
    page: PageRequest
    status: str | None = None


@attrs.define
class ListNotifications:
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, q: ListNotificationsQuery) -> Page[Notification]:
        async with self.uow:
            return await self.uow.notifications.of_user(_owner(q.actor), q.page, now=self.clock.now(),
                                                        status=q.status)  # fmt: skip


@attrs.define
class MarkNotificationRead:
    """Mark one of my notifications read (again is harmless). Someone else's, or an expired one → 404."""

    uow: UnitOfWork
    clock: Clock

    async def __call__(self, actor: Actor, notification_id: uuid.UUID) -> Notification:
        now = self.clock.now()
        async with self.uow:
            notice = await self.uow.notifications.find(notification_id)
            if notice is None or notice.user_id != _owner(actor) or not notice.visible_at(now):
                raise NotFound(f"no notification with id {notification_id}")
            if notice.status != "read":
                notice.mark_read(now)
                await self.uow.commit()
            return notice


@attrs.define
class MarkAllNotificationsRead:
    uow: UnitOfWork
    clock: Clock

    async def __call__(self, actor: Actor) -> int:
        async with self.uow:
            updated = await self.uow.notifications.read_all(_owner(actor), self.clock.now())
            await self.uow.commit()
            return updated
