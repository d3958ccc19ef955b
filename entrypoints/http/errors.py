"""One exception table: every error becomes an RFC 9457 problem+json; never a stack trace."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.shared.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    RateLimited,
    Unauthenticated,
)

log = logging.getLogger("carsi.http")

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    RateLimited: 429,
}


class BadRequest(DomainError):
    """Malformed body: not JSON, wrong content type, a missing required header -> 400."""

    code = "bad_request"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


STATUS[BadRequest] = 400
STATUS[PayloadTooLarge] = 413


class ProblemResponse(Response):
    media_type = "application/problem+json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def problem(status: int, code: str, detail: str = "", *, errors: list[FieldError] | None = None,
            headers: dict[str, str] | None = None) -> ProblemResponse:  # fmt: skip
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {"type": f"https://carsi.dev/problems/{code}", "title": title, "status": status,
                            "detail": detail or title, "code": code}  # fmt: skip
    if errors:
        body["errors"] = [{"loc": list(e.loc), "msg": e.msg} for e in errors]
    return ProblemResponse(body, status_code=status, headers=headers)


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]  # type: ignore[index]
    return 400


def domain_problem(exc: DomainError) -> ProblemResponse:
    status = status_of(exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if isinstance(exc, Unauthenticated):
        headers = {"WWW-Authenticate": "Bearer"}
    errors = getattr(exc, "errors", None) or None  # a 422's fields, or a 409's (e.g. which variants are short)
    return problem(status, exc.code, exc.detail, errors=errors, headers=headers)


async def on_domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return domain_problem(exc)


HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "payload_too_large"}


async def on_http_exception(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail or ""),
                   headers=dict(exc.headers or {}))  # fmt: skip


async def on_unexpected(_request: Request, exc: Exception) -> Response:
    log.error("unhandled error: %r", exc, exc_info=exc)
    return problem(500, "internal_error", "something went wrong on our side; it has been logged")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: on_domain_error,
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}
