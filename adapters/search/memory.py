"""Search on the memory store (unit tests): documents kept in the store, ranked in Python by core's rules."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from adapters.memory.catalog import listed_cards, variants_on_sale
from adapters.memory.store import MemoryStore
from core.catalog.model import descendants
from core.catalog.views import Ref
from core.search.documents import SearchDocument, SearchQuery, SearchResult
from core.search.matching import known_terms, page_hits, score, terms
from core.shared.text import search_key

TABLE = "search_documents"


def _shown(row: dict[str, Any] | None) -> bool:
    return row is not None and bool(row["is_active"]) and not row["is_deleted"]


class MemorySearchSource:
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    async def affected(self, entity: str, entity_id: uuid.UUID, since: datetime) -> list[uuid.UUID]:
        products = self.store.rows("products")
        if entity == "product":
            return [entity_id]
        if entity == "variant":
            variant = self.store.read("variants", entity_id)
            return [variant["product_id"]] if variant else []
        if entity == "brand":
            return [p["id"] for p in products if p["brand_id"] == entity_id]
        if entity == "category":
            parents = {c["id"]: c["parent_id"] for c in self.store.rows("categories")}
            under = descendants(entity_id, parents)
            return [p["id"] for p in products if p["category_id"] in under]
        if entity == "catalog":
            changed = {
                r["id"] for t in ("brands", "categories") for r in self.store.rows(t) if r["updated_at"] >= since
            }
            for v in self.store.rows("variants"):
                if v["updated_at"] >= since or any(price["updated_at"] >= since for price in v["prices"]):
                    changed.add(v["product_id"])
            return [p["id"] for p in products if p["updated_at"] >= since or changed & {p["id"], p["brand_id"],
                                                                                        p["category_id"]}]  # fmt: skip
        return []

    async def product_ids(self) -> list[uuid.UUID]:
        return [p["id"] for p in self.store.rows("products") if not p["is_deleted"]]

    async def documents(self, product_ids: Sequence[uuid.UUID]) -> list[SearchDocument]:
        brands = {r["id"]: r for r in self.store.rows("brands")}
        categories = {r["id"]: r for r in self.store.rows("categories")}
        wanted = set(product_ids)
        on_sale = variants_on_sale(self.store)
        variants: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for v in self.store.rows("variants"):
            if v["product_id"] in wanted and _shown(v):
                variants.setdefault(v["product_id"], []).append(v)
        out = []
        for key in product_ids:
            p: Any = self.store.read("products", key)
            if not _shown(p) or not _shown(brands.get(p["brand_id"])) or not _shown(categories.get(p["category_id"])):
                continue
            path, node = [], categories.get(p["category_id"])
            while node is not None:
                path.append(node["name"])
                node = categories.get(node["parent_id"])
            mine = variants.get(key, [])
            prices: dict[str, tuple[Decimal, Decimal | None]] = {}
            for v in mine:
                for price in v["prices"]:
                    if _shown(price):
                        sale = price["amount"] - price["discount"]
                        if price["currency"] not in prices or sale < prices[price["currency"]][0]:
                            prices[price["currency"]] = (sale, price["amount"] if price["discount"] else None)
            brand, category = brands[p["brand_id"]], categories[p["category_id"]]
            out.append(SearchDocument(
                id=p["id"], version=p["version"], name=p["name"], slug=p["slug"], code=p["code"],
                barcode=p["barcode"], brand=Ref(brand["id"], brand["name"], brand["slug"]),
                category=Ref(category["id"], category["name"], category["slug"]), category_path=tuple(path),
                variant_texts=tuple(t for v in mine for t in (v["code"], v["name"], v["barcode"] or "") if t),
                description=p["description"],
                specifications=tuple(x for s in p["specifications"] for x in (s["key"], s["value"])),
                tax_rate=p["tax_rate"], created_at=p["created_at"], prices=prices,
                in_stock=any(v["id"] in on_sale for v in mine),
            ))  # fmt: skip
        return out


class MemorySearchIndex:
    """Documents in the store; visibility, filters and prices from the committed catalog (as the SQL adapter
    joins them). A product changed since its document was built matches as a folded substring of its name, code
    and barcode until the handler catches up."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    async def search(self, query: SearchQuery) -> SearchResult:
        q, wanted = query.products.q, terms(query.products.q)
        folded = search_key(q or "")
        documents: dict[uuid.UUID, SearchDocument] = self.store.tables[TABLE]
        known = known_terms(wanted, (d.texts() for d in documents.values())) if wanted else set()
        hits = []
        for row, card in listed_cards(self.store, query.products):
            if not q:
                hits.append((Decimal(0), card))
                continue
            doc = documents.get(row["id"])
            if doc is not None and doc.version == row["version"]:
                found = score(wanted, doc.texts(), known) if wanted else None
                if found is not None:
                    hits.append((found, card))
            elif folded in search_key(f"{row['name']} {row['code']} {row['barcode'] or ''}"):
                hits.append((Decimal(0), card))
        return page_hits(hits, query)

    async def put(self, documents: Sequence[SearchDocument]) -> None:
        for doc in documents:
            self.store.tables[TABLE][doc.id] = doc

    async def remove(self, product_ids: Collection[uuid.UUID]) -> None:
        for key in product_ids:
            self.store.tables[TABLE].pop(key, None)

    async def rebuild(self, batches: AsyncIterator[list[SearchDocument]]) -> int:
        fresh: dict[uuid.UUID, SearchDocument] = {}
        async for batch in batches:
            fresh.update((d.id, d) for d in batch)
        self.store.tables[TABLE] = fresh  # one swap: readers see the old documents until here
        return len(fresh)
