"""Order and stock events → in-app notices and e-mails: who gets what, in which language, exactly once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adapters.jobs.runner import JobRunner
from core.accounts.use_cases.staff import CreateAdmin, NewAdmin
from core.notifications.handlers import NotifyLowStock, NotifyOrderEvent, SendNotificationEmail
from core.notifications.messages import money_text
from core.notifications.use_cases.preferences import ChangeNotificationPreferences, PreferenceChange, SetPreferences
from core.shared.events import Event, StoredEvent
from tests.unit.conftest import App
from tests.unit.notifications.conftest import ORDER_EVENTS, Notices, low_stock, order_event

EMAILED = ["placed", "confirmed", "shipped", "delivered", "cancelled", "refunded"]


def stored(event: Event) -> StoredEvent:
    return StoredEvent(event.event_id, event.name, event.payload(), event.occurred_at)


@pytest.mark.parametrize("kind", EMAILED)
async def test_an_order_event_makes_a_notice_and_an_email(app: App, notices: Notices, kind: str) -> None:
    ayse = await app.register("ayse@example.com", first_name="Ayşe")
    app.mailer.sent.clear()
    event = order_event(kind, user_id=ayse.id)
    await notices.commit(event)
    [notice] = notices.notices(ayse.id)
    assert notice["notification_type"] == "order_status" and notice["status"] == "unread"
    assert notice["related_object_type"] == "order" and notice["related_object_id"] == str(event.order_id)
    assert "CRS-2026-000123" in notice["message"]
    [mail] = notices.mails("ayse@example.com")
    assert mail.subject == f"Çarşı: {notice['title']} (CRS-2026-000123)"
    assert "Merhaba Ayşe" in mail.text and "1.234,50 TRY" in mail.text
    assert f"http://127.0.0.1:8000/orders/{event.order_id}" in mail.text
    assert mail.html is not None and "CRS-2026-000123" in mail.html and 'lang="tr"' in mail.html
    [email] = notices.emails()
    assert email["sent_at"] is not None


async def test_processing_is_an_in_app_notice_only(app: App, notices: Notices) -> None:
    ayse = await app.register()
    app.mailer.sent.clear()
    await notices.commit(order_event("processing", user_id=ayse.id))
    assert len(notices.notices(ayse.id)) == 1
    assert notices.mails() == []


async def test_titles_differ_per_event(app: App, notices: Notices) -> None:
    ayse = await app.register()
    await notices.commit(*(order_event(kind, user_id=ayse.id) for kind in ORDER_EVENTS))
    assert len({n["title"] for n in notices.notices(ayse.id)}) == len(ORDER_EVENTS)


async def test_cancellation_and_refund_mails_carry_the_reason_and_the_amount(app: App, notices: Notices) -> None:
    ayse = await app.register()
    app.mailer.sent.clear()
    await notices.commit(order_event("cancelled", user_id=ayse.id), order_event("refunded", user_id=ayse.id))
    texts = {m.subject: m.text for m in notices.mails()}
    assert any("customer request" in t for t in texts.values())
    assert any("100,00 TRY" in t for t in texts.values())


async def test_english_orders_are_notified_in_english(app: App, notices: Notices) -> None:
    ayse = await app.register()
    app.mailer.sent.clear()
    await notices.commit(order_event("shipped", user_id=ayse.id, language="en"))
    [notice] = notices.notices(ayse.id)
    assert notice["title"] == "Your order has been shipped"
    [mail] = notices.mails()
    assert mail.subject == "Çarşı: Your order has been shipped (CRS-2026-000123)"
    assert "Order number: CRS-2026-000123" in mail.text and "Total: 1,234.50 TRY" in mail.text
    assert mail.html is not None and 'lang="en"' in mail.html and "View your order" in mail.html


async def test_an_unknown_language_falls_back_to_the_shop_default(app: App, notices: Notices) -> None:
    ayse = await app.register()
    await app.set("notifications.default_language", "en")
    await notices.commit(order_event("placed", user_id=ayse.id, language="de"))
    assert notices.notices(ayse.id)[0]["title"] == "We have received your order"


async def test_a_guest_gets_the_email_only(app: App, notices: Notices) -> None:
    await notices.commit(order_event("placed", user_id=None, email="misafir@example.com"))
    assert notices.notices() == []
    [mail] = notices.mails("misafir@example.com")
    assert "Merhaba," in mail.text


async def test_a_user_who_turned_order_emails_off_gets_the_notice_only(app: App, notices: Notices) -> None:
    ayse = await app.register()
    app.mailer.sent.clear()
    actor = await app.actor(await app.login())
    await app.use(ChangeNotificationPreferences)(
        SetPreferences(actor, (PreferenceChange("order_status", False, False, False),)))  # fmt: skip
    await notices.commit(order_event("placed", user_id=ayse.id))
    assert len(notices.notices(ayse.id)) == 1
    assert notices.mails() == [] and notices.emails() == []


async def test_a_deleted_or_unknown_user_falls_back_to_the_orders_email(app: App, notices: Notices) -> None:
    await notices.commit(order_event("placed", user_id=uuid.uuid4(), email="eski@example.com"))
    assert notices.notices() == []
    assert len(notices.mails("eski@example.com")) == 1


async def test_low_stock_notifies_every_inventory_manager_and_superuser(app: App, notices: Notices) -> None:
    keeper, _ = await app.staff("depo@example.com", ["inventory.manage"])
    await app.staff("katalog@example.com", ["catalog.manage"])
    customer = await app.register("musteri@example.com")
    admin = await app.use(CreateAdmin)(NewAdmin("admin@example.com", "correct horse battery"))
    app.mailer.sent.clear()
    await notices.commit(low_stock())
    assert {n["user_id"] for n in notices.notices()} == {keeper.id, admin.id}
    assert notices.notices(customer.id) == []
    notice = notices.notices(keeper.id)[0]
    assert notice["notification_type"] == "stock" and notice["title"].startswith("Stok azaldı")
    assert notice["expire_at"] == app.clock.now() + timedelta(days=30)
    assert sorted(m.to for m in notices.mails()) == ["admin@example.com", "depo@example.com"]


async def test_low_stock_names_the_variant_when_it_exists(app: App, notices: Notices) -> None:
    from tests.unit.catalog.conftest import Shop

    shop = Shop(app)
    product = await shop.product()
    variant = await shop.variant(product)
    keeper, _ = await app.staff("depo@example.com", ["inventory.manage"])
    await notices.commit(low_stock(variant.id))
    assert variant.code in notices.notices(keeper.id)[0]["title"]


async def test_staff_who_turned_stock_emails_off_get_the_notice_only(app: App, notices: Notices) -> None:
    keeper, actor = await app.staff("depo@example.com", ["inventory.manage"])
    await app.use(ChangeNotificationPreferences)(
        SetPreferences(actor, (PreferenceChange("stock", False, False, False),))
    )
    app.mailer.sent.clear()
    await notices.commit(low_stock())
    assert len(notices.notices(keeper.id)) == 1 and notices.mails() == []


async def test_handling_an_event_again_adds_nothing(app: App, notices: Notices) -> None:
    """A worker killed after the handler committed but before the job was marked done: the event is handled
    again, and finds what it made the first time."""
    ayse = await app.register()
    keeper, _ = await app.staff("depo@example.com", ["inventory.manage"])
    app.mailer.sent.clear()
    order, stock = stored(order_event("placed", user_id=ayse.id)), stored(low_stock())
    for _ in range(3):
        await app.use(NotifyOrderEvent)(order)
        await app.use(NotifyLowStock)(stock)
    await app.drain()
    assert len(notices.notices(ayse.id)) == 1 and len(notices.notices(keeper.id)) == 1
    assert len(notices.emails()) == 2
    assert sorted(m.to for m in notices.mails()) == ["ayse@example.com", "depo@example.com"]


async def test_a_sent_email_is_not_sent_again(app: App, notices: Notices) -> None:
    await notices.commit(order_event("placed", user_id=None, email="misafir@example.com"))
    [email] = notices.emails()
    delivery = StoredEvent(email["id"], "notifications.email_requested", {"email_id": str(email["id"])},
                           datetime.now(UTC))  # fmt: skip
    await app.use(SendNotificationEmail)(delivery)
    await app.use(SendNotificationEmail)(delivery)
    assert len(notices.mails("misafir@example.com")) == 1


class Crash(Exception):
    pass


class CrashingMailer:
    """The mail server is down for the first try."""

    def __init__(self, inner: object) -> None:
        self.inner, self.failed = inner, False

    async def send(self, mail: object) -> None:
        if not self.failed:
            self.failed = True
            raise Crash("connection refused")
        await self.inner.send(mail)  # type: ignore[attr-defined]


async def test_a_failed_send_is_retried_and_the_notice_is_not_repeated(app: App, notices: Notices) -> None:
    from ports.services import Mailer

    ayse = await app.register()
    app.mailer.sent.clear()
    crashing = CrashingMailer(app.mailer)
    app.container.register(Mailer, instance=crashing)
    event = order_event("confirmed", user_id=ayse.id)
    runner = JobRunner(app.container.resolve, backoff_base=0)
    async with app.uow() as uow:
        uow.emit(event)
        await uow.commit()
    await app.drain()  # the first send failed; the in-process queue retried it
    assert crashing.failed and len(notices.mails()) == 1 and len(notices.notices(ayse.id)) == 1
    # the order event dispatched once more (a relay that crashed before marking it): nothing new
    payload = {"id": str(event.event_id), "name": event.name, "payload": event.payload(),
               "occurred_at": event.occurred_at.isoformat()}  # fmt: skip
    await runner.run("dispatch_event", payload, 1)
    await app.drain()
    assert len(notices.mails()) == 1 and len(notices.notices(ayse.id)) == 1


def test_money_is_written_the_local_way() -> None:
    assert money_text({"amount": "1234567.50", "currency": "TRY"}, "tr") == "1.234.567,50 TRY"
    assert money_text({"amount": "1234567.50", "currency": "TRY"}, "en") == "1,234,567.50 TRY"
    assert money_text({"amount": "1990", "currency": "JPY"}, "tr") == "1.990 JPY"
    assert money_text(None, "tr") == ""
