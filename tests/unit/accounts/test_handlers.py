"""DeliverMessage: a MessageRequested event becomes one e-mail or SMS, rendered from its template."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from core.accounts.handlers import DeliverMessage
from core.shared.events import StoredEvent
from tests.unit.conftest import App


def _event(channel: str, purpose: str, to: str, secret: str) -> StoredEvent:
    payload = {"account_id": str(uuid.uuid4()), "channel": channel, "purpose": purpose, "to": to, "secret": secret}
    return StoredEvent(uuid.uuid4(), "accounts.message_requested", payload, datetime.now(UTC))


async def test_email_links_point_at_the_storefront(app: App) -> None:
    await app.set("shop.storefront_url", "https://shop.example.com.tr/")
    await app.set("shop.name", "Kapalı Çarşı")
    await app.use(DeliverMessage)(_event("email", "reset_password", "a@example.com", "s3cr3t+= x"))
    [mail] = app.mailer.sent
    assert mail.to == "a@example.com"
    assert "Kapalı Çarşı" in mail.subject
    assert "https://shop.example.com.tr/reset-password?token=s3cr3t%2B%3D%20x" in mail.text
    assert app.sms.sent == []


async def test_verify_email_link(app: App) -> None:
    await app.use(DeliverMessage)(_event("email", "verify_email", "a@example.com", "tok"))
    assert "http://127.0.0.1:8000/verify-email?token=tok" in app.mailer.sent[0].text


async def test_sms_codes_go_by_sms(app: App) -> None:
    await app.use(DeliverMessage)(_event("sms", "verify_phone", "+905321234567", "042137"))
    assert app.mailer.sent == []
    [(to, text)] = app.sms.sent
    assert to == "+905321234567" and "042137" in text and "Çarşı" in text


async def test_an_event_is_delivered_once_even_when_dispatched_twice(app: App) -> None:
    from core.platform.outbox import DISPATCH_JOB
    from ports.services import TaskQueue

    event = _event("email", "verify_email", "a@example.com", "tok")
    payload = {"id": str(event.id), "name": event.name, "payload": event.payload,
               "occurred_at": event.occurred_at.isoformat()}  # fmt: skip
    queue = app.use(TaskQueue)
    await queue.enqueue(DISPATCH_JOB, payload)
    await app.drain()
    await queue.enqueue(DISPATCH_JOB, payload)
    await app.drain()
    assert len(app.mailer.sent) == 1
