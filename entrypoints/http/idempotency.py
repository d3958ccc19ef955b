"""Idempotency-Key on POST: the same key and body replay the first response; a different body is 422;
a retry while the first is still running is 409."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import punq
from starlette.requests import Request
from starlette.responses import Response

from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid
from core.shared.time import utcnow
from entrypoints.http.errors import BadRequest
from ports.platform import IdempotencyStore, StoredResponse

REPLAYED_HEADERS = ("content-type", "location")


def caller_scope(request: Request, actor: Actor | None) -> str:
    """Keys are per caller: the account, else the guest's basket or order token, else the client address."""
    if actor is not None and actor.user_id is not None:
        return f"user:{actor.user_id}"
    secret = request.headers.get("x-basket-token") or request.headers.get("x-order-token")
    if secret:
        return "guest:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "client:" + (request.client.host if request.client else "unknown")


async def idempotent(request: Request, required: bool, actor: Actor | None, container: punq.Container,
                     run: Callable[[bytes], Awaitable[Response]]) -> Response:  # fmt: skip
    raw = await request.body()
    key = request.headers.get("idempotency-key")
    if key is None:
        if required:
            raise BadRequest("this request needs an Idempotency-Key header", code="idempotency_key_required")
        return await run(raw)
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise Invalid("Idempotency-Key must be 1 to 255 printable characters", code="invalid_idempotency_key")
    store: IdempotencyStore = container.resolve(IdempotencyStore)
    scope, fingerprint = caller_scope(request, actor), request_fingerprint(request, raw)
    existing = await store.begin(scope, key, fingerprint, utcnow())
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise Invalid("this Idempotency-Key was used with a different request", code="idempotency_key_reused")
        if existing.response is None:
            raise Conflict("a request with this Idempotency-Key is still running", code="idempotency_key_in_progress")
        stored = existing.response
        return Response(
            stored.body, status_code=stored.status, headers={**stored.headers, "Idempotent-Replayed": "true"}
        )
    try:
        response = await run(raw)
    except BaseException:
        await store.release(scope, key)
        raise
    if response.status_code >= 500:
        await store.release(scope, key)
        return response
    body: Any = getattr(response, "body", b"")
    headers = {k: v for k, v in response.headers.items() if k.lower() in REPLAYED_HEADERS}
    await store.finish(scope, key, StoredResponse(response.status_code, headers, bytes(body)))
    return response


def request_fingerprint(request: Request, raw: bytes) -> str:
    """Method, path and the body's canonical JSON (key order and spacing do not matter)."""
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode() if raw.strip() else b""
    except (ValueError, UnicodeDecodeError):
        body = raw
    return hashlib.sha256(request.method.encode() + b" " + request.url.path.encode() + b"\n" + body).hexdigest()
