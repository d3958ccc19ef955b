"""The audit fields every aggregate carries (the seed's CoreModel) and its event list."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import attrs

from core.shared.events import Event
from core.shared.time import utcnow


@attrs.define(slots=False, eq=False, kw_only=True)
class Entity:
    """Identity, audit stamps, soft delete and free JSON `data`.

    `created_*`/`updated_*` are stamped by the unit of work; `delete()` is the only way to soft-delete.
    """

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    created_at: datetime = attrs.field(factory=utcnow)
    created_by: uuid.UUID | None = None
    updated_at: datetime = attrs.field(factory=utcnow)
    updated_by: uuid.UUID | None = None
    is_active: bool = True
    is_deleted: bool = False
    deleted_at: datetime | None = None
    deleted_by: uuid.UUID | None = None
    data: dict[str, Any] = attrs.field(factory=dict)
    version: int = 0  # optimistic lock: the SQL adapter refuses a write over a newer version (409)
    events: list[Event] = attrs.field(factory=list, repr=False, init=False)

    def record(self, event: Event) -> None:
        self.events.append(event)

    def set_fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """Set the given plain fields that differ; returns what changed as {field: [old, new]} (the audit log's
        form). Verb methods call it after checking the values."""
        changes: dict[str, Any] = {}
        for name, value in values.items():
            old = getattr(self, name)
            if old != value:
                changes[name] = [old, value]
                setattr(self, name, value)
        return changes

    def delete(self, by: uuid.UUID | None, at: datetime | None = None) -> None:
        if self.is_deleted:
            return
        self.is_deleted = True
        self.deleted_at = at or utcnow()
        self.deleted_by = by

    def stamp(self, by: uuid.UUID | None, at: datetime, *, created: bool) -> None:
        if created:
            self.created_at, self.created_by = at, by
        self.updated_at, self.updated_by = at, by
