"""Staff routes for the company profile(s) (`company.manage`): the seller's legal identity, tax and registry
numbers, contact, defaults and address, which invoices and e-mails carry. Exactly one company is the default."""

from __future__ import annotations

import uuid
from datetime import datetime, time

import attrs

from core.catalog.use_cases.common import Revision
from core.company.model import Company, CompanyAddressView
from core.company.use_cases.companies import (
    ChangeCompany,
    CompanyAddressIn,
    CreateCompany,
    DeleteCompany,
    GetCompany,
    ListCompanies,
    NewCompany,
)
from entrypoints.http.api import Ctx, PageOut, PageQuery, Routes, page_out, page_request
from entrypoints.http.routes.catalog import changes

routes = Routes("staff: company")
MANAGE = "company.manage"
ADMIN = "/api/v1/admin/companies"


@attrs.frozen
class CompanyIn:
    """`tax_no`: a VKN (10 digits) or a sole proprietor's T.C. kimlik no (11), check digits verified;
    `mersis_no`: 16 digits; hours as `HH:MM`; the first company is the default one."""

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


@attrs.frozen
class CompanyPatch:
    """Send only what changes; `address: null` clears the address; `is_default: true` makes this the default
    company (the previous default stops being it)."""

    legal_name: str | None = None
    tax_no: str | None = None
    tax_office: str | None = None
    email: str | None = None
    trade_registry_no: str | None = None
    mersis_no: str | None = None
    phone: str | None = None
    currency: str | None = None
    default_language: str | None = None
    country: str | None = None
    work_start_hour: str | None = None
    work_end_hour: str | None = None
    address: CompanyAddressIn | None = None
    is_default: bool | None = None


@attrs.frozen
class CompanyOut:
    id: uuid.UUID
    legal_name: str
    tax_no: str
    tax_office: str
    email: str
    trade_registry_no: str
    mersis_no: str | None
    phone: str | None
    currency: str
    default_language: str
    country: str
    work_start_hour: str
    work_end_hour: str
    address: CompanyAddressView | None
    is_default: bool
    created_at: datetime
    updated_at: datetime


def _hhmm(at: time) -> str:
    return at.strftime("%H:%M")


def company_out(c: Company) -> CompanyOut:
    return CompanyOut(c.id, c.legal_name, c.tax_no, c.tax_office, c.email, c.trade_registry_no, c.mersis_no, c.phone,
                      c.currency, c.default_language, c.country, _hhmm(c.work_start_hour), _hhmm(c.work_end_hour),
                      c.address(), c.is_default, c.created_at, c.updated_at)  # fmt: skip


@attrs.frozen
class CompanyQuery(PageQuery):
    """A page, optionally narrowed by `q` (legal name and tax number, Turkish letters folded)."""

    q: str | None = None


@routes.post(ADMIN, body=CompanyIn, response=CompanyOut, status=201, permission=MANAGE, errors=(409,))
async def create_company(ctx: Ctx) -> CompanyOut:
    """Create a company profile; a tax number another live company has is 409 `duplicate_tax_no`."""
    b: CompanyIn = ctx.body
    cmd = NewCompany(ctx.me, b.legal_name, b.tax_no, b.tax_office, b.email, b.trade_registry_no, b.mersis_no,
                     b.phone, b.currency, b.default_language, b.country, b.work_start_hour, b.work_end_hour,
                     b.address, b.is_default)  # fmt: skip
    return company_out(await ctx.use(CreateCompany)(cmd))


@routes.get(ADMIN, query=CompanyQuery, response=PageOut[CompanyOut], permission=MANAGE)
async def list_companies(ctx: Ctx) -> PageOut[CompanyOut]:
    """Companies, newest first; `q` matches the legal name and the tax number."""
    return page_out(await ctx.use(ListCompanies)(page_request(ctx.query), q=ctx.query.q), company_out)


@routes.get(f"{ADMIN}/{{company_id:uuid}}", response=CompanyOut, permission=MANAGE)
async def get_company(ctx: Ctx) -> CompanyOut:
    """One company."""
    return company_out(await ctx.use(GetCompany)(ctx.params["company_id"]))


@routes.patch(f"{ADMIN}/{{company_id:uuid}}", body=CompanyPatch, response=CompanyOut, permission=MANAGE,
              errors=(409,))  # fmt: skip
async def change_company(ctx: Ctx) -> CompanyOut:
    """Change a company; unsetting the default directly is 409 `company_is_default` (make another the default)."""
    return company_out(await ctx.use(ChangeCompany)(Revision(ctx.me, ctx.params["company_id"], changes(ctx))))


@routes.delete(f"{ADMIN}/{{company_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_company(ctx: Ctx) -> None:
    """Delete a company (soft); the default one only when it is the last (else 409 `company_is_default`)."""
    await ctx.use(DeleteCompany)(ctx.me, ctx.params["company_id"])
