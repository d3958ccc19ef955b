"""Runtime settings in the spirit of django-constance: typed keys declared in code, overridable by staff.

A context declares its keys at import time (`core/<context>/settings.py`); overrides live in the database and
are read through the `RuntimeSettings` port.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import attrs

from core.shared.errors import Invalid, NotFound

T = TypeVar("T", int, bool, str, Decimal)

TYPE_NAMES: dict[type, str] = {int: "integer", bool: "boolean", str: "string", Decimal: "decimal"}


@attrs.frozen
class SettingKey(Generic[T]):
    key: str
    type: type[T]
    default: T
    help: str
    min: T | None = None
    max: T | None = None

    @property
    def type_name(self) -> str:
        return TYPE_NAMES[self.type]

    def parse(self, raw: Any) -> T:
        """Type-check a value given as JSON (a decimal as a string); raise Invalid otherwise."""
        value: Any
        if self.type is bool:
            ok = isinstance(raw, bool)
            value = raw
        elif self.type is int:
            ok = isinstance(raw, int) and not isinstance(raw, bool)
            value = raw
        elif self.type is str:
            ok = isinstance(raw, str)
            value = raw
        else:
            try:
                value = Decimal(raw) if isinstance(raw, str) else None
                ok = value is not None and value.is_finite()
            except InvalidOperation:
                ok = False
        if not ok:
            raise Invalid.field("value", f"{self.key} takes a {self.type_name}", code="wrong_type")
        if self.min is not None and value < self.min:
            raise Invalid.field("value", f"{self.key} is at least {self.min}", code="out_of_range")
        if self.max is not None and value > self.max:
            raise Invalid.field("value", f"{self.key} is at most {self.max}", code="out_of_range")
        return value  # type: ignore[no-any-return]

    def dump(self, value: T) -> Any:
        return str(value) if isinstance(value, Decimal) else value


REGISTRY: dict[str, SettingKey[Any]] = {}


def declare(key: str, type_: type[T], default: T, help: str, *, min: T | None = None,
            max: T | None = None) -> SettingKey[T]:  # fmt: skip
    if key in REGISTRY:
        raise ValueError(f"runtime setting {key!r} declared twice")
    setting = SettingKey(key, type_, default, help, min, max)
    setting.parse(setting.dump(default))
    REGISTRY[key] = setting
    return setting


def lookup(key: str) -> SettingKey[Any]:
    try:
        return REGISTRY[key]
    except KeyError:
        raise NotFound(f"no runtime setting named {key!r}", code="unknown_setting") from None
