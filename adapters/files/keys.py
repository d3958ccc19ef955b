"""Storage keys every file adapter accepts: relative, plain ASCII segments, no way out of the root."""

from __future__ import annotations

import mimetypes
import re

_SEGMENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")
TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def checked_key(key: str) -> str:
    """The key itself when it is safe, else ValueError: no empty, `.` or `..` segment, no leading `/` or `\\`,
    nothing but letters, digits, `.`, `_` and `-` in a segment, at most 500 characters."""
    parts = key.split("/")
    if not key or len(key) > 500 or not all(_SEGMENT.match(p) for p in parts) or any(p in (".", "..") for p in parts):
        raise ValueError(f"not a storage key: {key[:100]!r}")
    return key


def is_key(key: str) -> bool:
    try:
        checked_key(key)
    except ValueError:
        return False
    return True


def content_type_of(key: str) -> str:
    """A key's media type from its extension (what the local directory serves it as)."""
    suffix = key[key.rfind(".") :].lower() if "." in key.rsplit("/", 1)[-1] else ""
    return TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
