"""Reading points: a user's own balance and history, and the same for staff (`promotions.manage`), who may
also adjust a balance — audited, in the transaction that changes it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from core.basket.use_cases.baskets import currencies
from core.platform.audit import audit
from core.rewards import ledger
from core.rewards import settings as keys
from core.rewards.model import MAX_ADJUST, RewardEntry
from core.shared.actor import Actor
from core.shared.errors import FieldError, Invalid
from core.shared.money import CURRENCIES, Money
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.services import Clock, RuntimeSettings
    from ports.uow import UnitOfWork

NOTE_MAX = 500


@attrs.frozen
class RewardsView:
    user_id: uuid.UUID
    balance: int
    value: Money  # what the balance pays for, in the shop's default currency
    entries: Page[RewardEntry]


async def _view(uow: UnitOfWork, settings: RuntimeSettings, user_id: uuid.UUID, page: PageRequest) -> RewardsView:
    first = (await currencies(settings))[0]
    currency = first if first in CURRENCIES else "TRY"
    balance = await uow.rewards.balance(user_id)
    return RewardsView(user_id, balance, await ledger.points_value(settings, balance, currency),
                       await uow.rewards.history(user_id, page))  # fmt: skip


@attrs.define
class MyRewards:
    """My balance, what it is worth, and my ledger newest first."""

    uow: UnitOfWork
    settings: RuntimeSettings

    async def __call__(self, actor: Actor, page: PageRequest) -> RewardsView:
        assert actor.user_id is not None, "the route requires a logged-in user"
        async with self.uow:
            return await _view(self.uow, self.settings, actor.user_id, page)


@attrs.define
class AccountRewards:
    """Staff: a customer's balance and ledger (404 for an unknown account)."""

    uow: UnitOfWork
    settings: RuntimeSettings

    async def __call__(self, user_id: uuid.UUID, page: PageRequest) -> RewardsView:
        async with self.uow:
            await self.uow.accounts.get(user_id)
            return await _view(self.uow, self.settings, user_id, page)


@attrs.frozen
class Adjustment:
    actor: Actor
    user_id: uuid.UUID
    points: int
    note: str


@attrs.frozen
class Adjusted:
    entry: RewardEntry
    balance: int


def _checked(cmd: Adjustment) -> str:
    errors = []
    if isinstance(cmd.points, bool) or not isinstance(cmd.points, int) or cmd.points == 0 \
            or abs(cmd.points) > MAX_ADJUST:  # fmt: skip
        errors.append(FieldError(("body", "points"), f"a non-zero whole number, at most {MAX_ADJUST} either way"))
    note = cmd.note.strip() if isinstance(cmd.note, str) else ""
    if not note or len(note) > NOTE_MAX:
        errors.append(FieldError(("body", "note"), f"say why, in 1 to {NOTE_MAX} characters"))
    if errors:
        raise Invalid("the adjustment is invalid", errors=errors)
    return note


@attrs.define
class AdjustRewards:
    """Give (a lot expiring like earned points) or take points (FIFO; 409 `insufficient_points` below zero)."""

    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, cmd: Adjustment) -> Adjusted:
        note = _checked(cmd)
        days = await self.settings.get(keys.EXPIRE_AFTER_DAYS)
        async with self.uow:
            await self.uow.accounts.get(cmd.user_id)
            before = await self.uow.rewards.balance(cmd.user_id)
            entry = await ledger.adjust(self.uow, cmd.user_id, cmd.points, note, self.clock.now(), cmd.actor.user_id,
                                        days)  # fmt: skip
            after = await self.uow.rewards.balance(cmd.user_id)
            changes = {"balance": [before, after], "points": cmd.points, "note": note, "entry": entry.id}
            await audit(self.uow, cmd.actor, "rewards.adjust", "reward_account", cmd.user_id, changes)
            await self.uow.commit()
            return Adjusted(entry, after)
