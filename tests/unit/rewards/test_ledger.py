"""Spending and returning points (what checkout and cancel call), their value, staff adjustments, expiry."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from adapters.jobs.runner import JobRunner
from core.jobs import JOBS, SCHEDULED
from core.rewards.ledger import max_spendable, points_value, return_points, spend_points
from core.rewards.use_cases.account import Adjustment, AdjustRewards, MyRewards
from core.rewards.use_cases.expiry import ExpireRewards
from core.shared.actor import SYSTEM, Actor
from core.shared.errors import Conflict, Invalid, NotFound
from core.shared.money import Money
from core.shared.pagination import PageRequest
from ports.services import RuntimeSettings
from tests.unit.conftest import App
from tests.unit.rewards.points import Points


async def give(app: App, user_id: uuid.UUID, n: int, note: str = "welcome") -> None:
    await app.use(AdjustRewards)(Adjustment(SYSTEM, user_id, n, note))
    app.clock.advance(seconds=1)  # the ledger lists newest first: one entry per second keeps the order plain


async def spend(app: App, user_id: uuid.UUID, n: int, order_id: uuid.UUID | None = None) -> None:
    async with app.uow() as uow:
        await spend_points(uow, user_id, n, order_id or uuid.uuid4(), app.clock.now())
        await uow.commit()
    app.clock.advance(seconds=1)


async def test_spending_takes_the_points_and_records_the_order(app: App, points: Points) -> None:
    ayse = await points.customer()
    await give(app, ayse, 500)
    order_id = uuid.uuid4()
    await spend(app, ayse, 120, order_id)
    assert await points.balance(ayse) == 380 == await points.held(ayse)
    spent = (await points.entries(ayse))[0]
    assert (spent.kind, spent.points, spent.order_id) == ("spend", -120, order_id)


async def test_spending_more_than_the_balance_is_refused_and_changes_nothing(app: App, points: Points) -> None:
    ayse, nobody = await points.customer(), await points.customer()
    await give(app, ayse, 100)
    with pytest.raises(Conflict) as caught:
        await spend(app, ayse, 101)
    assert caught.value.code == "insufficient_points"
    with pytest.raises(Conflict) as caught:
        await spend(app, nobody, 1)  # never held points: no account row at all
    assert caught.value.code == "insufficient_points"
    assert await points.balance(ayse) == 100 and len(await points.entries(ayse)) == 1


@pytest.mark.parametrize("n", [0, -5])
async def test_spending_nothing_or_less_is_invalid(app: App, points: Points, n: int) -> None:
    ayse = await points.customer()
    with pytest.raises(Invalid):
        await spend(app, ayse, n)


async def test_one_order_spends_points_once(app: App, points: Points) -> None:
    ayse = await points.customer()
    await give(app, ayse, 100)
    order_id = uuid.uuid4()
    await spend(app, ayse, 10, order_id)
    with pytest.raises(Conflict) as caught:
        await spend(app, ayse, 10, order_id)
    assert caught.value.code == "points_already_spent" and await points.balance(ayse) == 90


async def test_a_cancelled_order_gets_its_points_back_once(app: App, points: Points) -> None:
    ayse = await points.customer()
    await give(app, ayse, 100)
    order_id = uuid.uuid4()
    await spend(app, ayse, 70, order_id)
    for expected in (70, 0):
        async with app.uow() as uow:
            assert await return_points(uow, order_id, app.clock.now()) == expected
            await uow.commit()
    async with app.uow() as uow:
        assert await return_points(uow, uuid.uuid4(), app.clock.now()) == 0  # spent nothing
    assert await points.balance(ayse) == 100 == await points.held(ayse)
    back = (await points.entries(ayse))[0]
    assert back.kind == "return" and back.points == 70 and back.remaining == 70 and back.expires_at is not None


async def test_spending_uses_the_soonest_expiring_points_first(app: App, points: Points) -> None:
    ayse = await points.customer()
    await give(app, ayse, 100, "first")
    app.clock.advance(days=10)
    await give(app, ayse, 100, "second")
    await spend(app, ayse, 150)
    async with app.uow() as uow:
        lots = await uow.rewards.lots(ayse)
    assert [(lot.note, lot.remaining) for lot in lots] == [("second", 50)]


async def test_points_expire_first_in_first_out_by_the_daily_job(app: App, points: Points) -> None:
    assert JOBS["expire_rewards"] is ExpireRewards and SCHEDULED["expire_rewards"] == 86400.0
    await app.set("rewards.expire_after_days", 30)
    ayse, mehmet = await points.customer(), await points.customer()
    await give(app, ayse, 100, "old")
    await give(app, mehmet, 40, "old")
    app.clock.advance(days=20)
    await give(app, ayse, 100, "new")
    await spend(app, ayse, 60)  # out of the old lot: 40 of it remain
    app.clock.advance(days=10)
    assert await app.use(ExpireRewards)({}) == 80  # 40 of Ayşe's old lot, all 40 of Mehmet's
    assert await points.balance(ayse) == 100 == await points.held(ayse)
    assert await points.balance(mehmet) == 0
    gone = (await points.entries(ayse))[0]
    assert gone.kind == "expire" and gone.points == -40
    assert await app.use(ExpireRewards)({}) == 0  # nothing twice
    app.clock.advance(days=20)
    assert (await app.use(JobRunner).run("expire_rewards", {}, 1)).kind == "done"  # as the scheduler runs it
    assert await points.balance(ayse) == 0 == await points.held(ayse)


async def test_returned_points_expire_when_the_points_they_came_from_would_have(app: App, points: Points) -> None:
    await app.set("rewards.expire_after_days", 30)
    ayse = await points.customer()
    await give(app, ayse, 100)
    order_id = uuid.uuid4()
    await spend(app, ayse, 100, order_id)
    app.clock.advance(days=31)
    async with app.uow() as uow:
        assert await return_points(uow, order_id, app.clock.now()) == 100
        await uow.commit()
    assert await app.use(ExpireRewards)({}) == 100 and await points.balance(ayse) == 0


async def test_points_are_worth_the_point_value_and_may_pay_a_share_of_the_order(app: App) -> None:
    settings = app.use(RuntimeSettings)  # type: ignore[type-abstract]
    assert await points_value(settings, 150, "TRY") == Money.of("1.50", "TRY")
    total = Money.of("99.99", "TRY")
    assert await max_spendable(settings, 100_000, total) == 4999  # 49.99 of the 49.995 the share allows
    assert await max_spendable(settings, 300, total) == 300
    assert await max_spendable(settings, 0, total) == 0
    await app.set("rewards.point_value", "0.005")
    assert await points_value(settings, 3, "TRY") == Money.of("0.02", "TRY")  # 0.015, half up
    assert await max_spendable(settings, 100_000, total) == 9999
    await app.set("rewards.max_spend_share", "100")
    assert await max_spendable(settings, 100_000, total) == 19998
    await app.set("rewards.point_value", "0")
    assert await max_spendable(settings, 100_000, total) == 0
    await app.set("rewards.point_value", "0.01")
    await app.set("rewards.enabled", False)
    assert await max_spendable(settings, 100_000, total) == 0


async def test_staff_adjustments_are_audited_and_never_go_below_zero(app: App, points: Points) -> None:
    ayse = await points.customer()
    staff = Actor(uuid.uuid4(), frozenset({"promotions.manage"}))
    done = await app.use(AdjustRewards)(Adjustment(staff, ayse, 50, "  goodwill  "))
    assert done.balance == 50 and done.entry.note == "goodwill" and done.entry.created_by == staff.user_id
    assert done.entry.expires_at == app.clock.now() + timedelta(days=365)
    done = await app.use(AdjustRewards)(Adjustment(staff, ayse, -20, "correction"))
    assert done.balance == 30 == await points.held(ayse)
    with pytest.raises(Conflict) as caught:
        await app.use(AdjustRewards)(Adjustment(staff, ayse, -31, "too much"))
    assert caught.value.code == "insufficient_points"
    [taken, given] = await app.audit(target_type="reward_account")
    assert given.changes["balance"] == [0, 50] and taken.changes["balance"] == [50, 30]
    assert taken.action == "rewards.adjust" and taken.target_id == str(ayse) and taken.actor_id == staff.user_id


@pytest.mark.parametrize(("n", "note", "fields"), [(0, "x", ["points"]), (10**9 + 1, "x", ["points"]),
                                                   (5, "   ", ["note"]), (5, "x" * 501, ["note"])])  # fmt: skip
async def test_an_adjustment_needs_points_and_a_reason(app: App, points: Points, n: int, note: str,
                                                       fields: list[str]) -> None:  # fmt: skip
    ayse = await points.customer()
    with pytest.raises(Invalid) as caught:
        await app.use(AdjustRewards)(Adjustment(SYSTEM, ayse, n, note))
    assert [e.loc[-1] for e in caught.value.errors] == fields


async def test_adjusting_an_unknown_account_is_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        await app.use(AdjustRewards)(Adjustment(SYSTEM, uuid.uuid4(), 5, "x"))


async def test_my_rewards_show_the_balance_its_value_and_the_ledger_page_by_page(app: App, points: Points) -> None:
    ayse = await points.customer()
    for n in range(1, 6):
        await give(app, ayse, n * 100)
    await spend(app, ayse, 250)
    me = Actor(ayse)
    first = await app.use(MyRewards)(me, PageRequest(limit=4))
    assert first.balance == 1250 and first.value == Money.of("12.50", "TRY")
    assert [e.points for e in first.entries.items] == [-250, 500, 400, 300]
    rest = await app.use(MyRewards)(me, PageRequest(limit=4, cursor=first.entries.next_cursor))
    assert [e.points for e in rest.entries.items] == [200, 100] and rest.entries.next_cursor is None
    assert Decimal(first.value.amount) == Decimal("12.50")
