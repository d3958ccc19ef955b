"""Product search: an index answering the product list's text queries with facets, and the catalog reads
that build what it indexes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from typing import Protocol

from core.search.documents import SearchDocument, SearchQuery, SearchResult


class SearchIndex(Protocol):
    async def search(self, query: SearchQuery) -> SearchResult:
        """Visible products matching `query.products.q` (every word; folded; typos forgiven) and its filters,
        in keyset pages ordered by score or the asked sort; facets over all matches when asked."""
        ...

    async def put(self, documents: Sequence[SearchDocument]) -> None:
        """Add or replace these products' documents."""
        ...

    async def remove(self, product_ids: Collection[uuid.UUID]) -> None: ...

    async def rebuild(self, batches: AsyncIterator[list[SearchDocument]]) -> int:
        """Replace the whole index with these documents while the old one keeps answering; how many."""
        ...


class SearchSource(Protocol):
    """The catalog as the index needs it (committed data)."""

    async def affected(self, entity: str, entity_id: uuid.UUID, since: datetime) -> list[uuid.UUID]:
        """Ids of the products whose documents a change of this catalog entity touches; for "catalog" (an
        import) those whose product, variants, prices, brand or category changed at `since` or later."""
        ...

    async def documents(self, product_ids: Sequence[uuid.UUID]) -> list[SearchDocument]:
        """Documents of those products that are visible; the others are left out (to be removed)."""
        ...

    async def product_ids(self) -> list[uuid.UUID]:
        """Every live product's id."""
        ...
