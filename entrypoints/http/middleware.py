"""Pure ASGI middleware: request id, access log and metrics; the body size limit."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence

from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.errors import PayloadTooLarge, problem
from entrypoints.observability import Metrics, request_id

log = logging.getLogger("carsi.http")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContext:
    """Echo or make an X-Request-ID, log one line per request and count it by route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics, router: Router) -> None:
        self.app, self.metrics, self.router = app, metrics, router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = self._route(scope)
            self.metrics.in_flight.dec()
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(elapsed)
            log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, elapsed * 1000,
                     extra={"method": scope["method"], "path": scope["path"], "status": status,
                            "duration_ms": round(elapsed * 1000, 2)})  # fmt: skip
            request_id.reset(token)

    def _route(self, scope: Scope) -> str:
        matched = scope.get("route")  # set by Starlette's router on the scope it was given
        if matched is not None:
            return str(getattr(matched, "path", "other"))
        for route in self.router.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return str(getattr(route, "path", "other"))
        return "unmatched"


class BodyLimit:
    """413 for bodies above `limit` bytes: by Content-Length at once, else while the body streams in.

    `own_limits` are (method, path pattern) pairs of routes that limit their bodies themselves (uploads, whose
    limit is a runtime setting: see `Ctx.form`)."""

    def __init__(self, app: ASGIApp, limit: int, own_limits: Sequence[tuple[str, re.Pattern[str]]] = ()) -> None:
        self.app, self.limit, self.own_limits = app, limit, tuple(own_limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(
            scope["method"] == method and pattern.match(scope["path"]) for method, pattern in self.own_limits
        ):
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._reject(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise PayloadTooLarge(f"the body is larger than {self.limit} bytes")
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking_send)
        except PayloadTooLarge:
            if not started:
                await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, "payload_too_large", f"the body is larger than {self.limit} bytes")
        await response(scope, receive, send)
