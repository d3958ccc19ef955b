"""What happens after an accounts event is committed."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import attrs

from core.platform import settings as platform_keys
from core.shared.events import StoredEvent
from core.shared.mail import Mail

if TYPE_CHECKING:
    from ports.services import Mailer, RuntimeSettings, SmsSender, Templates

LINK_PATHS = {"verify_email": "/verify-email", "reset_password": "/reset-password"}


@attrs.define
class DeliverMessage:
    """Send the link or code a `MessageRequested` event carries, by e-mail or SMS."""

    mailer: Mailer
    sms: SmsSender
    templates: Templates
    settings: RuntimeSettings

    async def __call__(self, event: StoredEvent) -> None:
        p = event.payload
        context = {"shop": await self.settings.get(platform_keys.SHOP_NAME), "code": p["secret"], "to": p["to"]}
        if p["purpose"] in LINK_PATHS:
            base = (await self.settings.get(platform_keys.STOREFRONT_URL)).rstrip("/")
            context["link"] = f"{base}{LINK_PATHS[p['purpose']]}?token={quote(p['secret'])}"
        subject, text = self.templates.render(p["purpose"], context)
        if p["channel"] == "sms":
            await self.sms.send(p["to"], text)
        else:
            await self.mailer.send(Mail(to=p["to"], subject=subject, text=text, message_id=str(event.id)))
