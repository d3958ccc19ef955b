"""What the company use cases need: the repository of company profiles, and the identifier checks that come
from libraries (tax number check digits, ISO currency, language and country codes)."""

from __future__ import annotations

import uuid
from typing import Protocol

from core.company.model import Company
from core.shared.pagination import Page, PageRequest


class CompanyRepository(Protocol):
    """Live (not soft-deleted) companies; `tax_no` is unique among them, and at most one is the default."""

    async def add(self, company: Company) -> None: ...
    async def get(self, company_id: uuid.UUID) -> Company:
        """The company, or NotFound."""
        ...

    async def by_tax_no(self, tax_no: str) -> Company | None: ...
    async def default(self) -> Company | None: ...
    async def count(self) -> int:
        """How many live companies there are."""
        ...

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Company]:
        """Newest first; `q` matches the legal name and the tax number (Turkish letters folded)."""
        ...

    async def make_default(self, company: Company) -> Company | None:
        """Make `company` the one default: the previous default (returned; None when there was none) loses the
        flag, and that is written before `company` gets it, so the live-default unique key never sees two."""
        ...


class CompanyCodes(Protocol):
    """Identifiers checked by libraries; each raises Invalid naming its field."""

    def tax_no(self, raw: str) -> str:
        """A VKN (10 digits) or, for a sole proprietor, a T.C. kimlik no (11 digits), check digits verified;
        spaces dropped. Invalid naming `tax_no` if not."""
        ...

    def currency(self, raw: str) -> str:
        """An ISO 4217 alphabetic code, upper case. Invalid naming `currency` if not."""
        ...

    def language(self, raw: str) -> str:
        """An ISO 639-1 language code, lower case. Invalid naming `default_language` if not."""
        ...

    def country(self, raw: str) -> str:
        """An ISO 3166-1 alpha-2 code, upper case. Invalid naming `country` if not."""
        ...
