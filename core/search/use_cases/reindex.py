"""`carsi search reindex`: rebuild the whole index from the catalog while the old one keeps answering."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import attrs

from core.catalog.use_cases.common import CatalogCache
from core.search.documents import SearchDocument

if TYPE_CHECKING:
    from ports.search import SearchIndex, SearchSource


@attrs.define
class Reindex:
    source: SearchSource
    index: SearchIndex
    catalog_cache: CatalogCache

    async def __call__(self, progress: Callable[[int], None] | None = None, batch: int = 500) -> tuple[int, int]:
        """(products read, documents indexed); `progress` gets the count of each batch read."""
        ids = await self.source.product_ids()

        async def batches() -> AsyncIterator[list[SearchDocument]]:
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                documents = await self.source.documents(chunk)
                yield documents
                if progress is not None:
                    progress(len(chunk))

        indexed = await self.index.rebuild(batches())
        await self.catalog_cache.bump()  # cached search answers came from the old index
        return len(ids), indexed

    async def total(self) -> int:
        return len(await self.source.product_ids())
