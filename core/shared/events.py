"""Domain events: facts in the past tense, written to the outbox with the change that caused them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

import attrs

from core.shared.time import utcnow


@attrs.frozen(kw_only=True)
class Event:
    """Base of every event. `name` is stable and unique ("accounts.registered")."""

    name: ClassVar[str] = "event"
    event_id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    occurred_at: datetime = attrs.field(factory=utcnow)

    def payload(self) -> dict[str, Any]:
        """The event's own fields as JSON-friendly values."""
        out: dict[str, Any] = {}
        for field in attrs.fields(type(self)):
            if field.name in ("event_id", "occurred_at"):
                continue
            value = getattr(self, field.name)
            if isinstance(value, uuid.UUID):
                value = str(value)
            elif isinstance(value, datetime):
                value = value.isoformat()
            out[field.name] = value
        return out


@attrs.frozen
class StoredEvent:
    """An event as the outbox keeps and relays it: its name and JSON payload."""

    id: uuid.UUID
    name: str
    payload: dict[str, Any]
    occurred_at: datetime
