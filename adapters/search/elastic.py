"""Search on Elasticsearch: one index per build behind the alias `products` (reads and writes go through the
alias; a rebuild fills a new index and switches the alias in one atomic step), a Turkish analyzer (Turkish
lower-casing, ASCII folding, the Turkish stemmer), fuzzy and prefix matching per query word, facets as
aggregations.

Unlike the SQL adapters the index holds everything a card shows: what it answers follows the catalog through
the outbox handler (core/search/handlers.py), a moment after each commit."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from elastic_transport import HttpxAsyncHttpNode  # httpx: already a dependency (aiohttp is not)
from elasticsearch import AsyncElasticsearch, NotFoundError

from core.catalog.views import ProductCard, ProductQuery, Ref
from core.search.documents import (
    PRICE_STEPS,
    WEIGHTS,
    FacetCount,
    Facets,
    SearchDocument,
    SearchQuery,
    SearchResult,
    ordered_facets,
    price_ranges,
)
from core.search.matching import terms
from core.shared.money import Money
from core.shared.pagination import bad_cursor, encode_cursor

SCALE = 10_000  # prices are indexed as integers of 1/10000 of the currency unit: exact filters and sorts
FUZZINESS = "AUTO:4,8"  # as core.search.matching.allowed_edits
SETTINGS = {
    "analysis": {
        "filter": {"tr_lowercase": {"type": "lowercase", "language": "turkish"},
                   "tr_stemmer": {"type": "stemmer", "language": "turkish"}},
        "analyzer": {"turkish_folded": {"type": "custom", "tokenizer": "standard",
                                        "filter": ["tr_lowercase", "asciifolding", "tr_stemmer"]}},
    },
}  # fmt: skip
MAPPINGS = {
    "dynamic": False,
    "properties": {
        "id": {"type": "keyword"},
        "a": {"type": "text", "analyzer": "turkish_folded"},
        "b": {"type": "text", "analyzer": "turkish_folded"},
        "c": {"type": "text", "analyzer": "turkish_folded"},
        "brand_id": {"type": "keyword"},
        "category_id": {"type": "keyword"},
        "brand_facet": {"type": "keyword"},
        "category_facet": {"type": "keyword"},
        "name_sort": {"type": "keyword"},
        "created_at": {"type": "date"},
        "prices": {"type": "object", "dynamic": True},  # currency -> lowest price paid, in 1/SCALE units
        "card": {"type": "object", "enabled": False},
        "in_stock": {"type": "boolean"},
    },
}


def _scaled(amount: Decimal) -> int:
    return int(amount * SCALE)


def source_of(doc: SearchDocument) -> dict[str, Any]:
    """The indexed JSON: raw text (the analyzer folds it), filter fields, and the card as shown."""
    return {
        "id": str(doc.id),
        "a": " ".join([doc.name, doc.code, doc.barcode or ""]),
        "b": " ".join([doc.brand.name, *doc.category_path, *doc.variant_texts]),
        "c": " ".join([doc.description, *doc.specifications]),
        "brand_id": str(doc.brand.id),
        "category_id": str(doc.category.id),
        "brand_facet": json.dumps([str(doc.brand.id), doc.brand.slug, doc.brand.name]),
        "category_facet": json.dumps([str(doc.category.id), doc.category.slug, doc.category.name]),
        "name_sort": doc.name,
        "created_at": doc.created_at.isoformat(),
        "prices": {cur: _scaled(sale) for cur, (sale, _) in doc.prices.items()},
        "in_stock": doc.in_stock,
        "card": {
            "in_stock": doc.in_stock,
            "name": doc.name, "slug": doc.slug, "code": doc.code, "tax_rate": str(doc.tax_rate),
            "brand": [str(doc.brand.id), doc.brand.name, doc.brand.slug],
            "category": [str(doc.category.id), doc.category.name, doc.category.slug],
            "created_at": doc.created_at.isoformat(),
            "prices": {cur: [str(sale), None if was is None else str(was)] for cur, (sale, was) in doc.prices.items()},
        },
    }  # fmt: skip


def _index_operations(documents: Sequence[SearchDocument]) -> list[dict[str, Any]]:
    return [op for doc in documents for op in ({"index": {"_id": str(doc.id)}}, source_of(doc))]


def card_of(source: dict[str, Any], currency: str) -> ProductCard:
    card = source["card"]
    price = card["prices"].get(currency)
    brand, category = card["brand"], card["category"]
    return ProductCard(
        uuid.UUID(source["id"]), card["name"], card["slug"], card["code"],
        Ref(uuid.UUID(brand[0]), brand[1], brand[2]), Ref(uuid.UUID(category[0]), category[1], category[2]),
        Money.rounded(Decimal(price[0]), currency) if price else None,
        Money.rounded(Decimal(price[1]), currency) if price and price[1] is not None else None,
        Decimal(card["tax_rate"]), bool(card.get("in_stock", False)), datetime.fromisoformat(card["created_at"]),
    )  # fmt: skip


def _text(q: str) -> list[dict[str, Any]]:
    """Every word must match a field: fuzzily (typos), or as the prefix of an indexed word."""
    boosts = {"a": 10 * WEIGHTS["a"], "b": 10 * WEIGHTS["b"], "c": 10 * WEIGHTS["c"]}
    clauses = []
    for term in terms(q):
        should: list[dict[str, Any]] = []
        for field, boost in boosts.items():
            should.append({"match": {field: {"query": term, "fuzziness": FUZZINESS, "boost": float(boost)}}})
            should.append({"prefix": {field: {"value": term, "boost": float(boost) * 0.8}}})
        clauses.append({"bool": {"should": should, "minimum_should_match": 1}})
    return clauses


def _filters(pq: ProductQuery) -> list[dict[str, Any]]:
    price_field = f"prices.{pq.currency}"
    filters: list[dict[str, Any]] = []
    if pq.category_ids is not None:
        filters.append({"terms": {"category_id": sorted(str(i) for i in pq.category_ids)}})
    if pq.brand_id is not None:
        filters.append({"term": {"brand_id": str(pq.brand_id)}})
    if pq.sort in ("price", "-price") or pq.min_price is not None or pq.max_price is not None:
        filters.append({"exists": {"field": price_field}})
    bounds = {}
    if pq.min_price is not None:
        bounds["gte"] = _scaled(pq.min_price)
    if pq.max_price is not None:
        bounds["lte"] = _scaled(pq.max_price)
    if bounds:
        filters.append({"range": {price_field: bounds}})
    if pq.in_stock is not None:
        filters.append({"term": {"in_stock": pq.in_stock}})
    return filters


def _sort(query: SearchQuery) -> list[dict[str, Any]]:
    if query.relevance:
        return [{"_score": "desc"}, {"id": "desc"}]
    field, order = {"price": (f"prices.{query.products.currency}", "asc"),
                    "-price": (f"prices.{query.products.currency}", "desc"), "name": ("name_sort", "asc"),
                    "-created_at": ("created_at", "desc")}[query.products.sort]  # fmt: skip
    return [{field: order}, {"id": order}]


def _search_after(query: SearchQuery) -> list[Any] | None:
    position = query.products.page.position()
    if position is None:
        return None
    if len(position) != 2:
        raise bad_cursor()
    raw, key = position
    try:
        uuid.UUID(key)
        if query.relevance:
            return [float(raw), key]
        if query.products.sort == "name":
            return [raw, key]
        return [int(raw), key]  # scaled price, or epoch milliseconds
    except (ValueError, OverflowError):
        raise bad_cursor() from None


class ElasticSearchIndex:
    def __init__(self, url: str, alias: str = "products", client: AsyncElasticsearch | None = None) -> None:
        self.client = client or AsyncElasticsearch(url, node_class=HttpxAsyncHttpNode, request_timeout=30)
        self.alias = alias
        self._ready = False
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self.client.close()

    async def _new_index(self) -> str:
        name = f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        await self.client.indices.create(index=name, settings=SETTINGS, mappings=MAPPINGS)
        return name

    async def _current(self) -> list[str]:
        try:
            return list(await self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    async def _ensure(self) -> None:
        """An empty index behind the alias when there is none yet (a fresh cluster). Its fixed name makes
        concurrent first writers (jobs, other processes) meet on the same index."""
        if self._ready:
            return
        async with self._lock:
            if not self._ready and not await self._current():
                first = f"{self.alias}-0"
                await self.client.options(ignore_status=400).indices.create(
                    index=first, settings=SETTINGS, mappings=MAPPINGS
                )
                await self.client.indices.update_aliases(actions=[{"add": {"index": first, "alias": self.alias}}])
            self._ready = True

    async def search(self, query: SearchQuery) -> SearchResult:
        pq = query.products
        must = _text(pq.q) if pq.q else []
        if pq.q and not must:
            return SearchResult([], None, Facets([], [], []) if query.facets else None)
        await self._ensure()
        body: dict[str, Any] = {
            "query": {"bool": {"must": must or [{"match_all": {}}], "filter": _filters(pq)}},
            "sort": _sort(query), "size": pq.page.limit + 1, "track_total_hits": False,
        }  # fmt: skip
        after = _search_after(query)
        if after is not None:
            body["search_after"] = after
        if query.facets:
            ranges = [{"from": _scaled(low), **({"to": _scaled(high)} if high is not None else {})}
                      for low, high in zip(PRICE_STEPS, [*PRICE_STEPS[1:], None], strict=True)]  # fmt: skip
            body["aggs"] = {
                "brands": {"terms": {"field": "brand_facet", "size": 500}},
                "categories": {"terms": {"field": "category_facet", "size": 500}},
                "prices": {"range": {"field": f"prices.{pq.currency}", "ranges": ranges}},
            }
        found = await self.client.search(index=self.alias, **body)
        hits = found["hits"]["hits"]
        cards = [card_of(h["_source"], pq.currency) for h in hits[: pq.page.limit]]
        cursor = encode_cursor(hits[pq.page.limit - 1]["sort"]) if len(hits) > pq.page.limit else None
        return SearchResult(cards, cursor, self._facets(found.get("aggregations")) if query.facets else None)

    @staticmethod
    def _facets(aggs: dict[str, Any] | None) -> Facets:
        aggs = aggs or {}

        def counts(name: str) -> list[FacetCount]:
            rows = []
            for bucket in aggs.get(name, {}).get("buckets", []):
                key, slug, label = json.loads(bucket["key"])
                rows.append(FacetCount(uuid.UUID(key), slug, label, int(bucket["doc_count"])))
            return ordered_facets(rows)

        lows = {_scaled(step): i for i, step in enumerate(PRICE_STEPS)}  # buckets come back by their `from`
        buckets = {lows[int(b["from"])]: int(b["doc_count"]) for b in aggs.get("prices", {}).get("buckets", [])
                   if int(b.get("from", -1)) in lows}  # fmt: skip
        return Facets(counts("brands"), counts("categories"), price_ranges(buckets))

    async def put(self, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        await self._ensure()
        await self._bulk(self.alias, _index_operations(documents), refresh=True)

    async def remove(self, product_ids: Collection[uuid.UUID]) -> None:
        if not product_ids:
            return
        await self._ensure()
        await self._bulk(self.alias, [{"delete": {"_id": str(i)}} for i in product_ids], refresh=True)

    async def _bulk(self, index: str, operations: list[dict[str, Any]], refresh: bool = False) -> None:
        answer = await self.client.bulk(index=index, operations=operations, refresh=refresh)
        if answer["errors"]:
            gone = ("delete", 404)  # deleting what is not there is fine
            failed = [item for item in answer["items"] for op, result in item.items()
                      if result.get("status", 200) >= 300 and (op, result.get("status")) != gone]  # fmt: skip
            if failed:
                raise RuntimeError(f"elasticsearch bulk failed: {failed[:3]}")

    async def rebuild(self, batches: AsyncIterator[list[SearchDocument]]) -> int:
        """A new index filled while the alias keeps serving the old one; then one atomic alias switch and the
        old index dropped."""
        name = await self._new_index()
        count = 0
        try:
            async for batch in batches:
                if batch:
                    await self._bulk(name, _index_operations(batch))
                    count += len(batch)
            await self.client.indices.refresh(index=name)
        except BaseException:
            await self.client.options(ignore_status=404).indices.delete(index=name)
            raise
        old = await self._current()
        actions: list[dict[str, Any]] = [{"remove": {"index": o, "alias": self.alias}} for o in old]
        await self.client.indices.update_aliases(actions=[*actions, {"add": {"index": name, "alias": self.alias}}])
        for index in old:
            await self.client.options(ignore_status=404).indices.delete(index=index)
        self._ready = True
        return count
