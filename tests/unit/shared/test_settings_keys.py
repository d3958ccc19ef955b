"""SettingKey.parse takes exactly the JSON shape of its type, within its bounds, and nothing else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import core.accounts.settings
import core.platform.settings  # noqa: F401
from core.shared import settings as shared_settings
from core.shared.errors import Invalid, NotFound
from core.shared.settings import REGISTRY, SettingKey, declare, lookup

INT = SettingKey("t.int", int, 5, "an int", min=1, max=10)
BOOL = SettingKey("t.bool", bool, False, "a flag")
STR = SettingKey("t.str", str, "x", "a text")
DEC = SettingKey("t.dec", Decimal, Decimal("20"), "a rate", min=Decimal("0"), max=Decimal("100"))


def _wrong_type(key: SettingKey[Any], raw: Any) -> None:
    with pytest.raises(Invalid) as e:
        key.parse(raw)
    assert e.value.code == "wrong_type"
    assert e.value.errors[0].loc == ("body", "value")


@pytest.mark.parametrize("raw", [True, False, 5.0, "5", None, [5], {"v": 5}])
def test_int_takes_only_json_integers(raw: Any) -> None:
    _wrong_type(INT, raw)


def test_int_in_range() -> None:
    assert INT.parse(1) == 1
    assert INT.parse(10) == 10
    for raw in (0, 11, -3):
        with pytest.raises(Invalid) as e:
            INT.parse(raw)
        assert e.value.code == "out_of_range"


@pytest.mark.parametrize("raw", [1, 0, "true", "false", None, 1.0])
def test_bool_takes_only_json_booleans(raw: Any) -> None:
    _wrong_type(BOOL, raw)


def test_bool_values() -> None:
    assert BOOL.parse(True) is True
    assert BOOL.parse(False) is False


@pytest.mark.parametrize("raw", [1, True, None, b"x", ["x"]])
def test_str_takes_only_strings(raw: Any) -> None:
    _wrong_type(STR, raw)


def test_str_value() -> None:
    assert STR.parse("") == ""
    assert STR.parse("Çarşı") == "Çarşı"


@pytest.mark.parametrize("raw", [20, 20.5, True, None, Decimal("20"), "abc", "NaN", "Infinity", "-Infinity", "", "1,5"])
def test_decimal_takes_only_finite_decimal_strings(raw: Any) -> None:
    _wrong_type(DEC, raw)


def test_decimal_values_and_range() -> None:
    assert DEC.parse("20") == Decimal("20")
    assert DEC.parse("0.5") == Decimal("0.5")
    assert DEC.parse("100") == Decimal("100")
    for raw in ("-0.01", "100.01"):
        with pytest.raises(Invalid) as e:
            DEC.parse(raw)
        assert e.value.code == "out_of_range"


def test_dump_is_json_friendly_and_round_trips() -> None:
    assert DEC.dump(Decimal("1.50")) == "1.50"
    assert DEC.parse(DEC.dump(Decimal("1.50"))) == Decimal("1.50")
    assert INT.dump(3) == 3
    assert BOOL.dump(True) is True


def test_type_names() -> None:
    assert [k.type_name for k in (INT, BOOL, STR, DEC)] == ["integer", "boolean", "string", "decimal"]


def test_declare_registers_once_and_checks_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared_settings, "REGISTRY", {})
    key = declare("t.declared", int, 3, "help", min=1)
    assert {"t.declared": key} == shared_settings.REGISTRY
    with pytest.raises(ValueError):
        declare("t.declared", int, 4, "again")
    with pytest.raises(Invalid):
        declare("t.bad_default", int, 0, "below its own minimum", min=1)


def test_lookup() -> None:
    assert lookup("auth.password_min_length") is REGISTRY["auth.password_min_length"]
    with pytest.raises(NotFound) as e:
        lookup("no.such.key")
    assert e.value.code == "unknown_setting"


def test_every_declared_default_is_valid() -> None:
    assert REGISTRY, "contexts declare their keys at import"
    for key in REGISTRY.values():
        assert key.parse(key.dump(key.default)) == key.default
