"""Search on PostgreSQL: a weighted tsvector (the built-in `turkish` configuration: stemming, stop words) over
folded text, prefix matching, and pg_trgm word similarity for typos; ranking, keyset pages and facets in SQL."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.search.sql import SqlIndexWrites, changed, d, documents, joined, stale_matches
from adapters.sql import tables as t
from adapters.sql.catalog_views import listing_page, listing_select
from core.search.documents import (
    PRICE_STEPS,
    FacetCount,
    Facets,
    SearchQuery,
    SearchResult,
    ordered_facets,
    price_ranges,
)
from core.search.matching import allowed_edits, terms

TURKISH: Any = sa.literal_column("'turkish'::regconfig")
SCORE = sa.Numeric(20, 6)


def _vector(a: Any, b_: Any, c_: Any) -> Any:
    def part(text: Any, weight: str) -> Any:
        return sa.func.setweight(sa.func.to_tsvector(TURKISH, text), sa.literal_column(f"'{weight}'"))

    return part(a, "A").op("||")(part(b_, "B")).op("||")(part(c_, "C"))


def _prefix(term: str) -> str:
    return f"'{term}':*"  # terms are letters and digits: nothing to escape


def _tsquery(term: str) -> Any:
    return sa.func.to_tsquery(TURKISH, _prefix(term))


class PostgresSearchIndex(SqlIndexWrites):
    async def _write(self, conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
        bp = sa.bindparam
        stmt = insert(t.search_documents).values(
            product_id=bp("p_id", type_=sa.Uuid()), version=bp("p_version"), generation=bp("p_generation"),
            text_a=bp("p_a"), text_b=bp("p_b"), text_c=bp("p_c"), words=bp("p_words"),
            document=_vector(bp("p_a", type_=sa.Text()), bp("p_b", type_=sa.Text()), bp("p_c", type_=sa.Text())),
        )  # fmt: skip
        stmt = stmt.on_conflict_do_update(index_elements=[d.product_id], set_={
            k: stmt.excluded[k] for k in ("version", "generation", "text_a", "text_b", "text_c", "words", "document")
        }, where=changed(stmt.excluded))  # fmt: skip
        await conn.execute(stmt, rows)

    @staticmethod
    async def _known(conn: AsyncConnection, wanted: list[str]) -> list[bool]:
        """Per term: whether some document holds it as a word or a word's beginning (then no typo matching)."""
        checks = [sa.exists().where(d.document.op("@@")(_tsquery(term))) for term in wanted]
        return list((await conn.execute(sa.select(*checks))).one())

    @staticmethod
    def _hits(q: str, wanted: list[str], known: list[bool], scored: bool) -> Any:
        """(pid, score) of the products matching every term: by the tsvector (stemmed words and their beginnings)
        or, for a term no document holds, by trigram word similarity (`<%`, GIN-indexed)."""
        conditions, exact, typo_rank = [], [], []
        for term, held in zip(wanted, known, strict=True):
            if held or not allowed_edits(term):
                conditions.append(d.document.op("@@")(_tsquery(term)))
                exact.append(term)
            else:
                conditions.append(sa.literal(term).op("<%")(d.words))
                typo_rank.append(sa.func.word_similarity(term, d.text_a))  # a typo in the name ranks first
        score: Any = sa.cast(0, SCORE)
        if scored:
            rank: Any = sa.literal(0.0)
            if exact:
                rank = sa.func.ts_rank(d.document, sa.func.to_tsquery(TURKISH, " | ".join(map(_prefix, exact))))
            for value in typo_rank:
                rank = rank + 0.1 * value
            score = sa.func.round(sa.cast(rank, sa.Numeric), 6, type_=SCORE)
        matched = documents().add_columns(score.label("score")).where(*conditions)
        stale = stale_matches(q).add_columns(sa.cast(0, SCORE).label("score"))
        return sa.union_all(matched, stale).subquery("hits")

    async def search(self, query: SearchQuery) -> SearchResult:
        pq = query.products
        wanted = terms(pq.q)
        if pq.q and not wanted:
            return SearchResult([], None, Facets([], [], []) if query.facets else None)
        async with self.reads.connect() as conn:
            known = await self._known(conn, wanted) if wanted else []

            def select(scored: bool) -> tuple[Any, Any]:
                stmt = listing_select(pq)
                if not pq.q:
                    return stmt.add_columns(sa.cast(0, SCORE).label("score")), sa.cast(0, SCORE)
                hits = self._hits(pq.q, wanted, known, scored)
                return joined(stmt, hits).add_columns(hits.c.score), hits.c.score

            facets = await self._facets(conn, select(scored=False)[0]) if query.facets else None
            stmt, score = select(scored=query.relevance)
            cards, cursor = await listing_page(conn, stmt, pq, score if query.relevance else None)
            return SearchResult(cards, cursor, facets)

    @staticmethod
    async def _facets(conn: AsyncConnection, stmt: Any) -> Facets:
        found = stmt.subquery("found")
        f = found.c
        bucket = sa.case(*[(f.min_price >= step, i) for i, step in reversed(list(enumerate(PRICE_STEPS)))],
                         else_=None).label("bucket")  # fmt: skip
        keys = [f.brand_id, f.brand_name, f.brand_slug, f.cat_id, f.cat_name, f.cat_slug, bucket]
        rows = (await conn.execute(sa.select(*keys, sa.func.count().label("n")).group_by(*keys))).all()
        brands: Counter[tuple[uuid.UUID, str, str]] = Counter()
        categories: Counter[tuple[uuid.UUID, str, str]] = Counter()
        buckets: Counter[int] = Counter()
        for r in rows:
            brands[(r.brand_id, r.brand_slug, r.brand_name)] += r.n
            categories[(r.cat_id, r.cat_slug, r.cat_name)] += r.n
            if r.bucket is not None:
                buckets[r.bucket] += r.n
        return Facets(ordered_facets([FacetCount(*key, n) for key, n in brands.items()]),
                      ordered_facets([FacetCount(*key, n) for key, n in categories.items()]),
                      price_ranges(dict(buckets)))  # fmt: skip
