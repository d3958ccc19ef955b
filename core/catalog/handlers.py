"""Event handlers of the catalog: caches follow catalog changes."""

from __future__ import annotations

import attrs

from core.catalog.use_cases.common import CatalogCache
from core.shared.events import StoredEvent


@attrs.define
class InvalidateCatalogCache:
    """Also run after commit by the use case itself; the event makes it happen even if that process died."""

    catalog_cache: CatalogCache

    async def __call__(self, event: StoredEvent) -> None:
        await self.catalog_cache.bump()
