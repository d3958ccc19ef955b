"""Company profiles on the memory store."""

from __future__ import annotations

from adapters.memory.repositories import _created, _page, _Repo
from core.company.model import Company
from core.shared.pagination import Page, PageRequest
from core.shared.text import search_key


class MemoryCompanies(_Repo):
    table, entity_name, model = "companies", "company", Company

    async def by_tax_no(self, tax_no: str) -> Company | None:
        return next((c for c in self._all() if c.tax_no == tax_no), None)

    async def default(self) -> Company | None:
        return next((c for c in self._all() if c.is_default), None)

    async def count(self) -> int:
        return len(self._all())

    async def list(self, page: PageRequest, *, q: str | None = None) -> Page[Company]:
        rows = [c for c in self._all() if not q or search_key(q) in search_key(f"{c.legal_name} {c.tax_no}")]
        return _page(rows, page, _created)

    async def make_default(self, company: Company) -> Company | None:
        previous = await self.default()
        if previous is not None and previous.id != company.id:
            previous.drop_default()
        company.become_default()
        return previous if previous is not None and previous.id != company.id else None
