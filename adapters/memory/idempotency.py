from __future__ import annotations

from datetime import datetime, timedelta

from ports.platform import IdempotencyRecord, StoredResponse

STALE_AFTER = timedelta(minutes=5)


class MemoryIdempotencyStore:
    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], tuple[str, StoredResponse | None, datetime]] = {}

    async def begin(self, scope: str, key: str, request_hash: str, now: datetime) -> IdempotencyRecord | None:
        row = self._rows.get((scope, key))
        if row is None or (row[1] is None and row[2] < now - STALE_AFTER):
            self._rows[(scope, key)] = (request_hash, None, now)
            return None
        return IdempotencyRecord(row[0], row[1])

    async def finish(self, scope: str, key: str, response: StoredResponse) -> None:
        request_hash, _, created = self._rows[(scope, key)]
        self._rows[(scope, key)] = (request_hash, response, created)

    async def release(self, scope: str, key: str) -> None:
        self._rows.pop((scope, key), None)

    async def prune(self, before: datetime) -> int:
        old = [k for k, row in self._rows.items() if row[2] < before]
        for k in old:
            del self._rows[k]
        return len(old)
