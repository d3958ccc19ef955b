"""RegisterAccount and GetAccount."""

from __future__ import annotations

import pytest

from core.accounts.use_cases.registration import GetAccount, Register, RegisterAccount
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid, Unauthenticated
from ports.services import PasswordHasher
from tests.unit.conftest import PASSWORD, App


async def test_register_normalises_and_stores_the_account(app: App) -> None:
    account = await app.register("  Ayse.Yilmaz@Example.COM ", first_name=" Ayşe ", last_name=" Yılmaz ")
    stored = await app.account(account.id)
    assert stored.email == "ayse.yilmaz@example.com"
    assert (stored.first_name, stored.last_name) == ("Ayşe", "Yılmaz")
    assert not stored.is_email_verified and not stored.is_superuser and stored.roles == []
    assert stored.is_active


async def test_password_is_stored_hashed(app: App) -> None:
    account = await app.register()
    stored = await app.account(account.id)
    assert PASSWORD not in stored.password_hash
    assert app.use(PasswordHasher).verify(stored.password_hash, PASSWORD)


async def test_duplicate_email_is_a_conflict_whatever_the_case(app: App) -> None:
    await app.register("ayse@example.com")
    with pytest.raises(Conflict) as e:
        await app.register(" AYSE@example.com")
    assert e.value.code == "email_taken"


@pytest.mark.parametrize("password", ["", "1234567", "short"])
async def test_password_shorter_than_8_is_invalid(app: App, password: str) -> None:
    with pytest.raises(Invalid) as e:
        await app.register(password=password)
    assert e.value.code == "password_too_short"
    assert e.value.errors[0].loc == ("body", "password")


async def test_password_of_8_is_enough(app: App) -> None:
    await app.register(password="12345678")


async def test_minimum_length_follows_the_runtime_setting(app: App) -> None:
    await app.set("auth.password_min_length", 12)
    with pytest.raises(Invalid):
        await app.register(password="elevenchars")
    await app.register(password="twelve chars")


async def test_overlong_password_is_invalid(app: App) -> None:
    with pytest.raises(Invalid) as e:
        await app.register(password="x" * 1025)
    assert e.value.code == "password_too_long"


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@example.com", "sp ace@example.com",
                                   "x" * 250 + "@example.com"])  # fmt: skip
async def test_malformed_email_is_invalid(app: App, email: str) -> None:
    with pytest.raises(Invalid) as e:
        await app.register(email)
    assert e.value.errors[0].loc == ("body", "email")


@pytest.mark.parametrize(("raw", "e164"), [
    ("0532 123 45 67", "+905321234567"), ("+90 (532) 123-4567", "+905321234567"),
    ("5321234567", "+905321234567"), ("+44 20 7946 0958", "+442079460958"),
])  # fmt: skip
async def test_phone_is_normalised_to_e164(app: App, raw: str, e164: str) -> None:
    account = await app.register(phone=raw)
    assert (await app.account(account.id)).phone == e164


@pytest.mark.parametrize("phone", ["123", "not a phone", "+90 532 123", "0000000000"])
async def test_invalid_phone_is_refused(app: App, phone: str) -> None:
    with pytest.raises(Invalid) as e:
        await app.register(phone=phone)
    assert e.value.code == "invalid_phone"
    assert e.value.errors[0].loc == ("body", "phone")


async def test_no_phone_is_fine(app: App) -> None:
    account = await app.register(phone=None)
    assert (await app.account(account.id)).phone is None


async def test_a_refused_registration_stores_nothing_and_sends_nothing(app: App) -> None:
    with pytest.raises(Invalid):
        await app.register(phone="123")
    async with app.uow() as uow:
        assert await uow.accounts.by_email("ayse@example.com") is None
    assert app.mailer.sent == []


async def test_registration_emails_a_verification_link(app: App) -> None:
    await app.register("Ayse@Example.com")
    [mail] = app.mailer.sent
    assert mail.to == "ayse@example.com"
    assert "verify" in mail.subject.lower() or "doğrula" in mail.subject
    assert "/verify-email?token=" in mail.text
    assert len(app.link_token("ayse@example.com")) >= 40


async def test_get_account_is_the_callers_own(app: App) -> None:
    account = await app.register()
    actor = await app.actor(await app.login())
    me = await app.use(GetAccount)(actor)
    assert me.id == account.id and me.email == "ayse@example.com"


async def test_get_account_needs_a_user(app: App) -> None:
    with pytest.raises(Unauthenticated):
        await app.use(GetAccount)(Actor(None))


async def test_register_use_case_directly(app: App) -> None:
    account = await app.use(RegisterAccount)(Register(email="b@example.com", password=PASSWORD))
    assert account.email == "b@example.com"
