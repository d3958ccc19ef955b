"""After checkout on memory adapters: the status machine and what it does to stock, reading and cancelling by
owner or token, paying and refunding, and the job that cancels unpaid orders."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from adapters.memory.store import MemoryStore
from core.ordering.model import Order
from core.ordering.use_cases.checkout import Checkout, InlineAddress, PlaceOrder
from core.ordering.use_cases.orders import (
    CancelMine,
    CancelOrder,
    CancelUnpaidOrders,
    ChangeOrderStatus,
    GetOrder,
    ListMyOrders,
    ListOrders,
    NewStatus,
    OrderRef,
)
from core.shared.actor import Actor
from core.shared.errors import Conflict, NotFound
from core.shared.money import Money
from core.shared.pagination import PageRequest
from tests.unit.conftest import App
from tests.unit.ordering.conftest import inline_address
from tests.unit.ordering.shop import Shop

MANAGER = Actor(uuid.uuid4(), frozenset({"orders.manage"}))


async def placed(app: App, shop: Shop, quantity: int = 2, *, stock: int = 5, actor: Actor | None = None,
                 ) -> tuple[Order, str | None, uuid.UUID]:  # fmt: skip
    """(order, guest token, variant id) for a fresh variant with `stock` units."""
    shirt = await shop.variant()
    await shop.stock(shirt.id, stock)
    basket_id, token = await shop.basket((shirt, quantity), user_id=actor.user_id if actor else None)
    done = await app.use(Checkout)(PlaceOrder(
        actor=actor, basket_id=basket_id, basket_token=token, payment_method="sandbox",
        email=None if actor else "misafir@example.com",
        shipping_address=InlineAddress(**inline_address())))  # fmt: skip
    return done.order, done.access_token, shirt.id


async def stock_of(shop: Shop, variant_id: uuid.UUID) -> tuple[int, int]:
    async with shop.uow() as uow:
        rows = await uow.stock.of_variant(variant_id)
    return sum(r.quantity for r in rows), sum(r.reserved_quantity for r in rows)


async def set_status(app: App, order: Order, status: str) -> Order:
    return await app.use(ChangeOrderStatus)(NewStatus(MANAGER, order.id, status))


def events(app: App, order: Order) -> list[str]:
    return [e.name for e in app.container.resolve(MemoryStore).outbox
            if e.name.startswith("order.") and e.payload["order_id"] == str(order.id)]  # fmt: skip


async def test_an_order_moves_along_the_status_machine_and_shipping_consumes_its_stock(app: App, shop: Shop) -> None:
    order, _, variant_id = await placed(app, shop, 2)
    assert await stock_of(shop, variant_id) == (5, 2)
    for status in ("confirmed", "processing", "shipped"):
        order = await set_status(app, order, status)
    assert await stock_of(shop, variant_id) == (3, 0)
    assert await shop.available(variant_id) == 3
    order = await set_status(app, order, "delivered")
    assert order.actual_delivery_date == app.clock.now().date()
    assert [(h.from_status, h.to_status, h.changed_by) for h in order.history][1:] == [
        ("pending", "confirmed", MANAGER.user_id), ("confirmed", "processing", MANAGER.user_id),
        ("processing", "shipped", MANAGER.user_id), ("shipped", "delivered", MANAGER.user_id)]  # fmt: skip
    assert events(app, order) == ["order.placed", "order.confirmed", "order.processing", "order.shipped",
                                  "order.delivered"]  # fmt: skip
    trail = await app.audit(target_type="order", target_id=str(order.id))
    assert [e.changes["status"] for e in trail][::-1] == [
        ["pending", "confirmed"], ["confirmed", "processing"], ["processing", "shipped"],
        ["shipped", "delivered"]]  # fmt: skip


@pytest.mark.parametrize(("path", "refused"), [
    ([], "shipped"), ([], "delivered"), ([], "processing"), (["confirmed"], "pending"),
    (["confirmed", "processing", "shipped"], "cancelled"),
    (["confirmed", "processing", "shipped", "delivered"], "cancelled"), (["cancelled"], "confirmed"),
    (["cancelled"], "cancelled"),
])  # fmt: skip
async def test_any_other_step_is_an_invalid_transition(app: App, shop: Shop, path: list[str], refused: str) -> None:
    order, _, variant_id = await placed(app, shop)
    for status in path:
        order = await set_status(app, order, status)
    before = await stock_of(shop, variant_id)
    with pytest.raises(Conflict) as caught:
        await set_status(app, order, refused)
    assert caught.value.code == "invalid_transition"
    assert await stock_of(shop, variant_id) == before


async def test_cancelling_releases_the_reserved_stock_once(app: App, shop: Shop) -> None:
    order, _, variant_id = await placed(app, shop, 2)
    order = await set_status(app, order, "confirmed")
    order = await set_status(app, order, "cancelled")
    assert order.status == "cancelled" and order.cancelled_at is not None
    assert await stock_of(shop, variant_id) == (5, 0)
    assert events(app, order)[-1] == "order.cancelled"
    cancelled = [e for e in app.container.resolve(MemoryStore).outbox if e.name == "order.cancelled"][-1]
    assert cancelled.payload["reason"] and cancelled.payload["status"] == "cancelled"


async def test_a_customer_or_the_token_holder_cancels_others_get_404(app: App, shop: Shop) -> None:
    await app.register("ayse@example.com")
    ayse = await app.actor(await app.login("ayse@example.com"))
    await app.register("can@example.com")
    can = await app.actor(await app.login("can@example.com"))
    mine, _, mine_variant = await placed(app, shop, actor=ayse)
    with pytest.raises(NotFound):
        await app.use(CancelOrder)(CancelMine(OrderRef(can, mine.id)))
    cancelled = await app.use(CancelOrder)(CancelMine(OrderRef(ayse, mine.id)))
    assert cancelled.status == "cancelled" and await shop.available(mine_variant) == 5

    guests, token, _ = await placed(app, shop)
    for wrong in (None, "wrong-token"):
        with pytest.raises(NotFound):
            await app.use(CancelOrder)(CancelMine(OrderRef(None, guests.id, wrong)))
    assert (await app.use(CancelOrder)(CancelMine(OrderRef(None, guests.id, token)))).status == "cancelled"

    shipped, _, _ = await placed(app, shop, actor=ayse)
    for status in ("confirmed", "processing", "shipped"):
        await set_status(app, shipped, status)
    with pytest.raises(Conflict) as caught:
        await app.use(CancelOrder)(CancelMine(OrderRef(ayse, shipped.id)))
    assert caught.value.code == "invalid_transition"


async def test_reading_an_order_owner_token_or_staff_only(app: App, shop: Shop) -> None:
    await app.register("ayse@example.com")
    ayse = await app.actor(await app.login("ayse@example.com"))
    mine, _, _ = await placed(app, shop, actor=ayse)
    guests, token, _ = await placed(app, shop)
    get = app.use(GetOrder)
    assert (await get(OrderRef(ayse, mine.id))).id == mine.id
    assert (await get(OrderRef(None, guests.id, token))).id == guests.id
    assert (await get(OrderRef(MANAGER, guests.id))).id == guests.id
    for ref in (OrderRef(ayse, guests.id), OrderRef(None, mine.id), OrderRef(None, guests.id, "x"),
                OrderRef(Actor(uuid.uuid4()), mine.id), OrderRef(ayse, uuid.uuid4())):  # fmt: skip
        with pytest.raises(NotFound):
            await get(ref)
    page = await app.use(ListMyOrders)(ayse, PageRequest(limit=10))
    assert [o.id for o in page.items] == [mine.id]
    staff_page = await app.use(ListOrders)(PageRequest(limit=10), "pending")
    assert {o.id for o in staff_page.items} == {mine.id, guests.id}
    assert (await app.use(ListOrders)(PageRequest(limit=10), "cancelled")).items == []


async def test_my_orders_page_newest_first(app: App, shop: Shop) -> None:
    await app.register("ayse@example.com")
    ayse = await app.actor(await app.login("ayse@example.com"))
    made = []
    for _ in range(3):
        made.append((await placed(app, shop, 1, actor=ayse))[0].id)
        app.clock.advance(minutes=1)
    first = await app.use(ListMyOrders)(ayse, PageRequest(limit=2))
    second = await app.use(ListMyOrders)(ayse, PageRequest(limit=2, cursor=first.next_cursor))
    assert [o.id for o in [*first.items, *second.items]] == made[::-1] and second.next_cursor is None


async def test_paying_confirms_once_and_refunds_add_up_to_the_total_at_most(app: App, shop: Shop) -> None:
    order, _, _ = await placed(app, shop)
    now = app.clock.now()
    order.mark_paid(now)
    assert order.status == "confirmed" and order.paid_at == now
    order.mark_paid(now)  # again: nothing
    assert [h.to_status for h in order.history] == ["pending", "confirmed"]
    order.record_refund(Money.of("10.00", "TRY"))
    assert order.refunded == Money.of("10.00", "TRY") and order.events[-1].name == "order.refunded"
    with pytest.raises(Conflict):
        order.record_refund(order.total)
    order.cancel(by=None, at=now, reason="test")
    with pytest.raises(Conflict) as caught:
        order.mark_paid(now)
    assert caught.value.code == "invalid_transition"


async def test_the_unpaid_job_cancels_old_pending_orders_and_releases_their_stock(app: App, shop: Shop) -> None:
    await app.set("orders.unpaid_cancel_after_minutes", 30)
    old, _, old_variant = await placed(app, shop, 2)
    paid, _, _ = await placed(app, shop, 1)
    await set_status(app, paid, "confirmed")
    app.clock.advance(minutes=20)
    recent, _, recent_variant = await placed(app, shop, 1)
    app.clock.advance(minutes=15)  # `old` and `paid` are 35 minutes old now, `recent` 15

    # the memory store stamps created_at with the real clock: move the rows' birth to the app's clock
    store = app.container.resolve(MemoryStore)
    for row, minutes in ((old, 35), (paid, 35), (recent, 15)):
        store.tables["orders"][row.id]["created_at"] = app.clock.now() - timedelta(minutes=minutes)

    assert await app.use(CancelUnpaidOrders)({}) == 1
    async with app.uow() as uow:
        statuses = {o: (await uow.orders.get(o)).status for o in (old.id, paid.id, recent.id)}
    assert statuses == {old.id: "cancelled", paid.id: "confirmed", recent.id: "pending"}
    assert await shop.available(old_variant) == 5 and await shop.available(recent_variant) == 4
    assert await app.use(CancelUnpaidOrders)({}) == 0


async def test_estimated_delivery_comes_from_the_runtime_setting(app: App, shop: Shop) -> None:
    await app.set("orders.delivery_days", 7)
    order, _, _ = await placed(app, shop)
    assert order.estimated_delivery_date == date.fromordinal(app.clock.now().date().toordinal() + 7)
