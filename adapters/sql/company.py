"""Company profiles in SQL."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, keyset_page
from core.company.model import Company
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key


class SqlCompanies(_Repo):
    model, entity_name = Company, "company"

    async def by_tax_no(self, tax_no: str) -> Company | None:
        return await self._first(sa.select(Company).where(t.companies.c.tax_no == tax_no))  # type: ignore[no-any-return]

    async def default(self) -> Company | None:
        return await self._first(sa.select(Company).where(t.companies.c.is_default == sa.true()))  # type: ignore[no-any-return]

    async def count(self) -> int:
        c = t.companies.c
        return int(await self.session.scalar(sa.select(sa.func.count()).where(~c.is_deleted)) or 0)

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Company]:
        stmt = sa.select(Company)
        if q:
            # few rows, and SQL's lower() does not fold Turkish letters: match the folded text here
            c = t.companies.c
            wanted = search_key(q)
            rows = await self.session.execute(sa.select(c.id, c.legal_name, c.tax_no).where(~c.is_deleted))
            stmt = stmt.where(c.id.in_([r.id for r in rows if wanted in search_key(f"{r.legal_name} {r.tax_no}")]))
        return await keyset_page(self.session, stmt, page, [t.companies.c.created_at, t.companies.c.id])

    async def make_default(self, company: Company) -> Company | None:
        previous = await self.default()
        if previous is not None and previous.id != company.id:
            previous.drop_default()
            await self.session.flush()  # the old default's flag goes first: one live default at every moment
        company.become_default()
        return previous if previous is not None and previous.id != company.id else None
