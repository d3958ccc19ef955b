from __future__ import annotations

import attrs


@attrs.frozen
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
