"""The embedded profile's mailer and SMS sender: they write the message to the log instead of sending it."""

from __future__ import annotations

import logging

from core.shared.mail import Mail

log = logging.getLogger("carsi.messages")


class ConsoleMailer:
    async def send(self, mail: Mail) -> None:
        log.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.text,
                 extra={"mail_to": mail.to, "subject": mail.subject})  # fmt: skip


class ConsoleSms:
    async def send(self, to: str, text: str) -> None:
        log.info("sms to %s: %s", to, text, extra={"sms_to": to})
