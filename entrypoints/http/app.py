"""The Starlette application: routes from every context, middleware, one error table, docs and health."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import punq
import swagger_ui
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, compile_path
from starlette.staticfiles import StaticFiles

from bootstrap import Settings, bootstrap, readiness, shutdown
from core.jobs import SCHEDULED
from entrypoints.http.api import Endpoint, Routes, starlette_route
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.middleware import BodyLimit, RequestContext
from entrypoints.http.openapi import document
from entrypoints.http.routes import accounts, addresses, catalog, company, geo, media, platform, staff, storefront
from entrypoints.http.routes import basket as basket_routes
from entrypoints.http.routes import discounts as discount_routes
from entrypoints.http.routes import inventory as inventory_routes
from entrypoints.http.routes import notifications as notification_routes
from entrypoints.http.routes import orders as order_routes
from entrypoints.http.routes import payments as payment_routes
from entrypoints.http.routes import promotions as promotion_routes
from entrypoints.http.routes import rewards as reward_routes
from entrypoints.observability import Metrics
from ports.services import TaskQueue

log = logging.getLogger("carsi.http")
CONTEXTS: list[Routes] = [
    accounts.routes,
    accounts.me_routes,
    staff.routes,
    platform.routes,
    catalog.routes,
    storefront.routes,
    media.routes,
    company.routes,
    geo.routes,
    addresses.routes,
    inventory_routes.routes,
    basket_routes.routes,
    order_routes.routes,
    notification_routes.routes,
    payment_routes.routes,
    discount_routes.routes,  # promotions: standalone discounts
    reward_routes.routes,  # rewards: my points, staff view and adjustment
    promotion_routes.routes,  # promotions: campaigns, coupons, bundles (staff)
]
SWAGGER_STATIC = os.path.join(os.path.dirname(swagger_ui.__file__), "static")
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Çarşı API</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({url: "/openapi.json", dom_id: "#docs", deepLinking: true, persistAuthorization: true});
</script>
</body></html>"""


_HEALTH = {"type": "object", "required": ["status"], "properties": {
    "status": {"enum": ["ok", "unavailable"]},
    "checks": {"type": "object", "additionalProperties": {"enum": ["ok", "failed"]}},
    "detail": {"type": "string", "description": "which backing services do not answer"}}}  # fmt: skip
OPERATIONS_PATHS: dict[str, Any] = {
    "/health/live": {"get": {"summary": "Liveness: 200 while the process runs", "tags": ["operations"],
                             "operationId": "operations_live",
                             "responses": {"200": {"description": "OK",
                                                   "content": {"application/json": {"schema": _HEALTH}}}}}},
    "/health/ready": {"get": {"summary": "Readiness: 200 when the database (and Redis, when configured) answer",
                              "tags": ["operations"], "operationId": "operations_ready",
                              "responses": {"200": {"description": "OK",
                                                    "content": {"application/json": {"schema": _HEALTH}}},
                                            "503": {"description": "A backing service does not answer",
                                                    "content": {"application/json": {"schema": _HEALTH}}}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics", "tags": ["operations"], "operationId": "operations_metrics",
                         "responses": {"200": {"description": "Prometheus text exposition format",
                                               "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    "/media/{key}": {"get": {"summary": "A stored image or thumbnail (local-disk storage; with S3 the bucket serves)",
                             "tags": ["media"], "operationId": "media_file",
                             "parameters": [{"name": "key", "in": "path", "required": True,
                                             "schema": {"type": "string"}}],
                             "responses": {"200": {"description": "The file, with long-lived cache headers",
                                                   "content": {"image/*": {"schema": {"type": "string",
                                                                                      "format": "binary"}}}},
                                           "404": {"description": "No such file"}}}},
}  # fmt: skip


def endpoints() -> list[Endpoint]:
    return [ep for routes in CONTEXTS for ep in routes.endpoints]


def create_app(container: punq.Container | None = None, *, owns_container: bool | None = None) -> Starlette:
    """The app over `container` (built from the environment when not given). It shuts down at the end of
    its lifespan the container it owns: the one it built, or one handed over with `owns_container=True`."""
    owned = container is None if owns_container is None else owns_container
    c = container or bootstrap()
    settings: Settings = c.resolve(Settings)
    metrics = Metrics()
    openapi = document(endpoints(), title="Çarşı", version="1")
    openapi["paths"].update(OPERATIONS_PATHS)

    async def openapi_json(_request: Request) -> Response:
        return JSONResponse(openapi)

    async def docs(_request: Request) -> Response:
        return HTMLResponse(DOCS_PAGE)

    async def live(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_request: Request) -> Response:
        checks = await readiness(c)
        failed = [name for name, error in checks.items() if error is not None]
        for name in failed:
            log.warning("readiness: %s does not answer (%s)", name, checks[name])
        body = {
            "status": "unavailable" if failed else "ok",
            "checks": {name: "failed" if error else "ok" for name, error in checks.items()},
        }
        if failed:
            body["detail"] = f"not answering: {', '.join(failed)}"
        return JSONResponse(body, status_code=503 if failed else 200)

    async def prometheus(_request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    routes: list[Any] = [starlette_route(ep, c) for ep in endpoints()]
    routes += [
        Route("/openapi.json", openapi_json, include_in_schema=False),
        Route("/docs", docs, include_in_schema=False),
        Mount("/docs/static", StaticFiles(directory=SWAGGER_STATIC), name="docs-static"),
        Route("/health/live", live),
        Route("/health/ready", ready),
        Route("/metrics", prometheus),
        Route("/media/{key:path}", media.file_server(c), methods=["GET"], include_in_schema=False),
    ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        chores = None if settings.redis_url else asyncio.create_task(periodic_jobs(c))
        yield
        if chores is not None:
            chores.cancel()
        if owned:
            await shutdown(c)

    uploads = [(ep.method, compile_path(ep.path)[0]) for ep in endpoints() if ep.form is not None]  # own limits
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS, lifespan=lifespan,
                    middleware=[Middleware(BodyLimit, limit=settings.max_body_bytes, own_limits=uploads)])  # fmt: skip
    app.state.container = c
    app.add_middleware(RequestContext, metrics=metrics, router=app.router)
    return app


async def periodic_jobs(c: punq.Container, relay_every: float = 30.0, prune_every: float = 3600.0,
                        scheduled: dict[str, float] | None = None) -> None:  # fmt: skip
    """Without a worker (no REDIS_URL) the API process runs the periodic chores itself: a safety-net outbox
    relay (events are relayed right after each commit anyway), pruning of relayed events, and every job of
    `core.jobs.SCHEDULED` (or `scheduled`), each enqueued at startup and then once per its interval."""
    queue: TaskQueue = c.resolve(TaskQueue)
    chores = {"relay_outbox": relay_every, "prune_outbox": prune_every}
    every = {**chores, **(SCHEDULED if scheduled is None else scheduled)}
    last = dict.fromkeys(every, -math.inf)
    while True:
        for job, interval in every.items():
            if time.monotonic() - last[job] >= interval:
                last[job] = time.monotonic()
                await queue.enqueue(job, {})
        await asyncio.sleep(min(every.values()))


def app_from_env() -> Starlette:
    """The uvicorn factory (`carsi serve`): logging and Sentry set up from the environment first."""
    from entrypoints.observability import configure_logging, init_sentry

    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    init_sentry(settings.sentry_dsn, settings.sentry_environment)
    return create_app(bootstrap(settings), owns_container=True)
