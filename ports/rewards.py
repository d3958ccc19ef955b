"""What the rewards context needs from storage: the balance row, changed only by conditional statements, and
the ledger entries. Everything runs in the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from core.rewards.model import RewardEntry
from core.shared.pagination import Page, PageRequest


class RewardRepository(Protocol):
    async def balance(self, user_id: uuid.UUID) -> int:
        """The user's balance (0 without an account row), unlocked."""
        ...

    async def lock(self, user_id: uuid.UUID, at: datetime) -> int:
        """Make the user's account row (at zero) unless it exists, lock it until the transaction ends and
        return its balance. Every change of a user's points locks first: one lock order, no lost updates."""
        ...

    async def change_balance(self, user_id: uuid.UUID, delta: int, at: datetime) -> bool:
        """`UPDATE ... SET balance = balance + delta WHERE user_id = ? AND balance + delta >= 0`: False when no
        row changed (no account, or too few points)."""
        ...

    async def record(self, entry: RewardEntry) -> bool:
        """Insert the entry; False (and nothing written) when an entry with its `key` exists already."""
        ...

    async def by_key(self, key: str) -> RewardEntry | None: ...

    async def of_order(self, order_id: uuid.UUID, kind: str | None = None) -> list[RewardEntry]:
        """The order's entries, oldest first."""
        ...

    async def lots(self, user_id: uuid.UUID, *, expired_by: datetime | None = None) -> list[RewardEntry]:
        """The user's entries with points remaining, first-in first-out (`core.rewards.model.fifo`); with
        `expired_by`, only those whose `expires_at` is at or before it."""
        ...

    async def take(self, lot_id: uuid.UUID, points: int) -> None:
        """`remaining -= points` on a lot (which holds them: the caller locked the account and planned)."""
        ...

    async def history(self, user_id: uuid.UUID, page: PageRequest) -> Page[RewardEntry]:
        """The user's entries, newest first."""
        ...

    async def users_with_expired(self, at: datetime, limit: int) -> list[uuid.UUID]:
        """Users holding lots with points remaining whose `expires_at` is at or before `at`."""
        ...
