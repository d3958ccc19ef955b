"""What the PostgreSQL and SQLite search indexes share: the search_documents rows, writes, the rebuild, and the
fallback that keeps a just-changed product findable before its document catches up.

Searches join the live catalog tables for visibility, filters and prices (as the product list does), so only
the text match depends on the documents: a product the outbox handler has not re-indexed yet (its document is
missing or older than the product's version) matches `q` as a folded substring of its name, code and barcode,
with score 0, for ten minutes after its change."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import tables as t
from adapters.sql.catalog_views import reading
from adapters.sql.repositories import like_escaped
from core.search.documents import SearchDocument
from core.shared.text import search_key
from core.shared.time import utcnow

d, p = t.search_documents.c, t.products.c
_WORD = re.compile(r"[^\W_]+")  # letters and digits
CHUNK = 500
RECENT = timedelta(minutes=10)  # how far back the fallback looks (a handler stuck longer waits for a reindex)


def document_row(doc: SearchDocument, generation: str) -> dict[str, Any]:
    texts = {name: " ".join(_WORD.findall(text)) for name, text in doc.texts().items()}
    words = " ".join(dict.fromkeys(_WORD.findall(" ".join(texts.values()))))
    return {"p_id": doc.id, "p_version": doc.version, "p_generation": generation, "p_a": texts["a"],
            "p_b": texts["b"], "p_c": texts["c"], "p_words": words}  # fmt: skip


def changed(new: Any) -> Any:
    """An upsert's condition: rewrite a document only when it differs (the handler re-indexes the same products
    often, e.g. after every import batch: unchanged rows are left alone instead of rewritten)."""
    return sa.or_(*[d[k] != new[k] for k in ("version", "generation", "text_a", "text_b", "text_c")])


def stale_matches(q: str) -> Any:
    """(pid) of products changed within RECENT whose document is missing or outdated and whose search key
    contains `q` (a product the handler has not caught up with for longer waits for it, or a reindex)."""
    ps = t.products.alias("ps")
    fresh = sa.exists().where(d.product_id == ps.c.id, d.version == ps.c.version)
    pattern = f"%{like_escaped(search_key(q))}%"
    return sa.select(ps.c.id.label("pid")).where(
        ps.c.updated_at >= utcnow() - RECENT, ~ps.c.is_deleted, ps.c.search_key.like(pattern, escape="\\"), ~fresh
    )


def documents() -> Any:
    """The up-to-date documents (built from their product's current version) as `pid`."""
    pf = t.products.alias("pf")
    current = sa.exists().where(pf.c.id == d.product_id, pf.c.version == d.version)
    return sa.select(d.product_id.label("pid")).where(current)


def joined(stmt: Any, hits: Any) -> Any:
    """The listing query narrowed to the hits."""
    return stmt.join(hits, hits.c.pid == p.id)


class SqlIndexWrites:
    """put/remove/rebuild over search_documents; subclasses write the dialect's own parts."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.reads = reading(engine)

    async def _ready(self) -> None:
        """Create what the migration leaves to the adapter (nothing by default)."""

    async def _write(self, conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    async def _delete(self, conn: AsyncConnection, ids: list[uuid.UUID]) -> None:
        await conn.execute(sa.delete(t.search_documents).where(d.product_id.in_(ids)))

    async def put(self, documents: Sequence[SearchDocument], generation: str = "live") -> None:
        if not documents:
            return
        await self._ready()
        for start in range(0, len(documents), CHUNK):
            rows = [document_row(doc, generation) for doc in documents[start : start + CHUNK]]
            async with self.engine.begin() as conn:
                await self._write(conn, rows)

    async def remove(self, product_ids: Collection[uuid.UUID]) -> None:
        ids = list(product_ids)
        if not ids:
            return
        await self._ready()
        for start in range(0, len(ids), CHUNK):
            async with self.engine.begin() as conn:
                await self._delete(conn, ids[start : start + CHUNK])

    async def rebuild(self, batches: AsyncIterator[list[SearchDocument]]) -> int:
        """Upsert batch by batch (each its own short transaction: searches keep answering from the documents
        already there), then drop the documents of products no batch held."""
        generation = uuid.uuid4().hex
        seen: set[uuid.UUID] = set()
        async for batch in batches:
            await self.put(batch, generation)
            seen.update(doc.id for doc in batch)
        async with self.reads.connect() as conn:
            present = set(
                (await conn.scalars(sa.select(d.product_id).where(d.generation.not_in([generation, "live"])))).all()
            )
        await self.remove(present - seen)
        return len(seen)
