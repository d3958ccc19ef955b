from __future__ import annotations

import attrs


@attrs.frozen
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    message_id: str | None = None
    """Stable per message (e.g. the id of what asked for it): a copy sent again after a crash between the
    server accepting it and the sender recording that carries the same Message-ID, so mail clients drop it."""
