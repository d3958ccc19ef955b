"""Keyset pagination with opaque cursors: stable under inserts, every row visited once."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import attrs

from core.shared.errors import FieldError, Invalid

T = TypeVar("T")
MAX_LIMIT = 100


@attrs.frozen
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None = None


@attrs.frozen
class PageRequest:
    limit: int = 20
    cursor: str | None = None

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise Invalid("limit must be between 1 and 100", errors=[_loc("limit", "must be between 1 and 100")])

    def position(self) -> list[Any] | None:
        return decode_cursor(self.cursor) if self.cursor else None


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps([str(k) for k in key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError):
        key = None
    if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
        raise Invalid("the cursor is not one this API gave out", errors=[_loc("cursor", "invalid cursor")])
    return key


def bad_cursor() -> Invalid:
    """A well-formed cursor whose position does not fit the listing (wrong length, not a number, ...)."""
    return Invalid("the cursor is not one this API gave out", code="invalid_cursor",
                   errors=[_loc("cursor", "invalid cursor")])  # fmt: skip


def _loc(name: str, msg: str) -> FieldError:
    return FieldError(("query", name), msg)
