"""Secrets handed to users (refresh tokens, e-mail links, SMS codes): random, and stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token, its digest) for a link or refresh token: 256 random bits."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def new_code(digits: int = 6) -> tuple[str, str]:
    """(code, its digest) for an SMS code; guessing is bounded by an attempt limit and expiry."""
    code = f"{secrets.randbelow(10**digits):0{digits}d}"
    return code, digest(code)
