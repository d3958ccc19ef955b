"""The platform context (the seed's Core): languages, runtime-setting overrides, audit log, failed jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import attrs

from core.shared.entity import Entity
from core.shared.time import utcnow


@attrs.define(slots=False, eq=False, kw_only=True)
class Language(Entity):
    name: str
    native_name: str
    flag: str
    iso639_1: str
    iso639_2: str
    is_system_language: bool = False


@attrs.define(slots=False, eq=False, kw_only=True)
class SettingOverride:
    key: str
    value: Any
    updated_at: datetime = attrs.field(factory=utcnow)
    updated_by: uuid.UUID | None = None


@attrs.define(slots=False, eq=False, kw_only=True)
class AuditEntry:
    """One staff write: who did what to which target, and which fields changed ([old, new])."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    at: datetime = attrs.field(factory=utcnow)
    actor_id: uuid.UUID | None
    action: str
    target_type: str
    target_id: str
    changes: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=False, eq=False, kw_only=True)
class DeadLetter:
    """A job that failed every try: kept for staff to read and retry."""

    id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    job: str
    payload: dict[str, Any]
    error: str
    tries: int
    failed_at: datetime = attrs.field(factory=utcnow)
    retried_at: datetime | None = None


SYSTEM_LANGUAGES = ("tr", "en")
