from __future__ import annotations

import uuid
from typing import ClassVar

import attrs

from core.shared.events import Event


@attrs.frozen(kw_only=True)
class LowStock(Event):
    """A stock row's available quantity fell below its minimum level (once per crossing)."""

    name: ClassVar[str] = "inventory.low_stock"
    variant_id: uuid.UUID
    warehouse_id: uuid.UUID
    available: int
    minimum: int
