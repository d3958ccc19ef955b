"""The private cattrs converter: strict types in (422 on a wrong one, unknown keys refused), JSON out."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from core.shared.errors import FieldError, Invalid
from core.shared.money import Money

converter = cattrs.Converter(forbid_extra_keys=True)


def _expect(kind: type | tuple[type, ...], name: str) -> Any:
    def hook(value: Any, _type: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {name}")
        return value

    return hook


converter.register_structure_hook(str, _expect(str, "a string"))
converter.register_structure_hook(int, _expect(int, "an integer"))
converter.register_structure_hook(bool, _expect(bool, "a boolean"))


def _decimal(value: Any, _type: Any) -> Decimal:
    if not isinstance(value, str):
        raise TypeError("expected a decimal number as a string")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError("expected a decimal number as a string") from None
    if not number.is_finite():
        raise ValueError("expected a finite decimal number")
    return number


def _uuid(value: Any, _type: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise TypeError("expected a UUID string")
    return uuid.UUID(value)


def _datetime(value: Any, _type: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError("expected an ISO 8601 date-time string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("the date-time needs an offset (e.g. Z or +03:00)")
    return parsed


def _date(value: Any, _type: Any) -> date:
    if not isinstance(value, str):
        raise TypeError("expected an ISO 8601 date string")
    return date.fromisoformat(value)


def _money(value: Any, _type: Any) -> Money:
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        raise TypeError('expected {"amount": "…", "currency": "TRY"}')
    return Money.of(_decimal(value["amount"], Decimal), _expect(str, "a currency code")(value["currency"], str))


converter.register_structure_hook(Decimal, _decimal)
converter.register_structure_hook(uuid.UUID, _uuid)
converter.register_structure_hook(datetime, _datetime)
converter.register_structure_hook(date, _date)
converter.register_structure_hook(Money, _money)
converter.register_structure_hook(Any, lambda value, _type: value)
converter.register_unstructure_hook(Decimal, str)
converter.register_unstructure_hook(uuid.UUID, str)
converter.register_unstructure_hook(datetime, lambda d: d.isoformat())
converter.register_unstructure_hook(date, lambda d: d.isoformat())
converter.register_unstructure_hook(Money, lambda m: {"amount": str(m.amount), "currency": m.currency})


def structure(data: Any, cls: type[Any], where: str = "body") -> Any:
    """`data` as an instance of `cls`, or Invalid listing every field at fault."""
    if isinstance(data, dict) or not _is_attrs(cls):
        try:
            return converter.structure(data, cls)
        except Exception as exc:  # noqa: BLE001  (every structuring failure is the client's)
            raise Invalid("the request has invalid fields", errors=list(field_errors(exc, (where,)))) from None
    raise Invalid("expected a JSON object", errors=[FieldError((where,), "expected a JSON object")])


def _is_attrs(cls: Any) -> bool:
    return hasattr(cls, "__attrs_attrs__")


def field_errors(exc: BaseException, loc: tuple[str | int, ...]) -> Any:
    if isinstance(exc, ForbiddenExtraKeysError):
        for name in sorted(exc.extra_fields):
            yield FieldError((*loc, name), "unknown field")
    elif isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, others = exc.group_exceptions()
        for sub, note in with_notes:
            step = note.name if isinstance(note, AttributeValidationNote) else note.index
            yield from field_errors(sub, (*loc, step))
        for sub in others:
            yield from field_errors(sub, loc)
    elif isinstance(exc, KeyError):
        yield FieldError(loc, "field required")
    elif isinstance(exc, Invalid):
        for error in exc.errors or [FieldError(loc, exc.detail)]:
            yield FieldError((*loc, *error.loc[1:]), error.msg)
    else:
        yield FieldError(loc, str(exc) or type(exc).__name__)


def unstructure(obj: Any) -> Any:
    return converter.unstructure(obj)
