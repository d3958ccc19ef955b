"""Checks on the values an account is made of."""

from __future__ import annotations

import re

from core.shared.errors import Invalid

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """Lower-cased and trimmed; the whole address is compared case-insensitively."""
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise Invalid.field("email", "not a valid e-mail address", code="invalid_email")
    return value


def check_password(password: str, min_length: int) -> None:
    if len(password) < min_length:
        raise Invalid.field("password", f"must be at least {min_length} characters", code="password_too_short")
    if len(password) > 1024:
        raise Invalid.field("password", "must be at most 1024 characters", code="password_too_long")


def check_text(name: str, value: object, max_length: int, *, required: bool = False) -> str:
    """A string field within the length its column holds (never a database error for bad input)."""
    if not isinstance(value, str):
        raise Invalid.field(name, "must be a string")
    if required and not value.strip():
        raise Invalid.field(name, "must not be empty")
    if len(value) > max_length:
        raise Invalid.field(name, f"must be at most {max_length} characters")
    return value
