"""Runtime settings as staff see them: listed with defaults, overridden type-checked, audited, reset."""

from __future__ import annotations

import uuid

import pytest

from core.accounts import settings as account_keys
from core.platform import settings as platform_keys
from core.platform.use_cases import ChangeSetting, ListSettings, UpdateSetting
from core.shared.actor import Actor
from core.shared.errors import Invalid, NotFound
from core.shared.settings import REGISTRY
from ports.services import RuntimeSettings
from tests.unit.conftest import App

STAFF = Actor(uuid.uuid4(), frozenset({"settings.manage"}))


async def _update(app: App, key: str, value: object):  # type: ignore[no-untyped-def]
    return await app.use(UpdateSetting)(ChangeSetting(STAFF, key, value))


async def test_list_shows_every_declared_key_with_its_default(app: App) -> None:
    views = await app.use(ListSettings)()
    assert [v.key for v in views] == sorted(REGISTRY)
    by_key = {v.key: v for v in views}
    minimum = by_key["auth.password_min_length"]
    assert (minimum.type, minimum.default, minimum.value, minimum.is_default) == ("integer", 8, 8, True)
    assert minimum.help
    assert by_key["shop.name"].type == "string" and by_key["shop.name"].value == "Çarşı"


async def test_override_is_read_back_everywhere(app: App) -> None:
    view = await _update(app, "auth.password_min_length", 12)
    assert (view.key, view.value, view.default, view.is_default, view.type) == (
        "auth.password_min_length",
        12,
        8,
        False,
        "integer",
    )
    assert await app.use(RuntimeSettings).get(account_keys.PASSWORD_MIN_LENGTH) == 12
    listed = {v.key: v for v in await app.use(ListSettings)()}["auth.password_min_length"]
    assert (listed.value, listed.is_default) == (12, False)


async def test_string_override(app: App) -> None:
    await _update(app, "shop.name", "Kapalı Çarşı")
    assert await app.use(RuntimeSettings).get(platform_keys.SHOP_NAME) == "Kapalı Çarşı"


@pytest.mark.parametrize(("key", "value"), [("auth.password_min_length", "12"), ("auth.password_min_length", 12.0),
                                            ("auth.password_min_length", True), ("shop.name", 5),
                                            ("jobs.max_tries", [3])])  # fmt: skip
async def test_wrong_type_is_invalid_and_nothing_changes(app: App, key: str, value: object) -> None:
    with pytest.raises(Invalid) as e:
        await _update(app, key, value)
    assert e.value.code == "wrong_type"
    assert all(v.is_default for v in await app.use(ListSettings)())
    assert await app.audit() == []


@pytest.mark.parametrize(("key", "value"), [("auth.password_min_length", 7), ("auth.password_min_length", 129),
                                            ("jobs.max_tries", 0)])  # fmt: skip
async def test_out_of_range_is_invalid(app: App, key: str, value: int) -> None:
    with pytest.raises(Invalid) as e:
        await _update(app, key, value)
    assert e.value.code == "out_of_range"


async def test_unknown_key_is_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        await _update(app, "no.such.key", 1)


async def test_updates_are_audited_with_before_and_after(app: App) -> None:
    await _update(app, "auth.password_min_length", 10)
    await _update(app, "auth.password_min_length", 12)
    await _update(app, "auth.password_min_length", None)
    entries = await app.audit(target_type="setting", target_id="auth.password_min_length")
    assert [(e.action, e.actor_id, e.changes) for e in entries] == [
        ("setting.update", STAFF.user_id, {"value": [12, 8]}),
        ("setting.update", STAFF.user_id, {"value": [10, 12]}),
        ("setting.update", STAFF.user_id, {"value": [8, 10]}),
    ]


async def test_none_resets_to_the_default(app: App) -> None:
    await _update(app, "auth.password_min_length", 12)
    view = await _update(app, "auth.password_min_length", None)
    assert (view.value, view.is_default) == (8, True)
    assert await app.use(RuntimeSettings).get(account_keys.PASSWORD_MIN_LENGTH) == 8
    assert all(v.is_default for v in await app.use(ListSettings)())


async def test_overrides_are_per_key(app: App) -> None:
    await _update(app, "auth.password_min_length", 12)
    await _update(app, "shop.name", "Dükkan")
    await _update(app, "shop.name", None)
    settings = app.use(RuntimeSettings)
    assert await settings.get(account_keys.PASSWORD_MIN_LENGTH) == 12
    assert await settings.get(platform_keys.SHOP_NAME) == "Çarşı"
