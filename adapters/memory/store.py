"""The in-memory database behind the memory adapters: committed rows only, copied in and out."""

from __future__ import annotations

import copy
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

import attrs


@attrs.define
class MemoryStore:
    """Tables of committed rows keyed by id, each row a dict of field values (never a live object, which the
    SQL mappers may have instrumented). A unit of work reads copies and writes back on commit, so leaving
    without commit really rolls back — the same contract as the SQL adapter."""

    tables: dict[str, dict[Any, Any]] = attrs.field(factory=lambda: defaultdict(dict))
    outbox: list[Any] = attrs.field(factory=list)
    dispatched: dict[uuid.UUID, datetime] = attrs.field(factory=dict)

    def read(self, table: str, key: Any) -> Any | None:
        row = self.tables[table].get(key)
        return copy.deepcopy(row) if row is not None else None

    def rows(self, table: str) -> list[Any]:
        return [copy.deepcopy(r) for r in self.tables[table].values()]

    def write(self, table: str, key: Any, row: Any) -> None:
        self.tables[table][key] = copy.deepcopy(row)
