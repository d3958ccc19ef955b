"""Small builders for the contract suites: valid domain objects with unique natural keys."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from core.accounts.model import Account, AuthSession, OneTimeToken, RefreshToken, Role, TokenPurpose
from core.platform.model import AuditEntry, DeadLetter, Language
from core.shared.pagination import Page
from core.shared.time import utcnow


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def account(email: str | None = None, **fields: Any) -> Account:
    return Account.register(email=email or f"{unique()}@example.com", password_hash="argon2-hash", **fields)


def role(code: str | None = None, permissions: list[str] | None = None) -> Role:
    code = code or unique("role_")
    return Role(code=code, name=code.title(), permissions=permissions or ["audit.read"])


def auth_session(account_id: uuid.UUID, *, expires_in: timedelta = timedelta(days=1)) -> AuthSession:
    return AuthSession(account_id=account_id, expires_at=utcnow() + expires_in, user_agent="pytest")


def refresh_token(session_id: uuid.UUID) -> RefreshToken:
    expires_at = utcnow() + timedelta(days=7)
    return RefreshToken(session_id=session_id, token_hash=unique().ljust(64, "0"), expires_at=expires_at)


def one_time_token(account_id: uuid.UUID, purpose: TokenPurpose = "verify_email", *,
                   created_at: datetime | None = None) -> OneTimeToken:  # fmt: skip
    return OneTimeToken(account_id=account_id, purpose=purpose, token_hash=unique().ljust(64, "f"),
                        expires_at=utcnow() + timedelta(hours=1), target="someone@example.com",
                        created_at=created_at or utcnow())  # fmt: skip


def language(code: str, name: str, *, system: bool = False) -> Language:
    return Language(name=name, native_name=name, flag="", iso639_1=code, iso639_2=code + "x",
                    is_system_language=system)  # fmt: skip


def audit_entry(at: datetime, *, actor_id: uuid.UUID | None = None, target_type: str = "account",
                target_id: str = "t1", action: str = "account.update") -> AuditEntry:  # fmt: skip
    return AuditEntry(at=at, actor_id=actor_id, action=action, target_type=target_type, target_id=target_id,
                      changes={"first_name": ["Ali", "Veli"]})  # fmt: skip


def dead_letter(failed_at: datetime, job: str = "send_mail") -> DeadLetter:
    return DeadLetter(job=job, payload={"to": "a@example.com", "n": 1}, error="SMTPError: boom", tries=5,
                      failed_at=failed_at)  # fmt: skip


async def walk(fetch: Callable[[str | None], Awaitable[Page[Any]]], *, max_pages: int = 50) -> list[Any]:
    """Every item of a keyset-paginated list, following next_cursor (a cursor that never ends fails)."""
    items: list[Any] = []
    cursor: str | None = None
    for _ in range(max_pages):
        page = await fetch(cursor)
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        assert page.items, "a page with a next cursor must hold items"
        cursor = page.next_cursor
    raise AssertionError(f"the cursor did not reach the end in {max_pages} pages")
