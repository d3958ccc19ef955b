"""What the basket context needs from storage: baskets, and the catalog's current offers for pricing."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from core.basket.model import Basket
from core.basket.pricing import Offer


class BasketRepository(Protocol):
    async def add(self, basket: Basket) -> None: ...
    async def get(self, basket_id: uuid.UUID, *, for_update: bool = False) -> Basket | None:
        """The basket (any status) with its lines, or None. `for_update` locks it until the transaction ends
        (PostgreSQL), so concurrent changes to one basket queue up instead of colliding."""
        ...

    async def for_user(self, user_id: uuid.UUID) -> Basket | None:
        """The user's active basket (there is at most one: a database constraint)."""
        ...

    async def offers(self, variant_ids: Collection[uuid.UUID], currency: str) -> dict[uuid.UUID, Offer]:
        """The catalog's offer for each live variant among `variant_ids` (missing: unknown or deleted)."""
        ...

    async def abandon_idle(self, before: datetime, batch: int) -> int:
        """Mark up to `batch` active baskets last active before `before` as abandoned (one UPDATE, bumping their
        version); how many were marked."""
        ...
