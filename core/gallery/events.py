from __future__ import annotations

import uuid
from typing import ClassVar

import attrs

from core.shared.events import Event


@attrs.frozen(kw_only=True)
class MediaUploaded(Event):
    """An image was stored and recorded: the job that follows this event makes its thumbnails."""

    name: ClassVar[str] = "media.uploaded"
    media_id: uuid.UUID
