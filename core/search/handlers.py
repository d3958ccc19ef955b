"""The search index follows the catalog: each `catalog.changed` event re-indexes the products it touches."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from core.shared.events import StoredEvent

if TYPE_CHECKING:
    from ports.search import SearchIndex, SearchSource

BATCH = 500


@attrs.define
class FollowCatalog:
    """A product, variant or price change re-indexes that product; a brand or category change its products;
    an import ("catalog") the products it touched. Products no longer visible leave the index."""

    source: SearchSource
    index: SearchIndex

    async def __call__(self, event: StoredEvent) -> None:
        entity, entity_id = str(event.payload["entity"]), uuid.UUID(str(event.payload["entity_id"]))
        since = event.payload.get("since")
        if entity == "catalog" and not since:
            ids = await self.source.product_ids()  # an import that did not say when it started: everything
        else:
            changed_since = datetime.fromisoformat(since) if since else event.occurred_at
            ids = await self.source.affected(entity, entity_id, changed_since)
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            documents = await self.source.documents(batch)
            await self.index.put(documents)
            await self.index.remove(set(batch) - {d.id for d in documents})
