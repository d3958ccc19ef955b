"""The error hierarchy every context raises; the HTTP layer maps each base class to a status."""

from __future__ import annotations

import attrs


@attrs.frozen
class FieldError:
    loc: tuple[str | int, ...]
    msg: str


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code: str = "error"

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """Unknown id, or someone else's resource (never leak existence) -> 404."""

    code = "not_found"


class Conflict(DomainError):
    """A business rule or state conflict -> 409, with a stable machine-readable code."""

    code = "conflict"


class Invalid(DomainError):
    """Well-formed but invalid input -> 422, with the fields at fault."""

    code = "validation_error"

    def __init__(
        self,
        detail: str = "",
        *,
        code: str | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(detail, code=code)
        self.errors = errors or []

    @classmethod
    def field(cls, name: str, msg: str, *, code: str | None = None) -> Invalid:
        return cls(f"{name}: {msg}", code=code, errors=[FieldError(("body", name), msg)])


class Unauthenticated(DomainError):
    """Missing, invalid, expired or revoked credentials -> 401."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """Authenticated but lacking a permission -> 403."""

    code = "forbidden"


class RateLimited(DomainError):
    """Too many attempts -> 429 with Retry-After."""

    code = "rate_limited"

    def __init__(self, detail: str = "", *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
