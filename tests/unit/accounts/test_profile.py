"""ChangeProfile: the profile fields only, checked; a new phone number is an unverified one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.accounts.use_cases.registration import ChangeProfile, UpdateProfile
from core.accounts.use_cases.verification import PhoneCode, RequestPhoneVerification, VerifyPhone
from core.shared.actor import Actor
from core.shared.errors import Invalid
from tests.unit.conftest import App


async def _me(app: App, **fields: Any) -> Actor:
    await app.register("ayse@example.com", **fields)
    return await app.actor(await app.login())


async def _change(app: App, actor: Actor, **changes: Any):  # type: ignore[no-untyped-def]
    return await app.use(ChangeProfile)(UpdateProfile(actor, changes))


async def test_profile_fields_change(app: App) -> None:
    actor = await _me(app)
    await _change(app, actor, first_name="Ayşe", last_name="Yılmaz", gender="female", birthdate=date(1990, 5, 17))
    stored = await app.account(actor.user_id)  # type: ignore[arg-type]
    assert (stored.first_name, stored.last_name, stored.gender, stored.birthdate) == (
        "Ayşe",
        "Yılmaz",
        "female",
        date(1990, 5, 17),
    )


@pytest.mark.parametrize(("field", "value"), [("email", "evil@example.com"), ("is_superuser", True),
                                              ("is_email_verified", True), ("is_phone_verified", True),
                                              ("password_hash", "x"), ("roles", []), ("is_active", False),
                                              ("id", "x")])  # fmt: skip
async def test_other_fields_are_refused_and_nothing_changes(app: App, field: str, value: Any) -> None:
    actor = await _me(app)
    with pytest.raises(Invalid) as e:
        await _change(app, actor, first_name="Changed", **{field: value})
    assert e.value.code == "field_not_allowed"
    assert e.value.errors[0].loc == ("body", field)
    stored = await app.account(actor.user_id)  # type: ignore[arg-type]
    assert stored.first_name == "" and stored.email == "ayse@example.com" and not stored.is_superuser


async def test_phone_is_normalised_and_a_change_clears_its_verification(app: App) -> None:
    actor = await _me(app, phone="05321234567")
    await app.use(RequestPhoneVerification)(actor)
    await app.drain()
    await app.use(VerifyPhone)(PhoneCode(actor, app.sms_code("+905321234567")))
    assert (await app.account(actor.user_id)).is_phone_verified  # type: ignore[arg-type]

    await _change(app, actor, phone="+90 532 123 45 67")  # the same number, written differently
    assert (await app.account(actor.user_id)).is_phone_verified  # type: ignore[arg-type]

    await _change(app, actor, phone="0533 765 43 21")
    stored = await app.account(actor.user_id)  # type: ignore[arg-type]
    assert stored.phone == "+905337654321"
    assert not stored.is_phone_verified and stored.phone_verified_at is None


async def test_phone_can_be_removed(app: App) -> None:
    actor = await _me(app, phone="05321234567")
    await _change(app, actor, phone=None)
    assert (await app.account(actor.user_id)).phone is None  # type: ignore[arg-type]


async def test_an_empty_phone_removes_it_too(app: App) -> None:
    actor = await _me(app, phone="05321234567")
    await _change(app, actor, phone="")
    assert (await app.account(actor.user_id)).phone is None  # type: ignore[arg-type]


async def test_invalid_phone_is_refused(app: App) -> None:
    actor = await _me(app)
    with pytest.raises(Invalid) as e:
        await _change(app, actor, phone="12345")
    assert e.value.code == "invalid_phone"


@pytest.mark.parametrize("gender", ["female", "male", "other", "unspecified", None])
async def test_known_genders(app: App, gender: str | None) -> None:
    actor = await _me(app)
    await _change(app, actor, gender=gender)
    assert (await app.account(actor.user_id)).gender == gender  # type: ignore[arg-type]


@pytest.mark.parametrize("gender", ["Female", "f", "", "robot", 1])
async def test_unknown_genders_are_refused(app: App, gender: Any) -> None:
    actor = await _me(app)
    with pytest.raises(Invalid) as e:
        await _change(app, actor, gender=gender)
    assert e.value.errors[0].loc == ("body", "gender")


@pytest.mark.parametrize("birthdate", [date(1899, 12, 31), date.today() + timedelta(days=1), date(2999, 1, 1)])
async def test_birthdate_must_be_a_past_date_after_1900(app: App, birthdate: date) -> None:
    actor = await _me(app)
    with pytest.raises(Invalid) as e:
        await _change(app, actor, birthdate=birthdate)
    assert e.value.errors[0].loc == ("body", "birthdate")


@pytest.mark.parametrize("birthdate", ["1990-05-17", datetime(1990, 5, 17, tzinfo=UTC), 19900517])
async def test_birthdate_must_be_a_date(app: App, birthdate: Any) -> None:
    actor = await _me(app)
    with pytest.raises(Invalid) as e:
        await _change(app, actor, birthdate=birthdate)
    assert e.value.errors[0].loc == ("body", "birthdate")
    assert (await app.account(actor.user_id)).birthdate is None  # type: ignore[arg-type]


async def test_birthdate_bounds_and_removal(app: App) -> None:
    actor = await _me(app)
    await _change(app, actor, birthdate=date(1900, 1, 1))
    await _change(app, actor, birthdate=date.today())
    await _change(app, actor, birthdate=None)
    assert (await app.account(actor.user_id)).birthdate is None  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["first_name", "last_name"])
async def test_names_are_bounded_text(app: App, field: str) -> None:
    actor = await _me(app)
    for bad in ("x" * 101, None, 5):
        with pytest.raises(Invalid) as e:
            await _change(app, actor, **{field: bad})
        assert e.value.errors[0].loc == ("body", field)
    await _change(app, actor, **{field: "x" * 100})


async def test_registration_bounds_names_too(app: App) -> None:
    with pytest.raises(Invalid) as e:
        await app.register(first_name="x" * 101)
    assert e.value.errors[0].loc == ("body", "first_name")


async def test_nothing_to_change_is_fine(app: App) -> None:
    actor = await _me(app)
    account = await _change(app, actor)
    assert account.id == actor.user_id
