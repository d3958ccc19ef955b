"""Outgoing messages: the SMTP adapter against a real SMTP server (aiosmtpd), and the console adapters."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from adapters.console import ConsoleMailer, ConsoleSms
from adapters.smtp import SmtpMailer
from bootstrap import Settings, bootstrap, shutdown
from core.accounts.use_cases.registration import Register, RegisterAccount
from core.shared.mail import Mail
from ports.services import Mailer, TaskQueue
from tests.conftest import FAST_HASH
from tests.services import free_port


class Recorder:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]  # type: ignore[misc]


class SmtpServer:
    def __init__(self, **smtp_options: Any) -> None:
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **smtp_options)

    def url(self, query: str = "tls=off", userinfo: str = "") -> str:
        return f"smtp://{userinfo}127.0.0.1:{self.port}?{query}"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content()).replace("\r\n", "\n")  # lines travel as CRLF


async def test_smtp_mailer_delivers_to_the_server(smtp: SmtpServer) -> None:
    mailer = SmtpMailer(smtp.url(), default_sender="Çarşı <no-reply@carsi.local>")
    await mailer.send(Mail(to="ayse@example.com", subject="Hesabınızı doğrulayın — Çarşı",
                           text="Merhaba Ayşe,\nbağlantı: https://shop.example/verify-email?token=abc\n"))  # fmt: skip

    [envelope] = smtp.recorder.envelopes
    assert envelope.mail_from == "no-reply@carsi.local"
    assert envelope.rcpt_tos == ["ayse@example.com"]
    [message] = smtp.recorder.messages()
    assert message["From"] == "Çarşı <no-reply@carsi.local>"
    assert message["To"] == "ayse@example.com"
    assert message["Subject"] == "Hesabınızı doğrulayın — Çarşı"
    assert body(message) == "Merhaba Ayşe,\nbağlantı: https://shop.example/verify-email?token=abc\n"
    assert not message.is_multipart()


async def test_smtp_mailer_sends_html_as_an_alternative(smtp: SmtpServer) -> None:
    mailer = SmtpMailer(smtp.url())
    await mailer.send(Mail(to="veli@example.com", subject="Sipariş", text="Siparişiniz alındı.",
                           html="<p>Siparişiniz <b>alındı</b>.</p>"))  # fmt: skip
    [message] = smtp.recorder.messages()
    assert message.get_content_type() == "multipart/alternative"
    assert body(message, "plain").strip() == "Siparişiniz alındı."
    assert body(message, "html").strip() == "<p>Siparişiniz <b>alındı</b>.</p>"


async def test_a_message_id_given_by_the_sender_is_the_one_the_server_gets(smtp: SmtpServer) -> None:
    mailer = SmtpMailer(smtp.url(), default_sender="Çarşı <no-reply@magaza.example>")
    await mailer.send(Mail(to="a@example.com", subject="s", text="t", message_id="e-1"))
    await mailer.send(Mail(to="a@example.com", subject="s", text="t", message_id="e-1"))  # a retry after a crash
    first, again = smtp.recorder.messages()
    assert first["Message-ID"] == again["Message-ID"] == "<e-1@magaza.example>"


async def test_the_from_in_the_url_wins_over_the_default_sender(smtp: SmtpServer) -> None:
    mailer = SmtpMailer(smtp.url("tls=off&from=magaza@example.com"), default_sender="no-reply@carsi.local")
    await mailer.send(Mail(to="a@example.com", subject="s", text="t"))
    assert smtp.recorder.envelopes[0].mail_from == "magaza@example.com"
    assert smtp.recorder.messages()[0]["From"] == "magaza@example.com"


async def test_without_a_tls_option_a_server_without_starttls_still_gets_the_mail(smtp: SmtpServer) -> None:
    await SmtpMailer(smtp.url(query="")).send(Mail(to="a@example.com", subject="s", text="t"))
    assert len(smtp.recorder.envelopes) == 1


async def test_starttls_required_but_not_offered_fails_instead_of_sending_in_clear(smtp: SmtpServer) -> None:
    with pytest.raises(aiosmtplib.SMTPException, match=r"(?i)starttls"):
        await SmtpMailer(smtp.url("tls=starttls")).send(Mail(to="a@example.com", subject="s", text="t"))
    assert smtp.recorder.envelopes == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
async def test_smtp_mailer_logs_in_with_the_credentials_in_the_url() -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        ok = data.login == b"shop@example.com" and data.password == b"p@ss:word"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    server = SmtpServer(authenticator=authenticator, auth_require_tls=False, auth_required=True)
    server.controller.start()
    try:
        good = SmtpMailer(server.url(userinfo="shop%40example.com:p%40ss%3Aword@"))
        await good.send(Mail(to="a@example.com", subject="s", text="t"))
        assert len(server.recorder.envelopes) == 1

        bad = SmtpMailer(server.url(userinfo="shop%40example.com:wrong@"))
        with pytest.raises(aiosmtplib.SMTPAuthenticationError):
            await bad.send(Mail(to="b@example.com", subject="s", text="t"))
        assert len(server.recorder.envelopes) == 1
        assert logins[0] == (b"shop@example.com", b"p@ss:word")  # the URL's user and password, unquoted
        assert set(logins[1:]) == {(b"shop@example.com", b"wrong")}  # (the client tries each mechanism)
    finally:
        server.controller.stop()


async def test_an_unreachable_server_raises_so_the_job_is_retried() -> None:
    mailer = SmtpMailer(f"smtp://127.0.0.1:{free_port()}?tls=off&timeout=2")
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await mailer.send(Mail(to="a@example.com", subject="s", text="t"))


def test_smtp_url_defaults() -> None:
    plain = SmtpMailer("smtp://mail.example.com")
    assert (plain.host, plain.port, plain.use_tls, plain.start_tls, plain.username) == ("mail.example.com", 25, False,
                                                                                         None, None)  # fmt: skip
    implicit = SmtpMailer("smtps://u:p@mail.example.com?timeout=5")
    assert (implicit.port, implicit.use_tls, implicit.username, implicit.password, implicit.timeout) == (
        465,
        True,
        "u",
        "p",
        5.0,
    )


async def test_registration_mail_goes_out_over_smtp_when_smtp_url_is_set(smtp: SmtpServer, tmp_path: Path) -> None:
    """The composition root picks the SMTP adapter from SMTP_URL; MAIL_FROM is the sender."""
    settings = Settings(database_url="memory://", smtp_url=smtp.url(), mail_from="Çarşı Mağaza <shop@example.com>",
                        profile="test", var_dir=str(tmp_path), job_backoff_seconds=0.01, **FAST_HASH)  # fmt: skip
    c = bootstrap(settings)
    try:
        assert isinstance(c.resolve(Mailer), SmtpMailer)
        await c.resolve(RegisterAccount)(Register(email="ayse@example.com", password="uzun-bir-parola-7"))
        await c.resolve(TaskQueue).drain(timeout=60)  # type: ignore[attr-defined]
    finally:
        await shutdown(c)
    [envelope] = smtp.recorder.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("shop@example.com", ["ayse@example.com"])
    [message] = smtp.recorder.messages()
    assert message["From"] == "Çarşı Mağaza <shop@example.com>"
    assert "verify your e-mail address" in message["Subject"]
    assert "/verify-email?token=" in body(message)


# --- console adapters -----------------------------------------------------------------------------------------


async def test_console_mailer_writes_the_message_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="carsi.messages"):
        await ConsoleMailer().send(Mail(to="ayse@example.com", subject="Doğrulama", text="bağlantı: https://x/y"))
    [record] = [r for r in caplog.records if r.name == "carsi.messages"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == "mail to ayse@example.com: Doğrulama\nbağlantı: https://x/y"
    assert (record.mail_to, record.subject) == ("ayse@example.com", "Doğrulama")  # type: ignore[attr-defined]


async def test_console_sms_writes_the_text_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="carsi.messages"):
        await ConsoleSms().send("+905321234567", "Doğrulama kodunuz: 123456")
    [record] = [r for r in caplog.records if r.name == "carsi.messages"]
    assert record.getMessage() == "sms to +905321234567: Doğrulama kodunuz: 123456"
    assert record.sms_to == "+905321234567"  # type: ignore[attr-defined]
