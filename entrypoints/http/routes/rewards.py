"""Reward points: `/api/v1/me/rewards` (my balance and ledger) and the staff view and adjustment
(`/api/v1/admin/rewards/{user_id}`, `promotions.manage`)."""

from __future__ import annotations

import uuid
from datetime import datetime

import attrs

from core.rewards.model import Kind, RewardEntry
from core.rewards.use_cases.account import AccountRewards, Adjusted, Adjustment, AdjustRewards, MyRewards, RewardsView
from core.shared.money import Money
from entrypoints.http.api import Ctx, PageQuery, Routes, page_request

routes = Routes("rewards")
MINE = "/api/v1/me/rewards"
STAFF = "/api/v1/admin/rewards/{user_id:uuid}"
MANAGE = "promotions.manage"


@attrs.frozen
class EntryOut:
    """One ledger line: `points` signed; lots (points added) show what `remaining` of them may still be spent
    and when they expire; `shortfall` is what a refund could not take back any more."""

    id: uuid.UUID
    kind: Kind
    points: int
    remaining: int
    order_id: uuid.UUID | None
    expires_at: datetime | None
    note: str
    shortfall: int
    created_at: datetime


def entry_out(e: RewardEntry) -> EntryOut:
    return EntryOut(e.id, e.kind, e.points, e.remaining, e.order_id, e.expires_at, e.note, e.shortfall,  # type: ignore[arg-type]
                    e.created_at)  # fmt: skip


@attrs.frozen
class RewardsOut:
    """The balance, what it pays for in the shop's default currency, and a page of the ledger (newest first;
    `next_cursor` continues it)."""

    user_id: uuid.UUID
    balance: int
    value: Money
    entries: list[EntryOut]
    next_cursor: str | None


def rewards_out(view: RewardsView) -> RewardsOut:
    return RewardsOut(view.user_id, view.balance, view.value, [entry_out(e) for e in view.entries.items],
                      view.entries.next_cursor)  # fmt: skip


@attrs.frozen
class AdjustIn:
    """`points` given (positive: they expire like earned points) or taken (negative, first-in first-out);
    `note` says why (1..500 characters)."""

    points: int
    note: str


@attrs.frozen
class AdjustedOut:
    user_id: uuid.UUID
    balance: int
    entry: EntryOut


@routes.get(MINE, query=PageQuery, response=RewardsOut)
async def my_rewards(ctx: Ctx) -> RewardsOut:
    """My points: balance, its value at checkout, and my ledger newest first (`?limit=`, `?cursor=`)."""
    return rewards_out(await ctx.use(MyRewards)(ctx.me, page_request(ctx.query)))


@routes.get(STAFF, query=PageQuery, response=RewardsOut, permission=MANAGE, errors=(404,))
async def account_rewards(ctx: Ctx) -> RewardsOut:
    """A customer's points and ledger."""
    return rewards_out(await ctx.use(AccountRewards)(ctx.params["user_id"], page_request(ctx.query)))


@routes.post(f"{STAFF}/adjust", body=AdjustIn, response=AdjustedOut, status=201, permission=MANAGE,
             errors=(404, 409))  # fmt: skip
async def adjust_rewards(ctx: Ctx) -> AdjustedOut:
    """Give or take a customer's points (audited); taking more than the balance holds → 409 insufficient_points."""
    b: AdjustIn = ctx.body
    done: Adjusted = await ctx.use(AdjustRewards)(Adjustment(ctx.me, ctx.params["user_id"], b.points, b.note))
    return AdjustedOut(ctx.params["user_id"], done.balance, entry_out(done.entry))
