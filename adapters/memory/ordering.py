"""Orders on the memory store."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from adapters.memory.repositories import _created, _page, _Repo, fields_of, rebuild
from core.ordering.model import Order, OrderLine, StatusChange
from core.shared.pagination import Page, PageRequest


class MemoryOrders(_Repo):
    table, entity_name, model = "orders", "order", Order

    def dump(self, row: Any) -> Any:
        return {**super().dump(row), "lines": [fields_of(line) for line in row.lines],
                "history": [fields_of(change) for change in row.history]}  # fmt: skip

    def restore(self, data: Any) -> Any:
        return super().restore({**data, "lines": [rebuild(OrderLine, line) for line in data["lines"]],
                                "history": [rebuild(StatusChange, change) for change in data["history"]]})  # fmt: skip

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order:
        return await super().get(order_id)  # type: ignore[no-any-return]  # commit's version check stands in for the lock

    async def by_number(self, number: str) -> Order | None:
        return next((o for o in self._all() if o.number == number), None)

    async def of_user(self, user_id: uuid.UUID, page: PageRequest) -> Page[Order]:
        return _page([o for o in self._all() if o.user_id == user_id], page, _created)

    async def unpaid_before(self, at: datetime, limit: int = 100) -> list[uuid.UUID]:
        due = sorted((o for o in self._all() if o.status == "pending" and o.created_at < at),
                     key=lambda o: (o.created_at, str(o.id)))  # fmt: skip
        return [o.id for o in due[:limit]]

    async def next_number(self) -> int:
        counter = self.store.tables["order_number_counter"]
        counter["orders"] = counter.get("orders", 0) + 1  # a sequence: never handed out twice, even on rollback
        return int(counter["orders"])

    async def placed_by(self, *, user_id: uuid.UUID | None = None, email: str | None = None) -> bool:
        return any((o.user_id == user_id if user_id is not None else o.email == email) and o.status != "cancelled"
                   for o in self._all())  # fmt: skip

    async def list(self, page: PageRequest, *, status: str | None = None) -> Page[Order]:
        return _page([o for o in self._all() if status is None or o.status == status], page, _created)
