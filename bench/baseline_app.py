"""The catalog benchmark's baselines: bare Starlette routes, served by uvicorn exactly like the API.

    GET /json               a small JSON object (what the server and the framework alone cost)
    GET /row?id=...         one row by primary key from BENCH_DATABASE_URL's `products` through psycopg 3 (the
                            API's driver), on a fixed pool of autocommit connections per worker
    GET /row-engine?id=...  the same row through the API's own engine (`adapters.sql.engine.make_engine`:
                            SQLAlchemy's async pool, pre-ping, a transaction per checkout): a reference that shows
                            what the engine adds to one query

The uvicorn factory is `bench.baseline_app:create_app`; each worker opens its own connections in the lifespan.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg.rows import dict_row
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.sql.engine import make_engine

COLUMNS = "id, code, name, slug, category_id, brand_id, is_active"
ROW = f"SELECT {COLUMNS} FROM products WHERE id = %s"
ROW_SA = sa.text(f"SELECT {COLUMNS} FROM products WHERE id = :id")
POOL_SIZE = 10  # the API engine's pool_size


class Pool:
    """A fixed set of connections handed out one request at a time (what psycopg_pool does, minus the extras)."""

    def __init__(self, url: str, size: int) -> None:
        self._url, self._size = url, size
        self._free: asyncio.Queue[psycopg.AsyncConnection[dict[str, Any]]] = asyncio.Queue()
        self._all: list[psycopg.AsyncConnection[dict[str, Any]]] = []

    async def open(self) -> None:
        for _ in range(self._size):
            conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True, row_factory=dict_row)
            self._all.append(conn)
            self._free.put_nowait(conn)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[dict[str, Any]]]:
        conn = await self._free.get()
        try:
            yield conn
        finally:
            self._free.put_nowait(conn)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()


def _row_id(request: Request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.query_params["id"])
    except (KeyError, ValueError):
        return None


def _answer(row: Any) -> Response:
    if row is None:
        return JSONResponse({"detail": "no such row"}, status_code=404)
    return JSONResponse({k: str(v) if isinstance(v, uuid.UUID) else v for k, v in dict(row).items()})


def create_app() -> Starlette:
    url = os.environ["BENCH_DATABASE_URL"]
    pool = Pool(url, POOL_SIZE)
    engine = make_engine(url)

    async def json_route(_request: Request) -> Response:
        return JSONResponse({"ok": True, "name": "baseline", "items": [1, 2, 3]})

    async def row_route(request: Request) -> Response:
        if (row_id := _row_id(request)) is None:
            return JSONResponse({"detail": "id: a UUID"}, status_code=422)
        async with pool.connection() as conn:
            row = await (await conn.execute(ROW, (row_id,))).fetchone()
        return _answer(row)

    async def row_engine_route(request: Request) -> Response:
        if (row_id := _row_id(request)) is None:
            return JSONResponse({"detail": "id: a UUID"}, status_code=422)
        async with engine.connect() as conn:
            row = (await conn.execute(ROW_SA, {"id": row_id})).mappings().first()
        return _answer(row)

    async def ready(_request: Request) -> Response:
        async with pool.connection() as conn:
            await conn.execute("SELECT 1")
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await pool.open()
        yield
        await pool.close()
        await engine.dispose()

    routes = [Route("/json", json_route), Route("/row", row_route), Route("/row-engine", row_engine_route),
              Route("/health/ready", ready)]  # fmt: skip
    return Starlette(routes=routes, lifespan=lifespan)
