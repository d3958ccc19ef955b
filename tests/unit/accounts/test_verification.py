"""E-mail verification, password reset and phone verification: single-use, expiring secrets."""

from __future__ import annotations

import pytest

from core.accounts.use_cases.registration import ChangeProfile, UpdateProfile
from core.accounts.use_cases.sessions import Refresh, RefreshSession
from core.accounts.use_cases.staff import AccountStatus, SetAccountActive
from core.accounts.use_cases.verification import (
    Confirm,
    ForgotPassword,
    NewPassword,
    PhoneCode,
    RequestEmailVerification,
    RequestPasswordReset,
    RequestPhoneVerification,
    ResetPassword,
    VerifyEmail,
    VerifyPhone,
)
from core.shared.actor import SYSTEM
from core.shared.errors import Conflict, Invalid, RateLimited, Unauthenticated
from tests.unit.conftest import PASSWORD, App

EMAIL = "ayse@example.com"
PHONE = "+905321234567"


async def _bad(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as e:
        await call
    assert e.value.code == "invalid_token"
    assert e.value.errors[0].loc == ("body", "token")


# --- e-mail verification -------------------------------------------------------------------------------------


async def test_the_emailed_link_verifies_the_address(app: App) -> None:
    account = await app.register(EMAIL)
    await app.use(VerifyEmail)(Confirm(app.link_token(EMAIL)))
    stored = await app.account(account.id)
    assert stored.is_email_verified
    assert stored.email_verified_at == app.clock.now()


async def test_the_link_is_single_use(app: App) -> None:
    await app.register(EMAIL)
    token = app.link_token(EMAIL)
    await app.use(VerifyEmail)(Confirm(token))
    await _bad(app.use(VerifyEmail)(Confirm(token)))


async def test_the_link_expires_after_24_hours(app: App) -> None:
    account = await app.register(EMAIL)
    token = app.link_token(EMAIL)
    app.clock.advance(hours=24)
    await _bad(app.use(VerifyEmail)(Confirm(token)))
    assert not (await app.account(account.id)).is_email_verified


async def test_the_link_works_until_it_expires(app: App) -> None:
    await app.register(EMAIL)
    token = app.link_token(EMAIL)
    app.clock.advance(hours=23, minutes=59)
    await app.use(VerifyEmail)(Confirm(token))


async def test_link_lifetime_follows_the_setting(app: App) -> None:
    await app.set("auth.email_token_hours", 1)
    await app.register(EMAIL)
    token = app.link_token(EMAIL)
    app.clock.advance(hours=1)
    await _bad(app.use(VerifyEmail)(Confirm(token)))


async def test_unknown_token(app: App) -> None:
    await _bad(app.use(VerifyEmail)(Confirm("made-up")))


async def test_a_verification_link_cannot_reset_a_password(app: App) -> None:
    await app.register(EMAIL)
    await _bad(app.use(ResetPassword)(NewPassword(app.link_token(EMAIL), "brand new password")))


async def test_request_a_new_verification_link(app: App) -> None:
    await app.register(EMAIL)
    actor = await app.actor(await app.login())
    first = app.link_token(EMAIL)
    await app.use(RequestEmailVerification)(actor)
    await app.drain()
    second = app.link_token(EMAIL)
    assert second != first and len(app.mails_to(EMAIL)) == 2
    await app.use(VerifyEmail)(Confirm(second))
    with pytest.raises(Conflict) as e:
        await app.use(RequestEmailVerification)(actor)
    assert e.value.code == "already_verified"


# --- password reset ------------------------------------------------------------------------------------------


async def _forgot(app: App, email: str = EMAIL) -> str:
    await app.use(RequestPasswordReset)(ForgotPassword(email))
    await app.drain()
    return app.link_token(email.strip().lower())


async def test_reset_changes_the_password(app: App) -> None:
    await app.register(EMAIL)
    token = await _forgot(app, " Ayse@Example.com ")
    assert "/reset-password?token=" in app.mails_to(EMAIL)[-1].text
    await app.use(ResetPassword)(NewPassword(token, "brand new password"))
    await app.login(EMAIL, "brand new password")
    with pytest.raises(Unauthenticated):
        await app.login(EMAIL, PASSWORD)


async def test_reset_ends_every_open_session(app: App) -> None:
    await app.register(EMAIL)
    a, b = await app.login(), await app.login()
    await app.use(ResetPassword)(NewPassword(await _forgot(app), "brand new password"))
    for pair in (a, b):
        with pytest.raises(Unauthenticated):
            await app.actor(pair)
        with pytest.raises(Unauthenticated):
            await app.use(RefreshSession)(Refresh(pair.refresh_token))


async def test_reset_verifies_the_email_it_reached(app: App) -> None:
    account = await app.register(EMAIL)
    await app.use(ResetPassword)(NewPassword(await _forgot(app), "brand new password"))
    assert (await app.account(account.id)).is_email_verified


async def test_reset_link_is_single_use(app: App) -> None:
    await app.register(EMAIL)
    token = await _forgot(app)
    await app.use(ResetPassword)(NewPassword(token, "brand new password"))
    await _bad(app.use(ResetPassword)(NewPassword(token, "another password")))
    await app.login(EMAIL, "brand new password")


async def test_reset_link_expires(app: App) -> None:
    await app.register(EMAIL)
    token = await _forgot(app)
    app.clock.advance(hours=24, seconds=1)
    await _bad(app.use(ResetPassword)(NewPassword(token, "brand new password")))
    await app.login()


async def test_a_short_new_password_leaves_the_link_usable(app: App) -> None:
    await app.register(EMAIL)
    token = await _forgot(app)
    with pytest.raises(Invalid) as e:
        await app.use(ResetPassword)(NewPassword(token, "short"))
    assert e.value.code == "password_too_short"
    await app.use(ResetPassword)(NewPassword(token, "long enough now"))


async def test_reset_request_answers_the_same_for_unknown_or_disabled_accounts(app: App) -> None:
    account = await app.register(EMAIL)
    sent = len(app.mailer.sent)
    assert await app.use(RequestPasswordReset)(ForgotPassword("nobody@example.com")) is None
    await app.use(SetAccountActive)(AccountStatus(SYSTEM, account.id, False))
    assert await app.use(RequestPasswordReset)(ForgotPassword(EMAIL)) is None
    await app.drain()
    assert len(app.mailer.sent) == sent


async def test_a_reset_link_cannot_verify_an_email(app: App) -> None:
    account = await app.register(EMAIL)
    app.mailer.sent.clear()
    await _bad(app.use(VerifyEmail)(Confirm(await _forgot(app))))
    assert not (await app.account(account.id)).is_email_verified


# --- phone verification --------------------------------------------------------------------------------------


async def _phone_user(app: App):  # type: ignore[no-untyped-def]
    account = await app.register(EMAIL, phone="0532 123 45 67")
    return account, await app.actor(await app.login())


async def _send_code(app: App, actor) -> str:  # type: ignore[no-untyped-def]
    await app.use(RequestPhoneVerification)(actor)
    await app.drain()
    return app.sms_code(PHONE)


async def test_the_sms_code_verifies_the_phone(app: App) -> None:
    account, actor = await _phone_user(app)
    code = await _send_code(app, actor)
    assert len(code) == 6
    assert app.mailer.sent[-1].to == EMAIL and len(app.sms.sent) == 1  # by SMS, not by e-mail
    await app.use(VerifyPhone)(PhoneCode(actor, f" {code} "))
    stored = await app.account(account.id)
    assert stored.is_phone_verified and stored.phone_verified_at == app.clock.now()
    with pytest.raises(Conflict) as e:
        await app.use(RequestPhoneVerification)(actor)
    assert e.value.code == "already_verified"


async def test_the_code_is_single_use(app: App) -> None:
    _, actor = await _phone_user(app)
    code = await _send_code(app, actor)
    await app.use(VerifyPhone)(PhoneCode(actor, code))
    await _bad(app.use(VerifyPhone)(PhoneCode(actor, code)))


async def test_the_code_expires_after_10_minutes(app: App) -> None:
    account, actor = await _phone_user(app)
    code = await _send_code(app, actor)
    app.clock.advance(minutes=10)
    await _bad(app.use(VerifyPhone)(PhoneCode(actor, code)))
    assert not (await app.account(account.id)).is_phone_verified


async def test_wrong_codes_count_and_the_fifth_voids_the_code(app: App) -> None:
    account, actor = await _phone_user(app)
    code = await _send_code(app, actor)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        await _bad(app.use(VerifyPhone)(PhoneCode(actor, wrong)))
    await _bad(app.use(VerifyPhone)(PhoneCode(actor, code)))
    assert not (await app.account(account.id)).is_phone_verified
    app.clock.advance(seconds=1)  # codes are ordered by when they were issued
    fresh = await _send_code(app, actor)  # a new code works again
    await app.use(VerifyPhone)(PhoneCode(actor, fresh))


async def test_four_wrong_codes_still_leave_the_right_one_working(app: App) -> None:
    account, actor = await _phone_user(app)
    code = await _send_code(app, actor)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        await _bad(app.use(VerifyPhone)(PhoneCode(actor, wrong)))
    await app.use(VerifyPhone)(PhoneCode(actor, code))
    assert (await app.account(account.id)).is_phone_verified


async def test_only_the_latest_code_counts(app: App) -> None:
    _, actor = await _phone_user(app)
    first = await _send_code(app, actor)
    app.clock.advance(seconds=1)
    second = await _send_code(app, actor)
    if first != second:
        await _bad(app.use(VerifyPhone)(PhoneCode(actor, first)))
    await app.use(VerifyPhone)(PhoneCode(actor, second))


async def test_a_code_for_a_number_since_changed_does_not_verify_the_new_one(app: App) -> None:
    account, actor = await _phone_user(app)
    code = await _send_code(app, actor)
    await app.use(ChangeProfile)(UpdateProfile(actor, {"phone": "0533 765 43 21"}))
    with pytest.raises(Conflict) as e:
        await app.use(VerifyPhone)(PhoneCode(actor, code))
    assert e.value.code == "phone_changed"
    assert not (await app.account(account.id)).is_phone_verified


async def test_no_phone_no_code(app: App) -> None:
    await app.register(EMAIL)
    actor = await app.actor(await app.login())
    with pytest.raises(Conflict) as e:
        await app.use(RequestPhoneVerification)(actor)
    assert e.value.code == "no_phone"
    await _bad(app.use(VerifyPhone)(PhoneCode(actor, "123456")))


# --- how many messages an account can be sent ----------------------------------------------------------------


async def test_sms_codes_are_limited_per_account_and_hour(app: App) -> None:
    _, actor = await _phone_user(app)
    for _ in range(5):
        await app.use(RequestPhoneVerification)(actor)
    with pytest.raises(RateLimited) as e:
        await app.use(RequestPhoneVerification)(actor)
    assert 0 < e.value.retry_after <= 3600
    await app.drain()
    assert len(app.sms.sent) == 5  # the sixth was never sent


async def test_verification_mails_are_limited_and_count_the_one_sent_at_registration(app: App) -> None:
    await app.register(EMAIL)
    actor = await app.actor(await app.login())
    for _ in range(4):
        await app.use(RequestEmailVerification)(actor)
    with pytest.raises(RateLimited):
        await app.use(RequestEmailVerification)(actor)
    await app.set("auth.messages_per_hour", 6)  # a runtime setting: staff may allow more
    await app.use(RequestEmailVerification)(actor)
    await app.drain()
    assert len(app.mails_to(EMAIL)) == 6


async def test_password_reset_mails_stop_quietly_at_the_limit(app: App) -> None:
    await app.register(EMAIL)
    for _ in range(8):  # the answer never changes, so nobody learns whether the address exists
        assert await app.use(RequestPasswordReset)(ForgotPassword(EMAIL)) is None
    await app.drain()
    assert len(app.mails_to(EMAIL)) == 1 + 5  # the registration's verification mail, then five resets
