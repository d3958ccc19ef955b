"""Who is acting: the authenticated principal a use case is called with."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

import attrs

from core.shared.errors import Forbidden


@attrs.frozen
class Actor:
    user_id: uuid.UUID | None
    permissions: frozenset[str] = frozenset()
    is_superuser: bool = False
    session_id: uuid.UUID | None = None

    def can(self, permission: str) -> bool:
        return self.is_superuser or permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(f"this needs the {permission!r} permission", code="permission_denied")


SYSTEM = Actor(user_id=None, is_superuser=True)
"""The actor of CLI commands and jobs that act for the shop itself."""

current_actor: ContextVar[Actor | None] = ContextVar("current_actor", default=None)
"""Set by entrypoints per request or job; read by the unit of work to stamp created_by/updated_by."""
