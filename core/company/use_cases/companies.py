"""Staff work on the company profile(s) (`company.manage`), and the default company's data for invoices and
e-mails. Every change is in the audit log, in the transaction that makes it."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.accounts.values import normalize_email
from core.address.places import resolve_place
from core.catalog.use_cases.common import Revision, checked, flag
from core.company.model import Company, CompanyProfile, hour, mersis_no, text, trade_registry_no, working_hours
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Conflict, FieldError, Invalid, NotFound
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.company import CompanyCodes
    from ports.services import PhoneNumbers
    from ports.uow import UnitOfWork

ADDRESS_LOC = ("body", "address")


@attrs.frozen
class CompanyAddressIn:
    """`city`, `township` and `district` are ids or names (checked against the address tree)."""

    line: str
    country: str | None = None  # the company's country when not given
    city: str | None = None
    township: str | None = None
    district: str | None = None
    postal_code: str | None = None


@attrs.frozen
class NewCompany:
    actor: Actor
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
    work_start_hour: str = "09:00"
    work_end_hour: str = "18:00"
    address: CompanyAddressIn | None = None
    is_default: bool = False


def _legal_name(v: Any) -> str:
    return text("legal_name", v, 300, required=True)


def _tax_office(v: Any) -> str:
    return text("tax_office", v, 100, required=True)


def _email(v: Any) -> str:
    if not isinstance(v, str):
        raise Invalid.field("email", "must be a string")
    return normalize_email(v)


def _string(name: str, v: Any) -> str:
    if not isinstance(v, str):
        raise Invalid.field(name, "must be a string")
    return v


@attrs.define
class CompanyChecks:
    """The checks that need a library behind a port: tax number, ISO codes, phone."""

    codes: CompanyCodes
    phones: PhoneNumbers

    def tax_no(self, v: Any) -> str:
        return self.codes.tax_no(_string("tax_no", v))

    def currency(self, v: Any) -> str:
        return self.codes.currency(_string("currency", v))

    def country(self, v: Any) -> str:
        return self.codes.country(_string("country", v))

    def phone(self, v: Any) -> str | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        return self.phones.normalize(_string("phone", v))

    def language(self, v: Any) -> str:
        """ISO 639-1 (pycountry's list, the one the platform's languages table is loaded from: checked there
        rather than in the table, which a production shop may not have loaded)."""
        return self.codes.language(_string("default_language", v))


async def unique_tax_no(uow: UnitOfWork, tax_no: str, current: uuid.UUID | None = None) -> None:
    found = await uow.companies.by_tax_no(tax_no)
    if found is not None and found.id != current:
        raise Conflict(f"a company with tax number {tax_no} exists", code="duplicate_tax_no")


async def place_address(uow: UnitOfWork, company: Company, address: Any) -> dict[str, Any]:
    """Resolve the address against the address tree and set it on `company` (None clears it); returns the
    change for the audit log."""
    if address is None:
        return company.set_address(None, None)
    if not isinstance(address, CompanyAddressIn):
        raise Invalid("the address is not valid", errors=[FieldError(ADDRESS_LOC, "expected an address object")])
    if not isinstance(address.line, str) or not address.line.strip() or len(address.line) > 300:
        msg = "the street, building and door: 1 to 300 characters"
        raise Invalid("the address is not valid", errors=[FieldError((*ADDRESS_LOC, "line"), msg)])
    place = await resolve_place(uow, country=address.country or company.country, city=address.city,
                                township=address.township, district=address.district,
                                postal_code=address.postal_code, loc=ADDRESS_LOC)  # fmt: skip
    return company.set_address(address.line.strip(), place)


@attrs.define
class CreateCompany:
    """The first company (or any made while there is no default) becomes the default one; `is_default` makes a
    later one the default, taking the flag from the previous default in the same transaction."""

    uow: UnitOfWork
    checks: CompanyChecks

    async def __call__(self, cmd: NewCompany) -> Company:
        c = self.checks
        company = Company(
            legal_name=_legal_name(cmd.legal_name), tax_no=c.tax_no(cmd.tax_no), tax_office=_tax_office(cmd.tax_office),
            email=_email(cmd.email), trade_registry_no=trade_registry_no(cmd.trade_registry_no),
            mersis_no=mersis_no(cmd.mersis_no), phone=c.phone(cmd.phone), currency=c.currency(cmd.currency),
            country=c.country(cmd.country), default_language=c.language(cmd.default_language),
            work_start_hour=hour("work_start_hour", cmd.work_start_hour),
            work_end_hour=hour("work_end_hour", cmd.work_end_hour),
        )  # fmt: skip
        working_hours(company.work_start_hour, company.work_end_hour)
        async with self.uow:
            await unique_tax_no(self.uow, company.tax_no)
            await place_address(self.uow, company, cmd.address)
            await self.uow.companies.add(company)
            previous = None
            if cmd.is_default or await self.uow.companies.default() is None:
                previous = await self.uow.companies.make_default(company)
            await audit(self.uow, cmd.actor, "company.create", "company", company.id,
                        {"tax_no": [None, company.tax_no], "is_default": [None, company.is_default]})  # fmt: skip
            if previous is not None:
                await audit(
                    self.uow, cmd.actor, "company.update", "company", previous.id, {"is_default": [True, False]}
                )
            await self.uow.commit()
        return company


@attrs.define
class ChangeCompany:
    """A PATCH. `is_default: true` makes this the default company; the default cannot be unset directly (409
    `company_is_default`): make another company the default instead."""

    uow: UnitOfWork
    checks: CompanyChecks

    async def __call__(self, cmd: Revision) -> Company:
        c = self.checks
        sent = dict(cmd.changes)
        address_sent, address = "address" in sent, sent.pop("address", None)
        values = checked(sent, {
            "legal_name": _legal_name, "tax_no": c.tax_no, "tax_office": _tax_office, "email": _email,
            "trade_registry_no": trade_registry_no, "mersis_no": mersis_no, "phone": c.phone,
            "currency": c.currency, "country": c.country, "default_language": c.language,
            "work_start_hour": lambda v: hour("work_start_hour", v),
            "work_end_hour": lambda v: hour("work_end_hour", v),
            "is_default": flag("is_default"),
        })  # fmt: skip
        make_default = values.pop("is_default", None)
        async with self.uow:
            company = await self.uow.companies.get(cmd.target_id)
            if "tax_no" in values:
                await unique_tax_no(self.uow, values["tax_no"], company.id)
            changes = company.revise(**values)
            if address_sent:
                changes.update(await place_address(self.uow, company, address))
            if make_default is False and company.is_default:
                raise Conflict("make another company the default instead", code="company_is_default")
            if make_default and not company.is_default:
                previous = await self.uow.companies.make_default(company)
                changes["is_default"] = [False, True]
                if previous is not None:
                    await audit(self.uow, cmd.actor, "company.update", "company", previous.id,
                                {"is_default": [True, False]})  # fmt: skip
            await audit(self.uow, cmd.actor, "company.update", "company", company.id, changes)
            await self.uow.commit()
        return company


@attrs.define
class DeleteCompany:
    """Soft delete. The default company goes only when it is the last one (else 409 `company_is_default`)."""

    uow: UnitOfWork

    async def __call__(self, actor: Actor, company_id: uuid.UUID) -> None:
        async with self.uow:
            company = await self.uow.companies.get(company_id)
            company.check_can_go(others=await self.uow.companies.count() > 1)
            company.delete(actor.user_id)
            await audit(self.uow, actor, "company.delete", "company", company.id)
            await self.uow.commit()


@attrs.define
class GetCompany:
    uow: UnitOfWork

    async def __call__(self, company_id: uuid.UUID) -> Company:
        async with self.uow:
            return await self.uow.companies.get(company_id)


@attrs.define
class ListCompanies:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, q: str | None = None) -> Page[Company]:
        async with self.uow:
            return await self.uow.companies.list(page, q=q)


@attrs.define
class DefaultCompany:
    """The default company's data, as invoices and e-mails use it (NotFound while there is no company)."""

    uow: UnitOfWork

    async def __call__(self) -> CompanyProfile:
        async with self.uow:
            company = await self.uow.companies.default()
        if company is None:
            raise NotFound("no company profile yet", code="no_company")
        return company.profile()
