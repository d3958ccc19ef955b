"""Order events → points: earned once on delivery, taken back in proportion to each refund."""

from __future__ import annotations

import uuid
from decimal import Decimal

from adapters.memory.store import MemoryStore
from core.jobs import EVENT_HANDLERS
from core.rewards.handlers import EarnRewards, ReverseRewards
from core.rewards.ledger import spend_points
from core.shared.events import StoredEvent
from tests.unit.conftest import App
from tests.unit.rewards.points import Points


async def test_a_delivered_order_earns_points_on_its_total_without_shipping(app: App, points: Points) -> None:
    ayse = await points.customer()
    order = await points.order(ayse, total="159.99", shipping="10.00")
    await points.deliver(order.id)
    assert await points.balance(ayse) == 149  # 149.99 at 1 point per 1.00, rounded down
    [earned] = await points.entries(ayse)
    assert earned.kind == "earn" and earned.points == 149 and earned.remaining == 149
    assert earned.order_id == order.id and earned.basis == Decimal("149.99")
    assert earned.expires_at is not None and (earned.expires_at - app.clock.now()).days == 365


async def test_the_rate_and_expiry_are_runtime_settings(app: App, points: Points) -> None:
    await app.set("rewards.earn_points_per_unit", "2.5")
    await app.set("rewards.expire_after_days", 30)
    ayse = await points.customer()
    order = await points.order(ayse, total="110.00", shipping="10.00")
    await points.deliver(order.id)
    [earned] = await points.entries(ayse)
    assert earned.points == 250 and earned.expires_at is not None
    assert (earned.expires_at - app.clock.now()).days == 30


async def test_what_was_refunded_before_delivery_earns_nothing(points: Points) -> None:
    ayse = await points.customer()
    order = await points.order(ayse, total="110.00", shipping="10.00")
    await points.refund(order.id, "40.00")
    await points.deliver(order.id)
    assert await points.balance(ayse) == 60
    assert [e.kind for e in await points.entries(ayse)] == ["earn"]  # the earlier refund reversed nothing


async def test_guests_and_a_switched_off_programme_earn_nothing(app: App, points: Points) -> None:
    guest_order = await points.order(None)
    await points.deliver(guest_order.id)
    await app.set("rewards.enabled", False)
    ayse = await points.customer()
    order = await points.order(ayse)
    await points.deliver(order.id)
    assert await points.balance(ayse) == 0 and await points.entries(ayse) == []
    async with points.uow() as uow:
        assert await uow.rewards.of_order(guest_order.id) == []


async def test_handling_the_delivery_again_earns_nothing_more(app: App, points: Points) -> None:
    ayse = await points.customer()
    order = await points.order(ayse)
    await points.deliver(order.id)
    [event] = [e for e in _outbox(app) if e.name == "order.delivered"]
    for _ in range(2):  # a worker killed after the commit, before the job was marked done, runs it again
        await app.use(EarnRewards)(event)
    again = StoredEvent(uuid.uuid4(), event.name, event.payload, event.occurred_at)
    await app.use(EarnRewards)(again)  # even a second event for the same order
    assert await points.balance(ayse) == 100 and len(await points.entries(ayse)) == 1


async def test_a_refund_takes_back_its_share_and_two_partial_refunds_both_do(points: Points) -> None:
    ayse = await points.customer()
    order = await points.order(ayse, total="210.00", shipping="10.00")
    await points.deliver(order.id)
    assert await points.balance(ayse) == 200
    await points.refund(order.id, "50.00")
    assert await points.balance(ayse) == 150
    await points.refund(order.id, "50.00")
    assert await points.balance(ayse) == 100
    reversals = [e for e in await points.entries(ayse) if e.kind == "reverse"]
    assert sorted(e.points for e in reversals) == [-50, -50] and all(e.order_id == order.id for e in reversals)
    await points.refund(order.id, "110.00")  # the rest, shipping included: everything earned is gone
    assert await points.balance(ayse) == 0 and await points.held(ayse) == 0


async def test_refunds_are_reversed_on_their_running_total_so_rounding_never_drifts(points: Points) -> None:
    ayse = await points.customer()
    order = await points.order(ayse, total="100.00", shipping="0")
    await points.deliver(order.id)
    balances = []
    for _ in range(3):
        await points.refund(order.id, "33.33")
        balances.append(await points.balance(ayse))
    assert balances == [67, 33, 0]  # 33.33, 66.66, 99.99 of 100 refunded: 33, 67, 100 points in all
    await points.refund(order.id, "0.01")
    reversals = [e.points for e in await points.entries(ayse) if e.kind == "reverse"]
    assert sorted(reversals) == [-34, -33, -33]  # nothing was left for the last cent


async def test_handling_a_refund_again_takes_nothing_more(app: App, points: Points) -> None:
    ayse = await points.customer()
    order = await points.order(ayse, total="110.00", shipping="10.00")
    await points.deliver(order.id)
    await points.refund(order.id, "25.00")
    [event] = [e for e in _outbox(app) if e.name == "order.refunded"]
    for _ in range(2):
        await app.use(ReverseRewards)(event)
    assert await points.balance(ayse) == 75
    assert len([e for e in await points.entries(ayse) if e.kind == "reverse"]) == 1


async def test_a_refund_after_the_points_were_spent_takes_what_is_left_and_notes_the_rest(
    app: App, points: Points
) -> None:
    ayse = await points.customer()
    order = await points.order(ayse, total="110.00", shipping="10.00")
    await points.deliver(order.id)
    later = await points.order(ayse)
    async with points.uow() as uow:
        await spend_points(uow, ayse, 80, later.id, app.clock.now())
        await uow.commit()
    await points.refund(order.id, "110.00")
    assert await points.balance(ayse) == 0 and await points.held(ayse) == 0
    [reversal] = [e for e in await points.entries(ayse) if e.kind == "reverse"]
    assert reversal.points == -20 and reversal.shortfall == 80 and "80 points were spent already" in reversal.note


async def test_the_handlers_are_registered_for_their_events() -> None:
    assert EarnRewards in EVENT_HANDLERS["order.delivered"]
    assert ReverseRewards in EVENT_HANDLERS["order.refunded"]
    assert not any("Rewards" in h.__name__ for h in EVENT_HANDLERS["order.cancelled"])  # cancel returns points itself


def _outbox(app: App) -> list[StoredEvent]:
    return app.container.resolve(MemoryStore).outbox  # type: ignore[no-any-return]


async def test_events_naming_unknown_orders_or_accounts_are_ignored(app: App, points: Points) -> None:
    ayse = await points.customer()
    for user_id, order_id in ((ayse, uuid.uuid4()), (uuid.uuid4(), uuid.uuid4()), (ayse, "not-a-uuid")):
        payload = {"order_id": str(order_id), "user_id": str(user_id)}
        for handler in (EarnRewards, ReverseRewards):
            await app.use(handler)(StoredEvent(uuid.uuid4(), "order.delivered", payload, app.clock.now()))
    someone_else = await points.order(await points.customer())
    payload = {"order_id": str(someone_else.id), "user_id": str(ayse)}  # the order is not Ayşe's
    await points.deliver(someone_else.id, drain=False)
    await app.use(EarnRewards)(StoredEvent(uuid.uuid4(), "order.delivered", payload, app.clock.now()))
    assert await points.balance(ayse) == 0 and await points.entries(ayse) == []
