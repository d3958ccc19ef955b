"""Search on SQLite (the embedded profile): an FTS5 table with the trigram tokenizer finds candidates (any
trigram of each query word), core's matching rules filter and rank them in Python (folding, prefixes, typos).

The FTS5 table is derived data: this adapter creates it on first use (virtual tables and their shadow tables
stay out of the migrated schema) and `carsi search reindex` fills it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.search.sql import SqlIndexWrites, changed, d, documents, joined, stale_matches
from adapters.sql import tables as t
from adapters.sql.catalog_views import card_from_row, listing_select
from core.search.documents import SearchQuery, SearchResult
from core.search.matching import known_terms, page_hits, score, terms

p = t.products.c
FTS = "search_fts"
_fts = sa.table(FTS, sa.column("product_id", sa.Uuid()), sa.column("words", sa.Text()))


def fts_expression(words: list[str]) -> str | None:
    """Each word of 3+ letters must share a trigram with the text: `("kaz" OR "azk") AND (...)`."""
    groups = []
    for word in words:
        grams = list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))
        if grams:
            groups.append("(" + " OR ".join(f'"{g}"' for g in grams) + ")")
    return " AND ".join(groups) or None


class SqliteSearchIndex(SqlIndexWrites):
    _created = False

    async def _ready(self) -> None:
        if not self._created:
            async with self.engine.begin() as conn:
                await conn.exec_driver_sql(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(product_id UNINDEXED, words, "
                    "tokenize='trigram')"
                )
            self._created = True

    async def _write(self, conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
        bp = sa.bindparam
        stmt = insert(t.search_documents).values(
            product_id=bp("p_id", type_=sa.Uuid()), version=bp("p_version"), generation=bp("p_generation"),
            text_a=bp("p_a"), text_b=bp("p_b"), text_c=bp("p_c"), words=bp("p_words"), document="",
        )  # fmt: skip
        stmt = stmt.on_conflict_do_update(index_elements=[d.product_id], set_={
            k: stmt.excluded[k] for k in ("version", "generation", "text_a", "text_b", "text_c", "words")
        }, where=changed(stmt.excluded))  # fmt: skip
        await conn.execute(stmt, rows)
        await conn.execute(sa.delete(_fts).where(_fts.c.product_id.in_([r["p_id"] for r in rows])))
        await conn.execute(sa.insert(_fts).values(product_id=bp("p_id", type_=sa.Uuid()), words=bp("p_words")), rows)

    async def _delete(self, conn: AsyncConnection, ids: list[uuid.UUID]) -> None:
        await super()._delete(conn, ids)
        await conn.execute(sa.delete(_fts).where(_fts.c.product_id.in_(ids)))

    async def search(self, query: SearchQuery) -> SearchResult:
        pq = query.products
        stmt = listing_select(pq)
        wanted = terms(pq.q)
        if pq.q:
            if not wanted:
                return page_hits([], query)
            await self._ready()
            fresh = documents().add_columns(d.text_a, d.text_b, d.text_c)
            expression = fts_expression(wanted)
            if expression:
                matching = sa.text(f"{FTS} MATCH :fts").bindparams(fts=expression)
                fresh = fresh.where(d.product_id.in_(sa.select(_fts.c.product_id).where(matching)))
            nulls = [sa.null().label(n) for n in ("text_a", "text_b", "text_c")]
            hits = sa.union_all(fresh, stale_matches(pq.q).add_columns(*nulls)).subquery("hits")
            stmt = joined(stmt, hits).add_columns(hits.c.text_a, hits.c.text_b, hits.c.text_c)
        async with self.reads.connect() as conn:
            rows = (await conn.execute(stmt)).mappings().all()
        texts = {row["id"]: {"a": row["text_a"], "b": row["text_b"], "c": row["text_c"]}
                 for row in rows if pq.q and row["text_a"] is not None}  # fmt: skip
        known = known_terms(wanted, texts.values())  # among the candidates: they hold every exact match
        found: list[tuple[Decimal, Any]] = []
        for row in rows:
            rank: Decimal | None = Decimal(0)
            if pq.q and row["id"] in texts:
                rank = score(wanted, texts[row["id"]], known)
            if rank is not None:
                found.append((rank, card_from_row(row, pq.currency)))
        return page_hits(found, query)
