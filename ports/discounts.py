"""What standalone discounts need from storage (`uow.discounts`)."""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime
from typing import Protocol

from core.promotions.discounts import Discount
from core.shared.pagination import Page, PageRequest


class DiscountRepository(Protocol):
    """Live (not soft-deleted) discounts, in the caller's transaction."""

    async def add(self, discount: Discount) -> None: ...
    async def get(self, discount_id: uuid.UUID) -> Discount:
        """The discount, or NotFound."""
        ...

    async def list(self, page: PageRequest, *, target_type: str | None = None,
                   target_id: uuid.UUID | None = None) -> Page[Discount]:  # fmt: skip
        """Newest first, optionally those of one target type and/or target."""
        ...

    async def live(self, currency: str, at: datetime) -> builtins.list[Discount]:
        """Active discounts in `currency` running at `at` (started, not ended): one small query."""
        ...
