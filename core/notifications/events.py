from __future__ import annotations

import uuid
from typing import ClassVar

import attrs

from core.shared.events import Event


@attrs.frozen(kw_only=True)
class EmailRequested(Event):
    """A notification e-mail to send (its row holds recipient, template and context)."""

    name: ClassVar[str] = "notifications.email_requested"
    email_id: uuid.UUID
