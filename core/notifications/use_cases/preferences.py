"""A user's notification preferences: every type with the channels in effect, and changing them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from core.notifications.handlers import STOCK_PERMISSION
from core.notifications.model import NOTIFICATION_TYPES, Channels, NotificationPreference
from core.notifications.preferences import channels_for
from core.shared.actor import Actor
from core.shared.errors import FieldError, Invalid

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


@attrs.frozen
class PreferenceChange:
    notification_type: str
    email_enabled: bool
    sms_enabled: bool
    push_enabled: bool


@attrs.frozen
class SetPreferences:
    actor: Actor
    items: tuple[PreferenceChange, ...]


@attrs.define
class GetNotificationPreferences:
    uow: UnitOfWork

    async def __call__(self, actor: Actor) -> dict[str, Channels]:
        assert actor.user_id is not None, "the routes require a logged-in user"
        async with self.uow:
            return await channels_for(self.uow, actor.user_id, staff=actor.can(STOCK_PERMISSION))


@attrs.define
class ChangeNotificationPreferences:
    """Store the given types' channels (types not given keep theirs); every type with its effective channels."""

    uow: UnitOfWork

    async def __call__(self, cmd: SetPreferences) -> dict[str, Channels]:
        user_id = cmd.actor.user_id
        assert user_id is not None, "the routes require a logged-in user"
        errors = [FieldError(("body", "items", i, "notification_type"), f"one of {', '.join(NOTIFICATION_TYPES)}")
                  for i, item in enumerate(cmd.items) if item.notification_type not in NOTIFICATION_TYPES]  # fmt: skip
        seen = [item.notification_type for item in cmd.items]
        errors += [FieldError(("body", "items", i, "notification_type"), "given twice")
                   for i, kind in enumerate(seen) if kind in seen[:i]]  # fmt: skip
        if errors:
            raise Invalid("the preferences are invalid", errors=errors)
        async with self.uow:
            stored = {p.notification_type: p for p in await self.uow.notification_preferences.of_user(user_id)}
            for item in cmd.items:
                channels = Channels(item.email_enabled, item.sms_enabled, item.push_enabled)
                preference = stored.get(item.notification_type)
                if preference is None:
                    preference = NotificationPreference(user_id=user_id, notification_type=item.notification_type)
                    preference.set(channels)
                    await self.uow.notification_preferences.add(preference)
                else:
                    preference.set(channels)
            await self.uow.commit()
            return await channels_for(self.uow, user_id, staff=cmd.actor.can(STOCK_PERMISSION))
