"""Outgoing mail over SMTP (aiosmtplib): SMTP_URL = smtp://user:pass@host:port?from=shop@example.com&tls=starttls."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from core.shared.mail import Mail


class SmtpMailer:
    def __init__(self, url: str, default_sender: str = "no-reply@carsi.local") -> None:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = query.get("from", default_sender)
        self.use_tls = parts.scheme == "smtps"
        self.start_tls = True if query.get("tls") == "starttls" else (False if query.get("tls") == "off" else None)
        self.timeout = float(query.get("timeout", 30))

    async def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        if mail.message_id:
            domain = self.sender.rpartition("@")[2].strip("> ") or "carsi.local"
            message["Message-ID"] = f"<{mail.message_id}@{domain}>"
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        await aiosmtplib.send(message, hostname=self.host, port=self.port, username=self.username,
                              password=self.password, use_tls=self.use_tls, start_tls=self.start_tls,
                              timeout=self.timeout)  # fmt: skip
