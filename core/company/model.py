"""The company profile(s): who sells — the legal identity, tax and registry numbers, contact, defaults and
the address that invoices and e-mails carry. Exactly one live company is the default one.

The checks here need nothing but the value; those that need a library (tax number check digits, ISO codes,
phone numbers) or other data (languages, the address tree) are made by the use cases through ports.
"""

from __future__ import annotations

import re
import uuid
from datetime import time
from typing import TYPE_CHECKING, Any

import attrs

from core.accounts.values import check_text
from core.shared.entity import Entity
from core.shared.errors import Conflict, Invalid

if TYPE_CHECKING:
    from core.address.places import Place

_HOUR = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_REGISTRY = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/\- ]*$")


def text(name: str, value: Any, max_length: int, *, required: bool = False) -> str:
    return check_text(name, value, max_length, required=required).strip()


def hour(name: str, value: Any) -> time:
    """A time of day written `HH:MM` (24 hours), e.g. `09:00`."""
    match = _HOUR.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise Invalid.field(name, "a time of day as HH:MM, e.g. 09:00", code="invalid_hour")
    return time(int(match.group(1)), int(match.group(2)))


def working_hours(start: time, end: time, *, blame: str = "work_end_hour") -> None:
    if start >= end:
        other = "work_start_hour" if blame == "work_end_hour" else "work_end_hour"
        word = "after" if blame == "work_end_hour" else "before"
        raise Invalid.field(blame, f"must be {word} {other}", code="invalid_working_hours")


def mersis_no(value: Any) -> str | None:
    """The MERSİS number: 16 digits (spaces and hyphens dropped). No check digit is published for it, so only
    the form is checked."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid.field("mersis_no", "must be a string")
    digits = value.replace(" ", "").replace("-", "")
    if not digits:
        return None
    if len(digits) != 16 or not digits.isascii() or not digits.isdigit():
        raise Invalid.field("mersis_no", "a MERSİS number has 16 digits", code="invalid_mersis_no")
    return digits


def trade_registry_no(value: Any) -> str:
    checked = text("trade_registry_no", value if value is not None else "", 32)
    if checked and not (checked.isascii() and _REGISTRY.match(checked)):
        raise Invalid.field("trade_registry_no", "letters, digits, spaces, - and / only")
    return checked


@attrs.frozen
class CompanyAddressView:
    line: str
    country: str
    city_id: uuid.UUID | None
    city: str
    township_id: uuid.UUID | None
    township: str
    district_id: uuid.UUID | None
    district: str | None
    postal_code: str | None


@attrs.frozen
class CompanyProfile:
    """The default company's data as invoices and e-mails read it."""

    id: uuid.UUID
    legal_name: str
    tax_no: str
    tax_office: str
    trade_registry_no: str
    mersis_no: str | None
    email: str
    phone: str | None
    currency: str
    default_language: str
    country: str
    work_start_hour: time
    work_end_hour: time
    address: CompanyAddressView | None


@attrs.define(slots=False, eq=False, kw_only=True)
class Company(Entity):
    legal_name: str
    tax_no: str
    tax_office: str
    email: str
    trade_registry_no: str = ""
    mersis_no: str | None = None
    phone: str | None = None
    currency: str = "TRY"
    default_language: str = "tr"
    country: str = "TR"
    work_start_hour: time = time(9, 0)
    work_end_hour: time = time(18, 0)
    is_default: bool = False
    # the address, resolved against the address tree (ids where the tree knows the place)
    address_line: str | None = None
    address_country: str | None = None
    address_city_id: uuid.UUID | None = None
    address_city: str | None = None
    address_township_id: uuid.UUID | None = None
    address_township: str | None = None
    address_district_id: uuid.UUID | None = None
    address_district: str | None = None
    address_postal_code: str | None = None

    def revise(self, **values: Any) -> dict[str, Any]:
        """Set the plain fields that differ; returns the changes as {field: [old, new]} for the audit log."""
        changes = self.set_fields(values)
        working_hours(self.work_start_hour, self.work_end_hour,
                      blame="work_start_hour" if set(values) & {"work_start_hour", "work_end_hour"}
                      == {"work_start_hour"} else "work_end_hour")  # fmt: skip
        return changes

    def set_address(self, line: str | None, place: Place | None) -> dict[str, Any]:
        """The address (None clears it); returns its change for the audit log."""
        before = self.address()
        values: dict[str, Any] = {
            "line": line, "country": None, "city_id": None, "city": None, "township_id": None, "township": None,
            "district_id": None, "district": None, "postal_code": None,
        }  # fmt: skip
        if place is not None:
            values.update(attrs.asdict(place))
        for name, value in values.items():
            setattr(self, f"address_{name}", value)
        after = self.address()
        return {} if before == after else {"address": [_plain(before), _plain(after)]}

    def address(self) -> CompanyAddressView | None:
        if self.address_line is None or self.address_country is None:
            return None
        return CompanyAddressView(self.address_line, self.address_country, self.address_city_id,
                                  self.address_city or "", self.address_township_id, self.address_township or "",
                                  self.address_district_id, self.address_district,
                                  self.address_postal_code)  # fmt: skip

    def drop_default(self) -> None:
        self.is_default = False

    def become_default(self) -> None:
        self.is_default = True

    def check_can_go(self, others: bool) -> None:
        """The default company goes only as the last one: another must become the default first."""
        if self.is_default and others:
            raise Conflict("make another company the default first", code="company_is_default")

    def profile(self) -> CompanyProfile:
        return CompanyProfile(self.id, self.legal_name, self.tax_no, self.tax_office, self.trade_registry_no,
                              self.mersis_no, self.email, self.phone, self.currency, self.default_language,
                              self.country, self.work_start_hour, self.work_end_hour, self.address())  # fmt: skip


def _plain(view: CompanyAddressView | None) -> dict[str, Any] | None:
    return attrs.asdict(view) if view is not None else None
