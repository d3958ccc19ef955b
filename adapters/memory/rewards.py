"""The points ledger on the memory store: the same contract as SQL (conditional balance changes, one entry per
key), for one process."""

from __future__ import annotations

import uuid
from datetime import datetime

from adapters.memory.repositories import _created, _page, _Repo
from core.rewards.model import RewardAccount, RewardEntry, fifo
from core.shared.pagination import Page, PageRequest


class MemoryRewardAccounts(_Repo):
    """The balance rows, keyed by user id (the unit of work holds it as `reward_accounts`, for its commit)."""

    table, entity_name, model = "reward_accounts", "reward account", RewardAccount


class MemoryRewards(_Repo):
    table, entity_name, model = "reward_entries", "reward entry", RewardEntry

    @property
    def accounts(self) -> MemoryRewardAccounts:
        return self.uow.reward_accounts  # type: ignore[no-any-return]

    def _account(self, user_id: uuid.UUID) -> RewardAccount | None:
        return self.accounts._load(user_id)  # type: ignore[no-any-return]

    async def balance(self, user_id: uuid.UUID) -> int:
        account = self._account(user_id)
        return 0 if account is None else account.balance

    async def lock(self, user_id: uuid.UUID, at: datetime) -> int:
        account = self._account(user_id)
        if account is None:
            account = RewardAccount(user_id=user_id, balance=0, version=1, updated_at=at)
            self.uow.new.add((self.accounts.table, user_id))
            self.accounts._keep(user_id, account)
        return account.balance

    async def change_balance(self, user_id: uuid.UUID, delta: int, at: datetime) -> bool:
        account = self._account(user_id)
        if account is None or account.balance + delta < 0:
            return False
        account.balance += delta
        account.version += 1
        account.updated_at = at
        return True

    async def record(self, entry: RewardEntry) -> bool:
        if entry.key is not None and await self.by_key(entry.key) is not None:
            return False
        await super().add(entry)
        return True

    async def by_key(self, key: str) -> RewardEntry | None:
        return next((x for x in self._all() if x.key == key), None)

    async def of_order(self, order_id: uuid.UUID, kind: str | None = None) -> list[RewardEntry]:
        rows = [x for x in self._all() if x.order_id == order_id and (kind is None or x.kind == kind)]
        return sorted(rows, key=lambda x: (x.created_at, str(x.id)))

    async def lots(self, user_id: uuid.UUID, *, expired_by: datetime | None = None) -> list[RewardEntry]:
        rows = [x for x in self._all() if x.user_id == user_id and x.remaining > 0]
        if expired_by is not None:
            rows = [x for x in rows if x.expires_at is not None and x.expires_at <= expired_by]
        return fifo(rows)

    async def take(self, lot_id: uuid.UUID, points: int) -> None:
        lot: RewardEntry | None = self._load(lot_id)
        if lot is not None and lot.remaining >= points:
            lot.remaining -= points

    async def history(self, user_id: uuid.UUID, page: PageRequest) -> Page[RewardEntry]:
        rows = [x for x in self._all() if x.user_id == user_id]
        return _page(rows, page, _created)

    async def users_with_expired(self, at: datetime, limit: int) -> list[uuid.UUID]:
        users = {x.user_id for x in self._all() if x.remaining > 0 and x.expires_at is not None and x.expires_at <= at}
        return sorted(users, key=str)[:limit]
