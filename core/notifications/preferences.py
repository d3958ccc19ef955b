"""Effective channels: a user's stored preference for a type, else the default."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from core.notifications.model import NOTIFICATION_TYPES, Channels, default_channels

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


async def channels_for(uow: UnitOfWork, user_id: uuid.UUID, *, staff: bool) -> dict[str, Channels]:
    """Every notification type → the channels the user gets it on."""
    stored = {p.notification_type: p.channels for p in await uow.notification_preferences.of_user(user_id)}
    return {kind: stored.get(kind) or default_channels(kind, staff=staff) for kind in NOTIFICATION_TYPES}
