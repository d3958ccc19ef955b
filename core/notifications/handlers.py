"""What happens after an order or stock event: in-app notices and e-mails, each exactly once per recipient.

A handler writes, in ONE transaction, the in-app notification and a `NotificationEmail` row whose event goes to
the outbox with it; both ids are derived from (event id, recipient), so handling the event again (a worker
killed before the job was marked done) finds them and adds nothing. Another job sends each e-mail and marks it
sent; a sent e-mail is never sent again.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import attrs

from core.notifications import settings as keys
from core.notifications.messages import EMAILED_KINDS, ORDER_KINDS, language_of, money_text, order_texts, stock_texts
from core.notifications.model import Notification, NotificationEmail, derived_id
from core.notifications.preferences import channels_for
from core.platform import settings as platform_keys
from core.shared.errors import NotFound
from core.shared.events import StoredEvent
from core.shared.mail import Mail

if TYPE_CHECKING:
    from ports.notifications import MailTemplates
    from ports.services import Clock, Mailer, RuntimeSettings
    from ports.uow import UnitOfWork

STOCK_PERMISSION = "inventory.manage"


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


async def _notice(uow: UnitOfWork, notice: Notification) -> bool:
    """Add the notice unless handling this event made it already."""
    if await uow.notifications.find(notice.id) is not None:
        return False
    await uow.notifications.add(notice)
    return True


async def _email(uow: UnitOfWork, event: StoredEvent, to: str, user_id: uuid.UUID | None, template: str,
                 language: str, context: dict[str, Any]) -> bool:  # fmt: skip
    """Record the e-mail (and its delivery event) unless handling this event recorded it already."""
    email_id = derived_id(event.id, "email", to.lower())
    if await uow.notification_emails.find(email_id) is not None:
        return False
    await uow.notification_emails.add(NotificationEmail.request(
        id=email_id, source_event_id=event.id, to=to, user_id=user_id, template=template, language=language,
        context=context))  # fmt: skip
    return True


@attrs.define
class NotifyOrderEvent:
    """`order.*` → an `order_status` notice for the order's user and, where their preferences allow (always
    for a guest, by e-mail only), an e-mail in the order's language."""

    uow: UnitOfWork
    settings: RuntimeSettings

    async def __call__(self, event: StoredEvent) -> None:
        kind = event.name.removeprefix("order.")
        if kind not in ORDER_KINDS:
            return
        p = event.payload
        language = language_of(p.get("language"), await self.settings.get(keys.DEFAULT_LANGUAGE))
        title, message = order_texts(kind, language, p)
        base = (await self.settings.get(platform_keys.STOREFRONT_URL)).rstrip("/")
        context = {"shop": await self.settings.get(platform_keys.SHOP_NAME), "kind": kind, "title": title,
                   "message": message, "number": p.get("number", ""), "status": p.get("status", ""),
                   "total": money_text(p.get("total"), language), "amount": money_text(p.get("amount"), language),
                   "reason": p.get("reason") or "", "link": f"{base}/orders/{p.get('order_id', '')}",
                   "name": ""}  # fmt: skip
        changed = False
        async with self.uow:
            user_id, to, wants_email = _uuid(p.get("user_id")), p.get("email"), True
            account = await self._account(user_id)
            if account is not None and user_id is not None:
                to = to or account.email
                context["name"] = account.first_name
                notice = Notification(id=derived_id(event.id, "notice", str(user_id)), user_id=user_id, title=title,
                                      message=message, notification_type="order_status",
                                      related_object_type="order", related_object_id=str(p.get("order_id")),
                                      data={"order_number": context["number"], "event": event.name})  # fmt: skip
                changed |= await _notice(self.uow, notice)
                channels = await channels_for(self.uow, user_id, staff=False)
                wants_email = channels["order_status"].email_enabled
            if kind in EMAILED_KINDS and wants_email and isinstance(to, str) and to:
                changed |= await _email(self.uow, event, to, user_id if account else None, "order", language, context)
            if changed:
                await self.uow.commit()

    async def _account(self, user_id: uuid.UUID | None) -> Any:
        if user_id is None:
            return None
        try:
            account = await self.uow.accounts.get(user_id)
        except NotFound:
            return None
        return account if account.can_log_in else None


@attrs.define
class NotifyLowStock:
    """`inventory.low_stock` → a `stock` notice to every active account holding `inventory.manage` (and every
    superuser), and an e-mail to those whose preferences allow it (on by default for staff)."""

    uow: UnitOfWork
    settings: RuntimeSettings
    clock: Clock

    async def __call__(self, event: StoredEvent) -> None:
        p = event.payload
        language = language_of(await self.settings.get(keys.DEFAULT_LANGUAGE), "tr")
        expire_at = self.clock.now() + timedelta(days=await self.settings.get(keys.STOCK_NOTICE_DAYS))
        base = (await self.settings.get(platform_keys.STOREFRONT_URL)).rstrip("/")
        shop = await self.settings.get(platform_keys.SHOP_NAME)
        changed = False
        async with self.uow:
            variant = await self._variant_label(p.get("variant_id"))
            title, message = stock_texts(language, variant, p.get("available", 0), p.get("minimum", 0))
            context = {"shop": shop, "title": title, "message": message, "variant": variant,
                       "available": p.get("available", 0), "minimum": p.get("minimum", 0),
                       "link": f"{base}/admin/inventory/stock?variant_id={p.get('variant_id', '')}"}  # fmt: skip
            for staff in await self.uow.notifications.staff_holding(STOCK_PERMISSION):
                notice = Notification(id=derived_id(event.id, "notice", str(staff.account_id)),
                                      user_id=staff.account_id, title=title, message=message,
                                      notification_type="stock", related_object_type="variant",
                                      related_object_id=str(p.get("variant_id")), expire_at=expire_at,
                                      data={"warehouse_id": p.get("warehouse_id"), "event": event.name})  # fmt: skip
                changed |= await _notice(self.uow, notice)
                if (await channels_for(self.uow, staff.account_id, staff=True))["stock"].email_enabled:
                    changed |= await _email(self.uow, event, staff.email, staff.account_id, "low_stock", language,
                                            context)  # fmt: skip
            if changed:
                await self.uow.commit()

    async def _variant_label(self, raw: Any) -> str:
        variant_id = _uuid(raw)
        if variant_id is None:
            return str(raw)
        try:
            variant = await self.uow.variants.get(variant_id)
        except NotFound:
            return str(raw)
        return f"{variant.name} ({variant.code})" if variant.name else variant.code


@attrs.define
class SendNotificationEmail:
    """Send one recorded e-mail, then mark it sent. An e-mail already marked sent is not sent again.

    The one window left is between the mail server accepting the message and the mark's commit: a worker
    killed exactly there sends that e-mail again on the retry (SMTP has no transaction to join)."""

    uow: UnitOfWork
    mailer: Mailer
    templates: MailTemplates
    clock: Clock

    async def __call__(self, event: StoredEvent) -> None:
        email_id = _uuid(event.payload.get("email_id"))
        if email_id is None:
            return
        async with self.uow:
            email = await self.uow.notification_emails.find(email_id)
        if email is None or email.sent_at is not None:
            return
        rendered = self.templates.render(email.template, email.language, email.context)
        await self.mailer.send(
            Mail(
                to=email.to, subject=rendered.subject, text=rendered.text, html=rendered.html, message_id=str(email_id)
            )
        )
        async with self.uow:
            email = await self.uow.notification_emails.find(email_id)
            if email is not None:
                email.mark_sent(self.clock.now())
                await self.uow.commit()
