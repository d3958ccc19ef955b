"""Standalone discounts on the memory store, and the storefront's read of the live ones."""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime
from typing import Any

from adapters.memory.repositories import _created, _page, _Repo, rebuild
from adapters.memory.store import MemoryStore
from core.promotions.discounts import Discount, lineage, needs_categories
from core.shared.pagination import Page, PageRequest


class MemoryDiscounts(_Repo):
    table, entity_name, model = "discounts", "discount", Discount

    async def list(self, page: PageRequest, *, target_type: str | None = None,
                   target_id: uuid.UUID | None = None) -> Page[Discount]:  # fmt: skip
        rows = [d for d in self._all() if (target_type is None or d.target_type == target_type)
                and (target_id is None or d.target_id == target_id)]  # fmt: skip
        return _page(rows, page, _created)

    async def live(self, currency: str, at: datetime) -> builtins.list[Discount]:
        return [d for d in self._all() if d.currency == currency and d.live_at(at)]


def live_discounts(store: MemoryStore, currency: str | None, at: datetime) -> list[Discount]:
    """The committed live discounts in `currency` (or in any): the storefront's views read committed rows."""
    found = [rebuild(Discount, row) for row in store.rows("discounts")]
    return [d for d in found if currency in (None, d.currency) and d.live_at(at)]


def category_lineages(store: MemoryStore, discounts: list[Discount]) -> dict[uuid.UUID, frozenset[uuid.UUID]] | None:
    """Each category's lineage when some discount targets a category, else None."""
    if not needs_categories(discounts):
        return None
    parents: dict[uuid.UUID, Any] = {c["id"]: c["parent_id"] for c in store.rows("categories")}
    return {key: lineage(key, parents) for key in parents}
