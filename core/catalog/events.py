from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

import attrs

from core.shared.events import Event


@attrs.frozen(kw_only=True)
class CatalogChanged(Event):
    """Something the storefront shows changed: its caches and the search index follow this event."""

    name: ClassVar[str] = "catalog.changed"
    entity: str  # category, brand, optionkey, product, variant
    entity_id: uuid.UUID
    action: str  # created, updated, deleted, price_set, imported
    since: datetime | None = None
    """An import's start: every row it wrote is stamped at this time or later (entity "catalog")."""
