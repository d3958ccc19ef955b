"""The catalog in bulk: rows (a CSV's, or the demo catalog's) imported in one transaction, and exported.

An import upserts by code: brands, products and variants by their codes, categories by name under their parent
(the path "Kadın > Giyim > Tişört"), option keys and values by their text as people type it (Turkish case and
marks folded). Every row is checked first; one bad row and nothing is written. The import records one audit
entry and one `catalog.changed` event (entity "catalog", action "imported"), not one per row.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from core.catalog.events import CatalogChanged
from core.catalog.model import Brand, Category, Product, Variant
from core.catalog.rows import (
    COLUMNS,
    Row,
    RowErrors,
    format_options,
    format_path,
    read_rows,
)
from core.catalog.upsert import Upsert, grouped
from core.catalog.use_cases.common import CatalogCache
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.money import Money
from core.shared.pagination import PageRequest
from core.shared.time import utcnow

if TYPE_CHECKING:
    from ports.catalog import Barcodes, Slugs
    from ports.uow import UnitOfWork


@attrs.frozen
class CatalogImport:
    actor: Actor
    rows: list[Row]
    dry_run: bool = False


@attrs.frozen
class ImportResult:
    """How many of each kind (brand, category, option_key, option_value, product, variant) were created and
    updated (changed at all); a dry run counts what it would have done."""

    rows: int
    created: dict[str, int]
    updated: dict[str, int]
    dry_run: bool


@attrs.define
class ImportCatalog:
    uow: UnitOfWork
    slugs: Slugs
    barcodes: Barcodes
    catalog_cache: CatalogCache

    async def __call__(self, cmd: CatalogImport) -> ImportResult:
        started = utcnow()
        errors = RowErrors()
        parsed = read_rows(cmd.rows, self.barcodes.check, errors)
        async with self.uow:
            importer = Upsert(self.uow, self.slugs, errors)
            await importer.load()
            for rows in grouped(parsed, lambda r: r.product.code):
                await importer.plan(rows)
            await importer.apply()
            errors.raise_if_any()
            await importer.finish()
            result = ImportResult(len(cmd.rows), dict(importer.created), dict(importer.updated), cmd.dry_run)
            if cmd.dry_run or not importer.changed:
                return result
            import_id = uuid.uuid4()
            self.uow.emit(CatalogChanged(entity="catalog", entity_id=import_id, action="imported", since=started))
            await audit(self.uow, cmd.actor, "catalog.import", "catalog", import_id,
                        {"rows": [None, result.rows], "created": [None, result.created],
                         "updated": [None, result.updated]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return result


@attrs.define
class ExportCatalog:
    """Every live product with its live variants, in the import's columns: one row per variant and price (TRY
    first), ordered by product code; a product without variants gets one row with the variant columns empty."""

    uow: UnitOfWork

    async def __call__(self) -> list[Row]:
        async with self.uow:
            categories = {c.id: c for c in await self.uow.categories.list()}
            values = {v.id: (k.key, v.value) for k in await self.uow.option_keys.list() for v in k.values}
            brands: dict[uuid.UUID, Brand] = {}
            rows: list[Row] = []
            for product in sorted(await self._products(), key=lambda p: p.code):
                if product.brand_id not in brands:
                    brands[product.brand_id] = await self.uow.brands.get(product.brand_id)
                head = _product_cells(product, brands[product.brand_id], _path(product.category_id, categories))
                variants = await self.uow.variants.of_product(product.id)
                if not variants:
                    rows.append(head | dict.fromkeys(COLUMNS[7:], ""))
                for variant in variants:
                    rows.extend(head | cells for cells in _variant_cells(variant, values))
            return rows

    async def _products(self) -> list[Product]:
        products: list[Product] = []
        cursor: str | None = None
        while True:
            page = await self.uow.products.list(PageRequest(limit=100, cursor=cursor))
            products.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                return products


@attrs.define
class FindProductCodes:
    """Which of these product codes live products carry (the demo loader skips what it loaded before)."""

    uow: UnitOfWork

    async def __call__(self, codes: list[str]) -> set[str]:
        async with self.uow:
            return {c for c in codes if await self.uow.products.by_code(c) is not None}


# --- export cells -----------------------------------------------------------------------------------------


def _path(category_id: uuid.UUID | None, categories: dict[uuid.UUID, Category]) -> list[str]:
    names: list[str] = []
    while category_id is not None and category_id in categories:
        names.insert(0, categories[category_id].name)
        category_id = categories[category_id].parent_id
    return names


def _product_cells(product: Product, brand: Brand, path: list[str]) -> Row:
    return {"product_code": product.code, "product_name": product.name, "brand_code": brand.code,
            "brand_name": brand.name, "category_path": format_path(path),
            "tax_rate": str(product.tax_rate.quantize(Decimal(1))), "description": product.description}  # fmt: skip


def _variant_cells(variant: Variant, values: dict[uuid.UUID, tuple[str, str]]) -> list[Row]:
    head = {"variant_code": variant.code, "variant_name": variant.name, "barcode": variant.barcode or "",
            "options": format_options(values[i] for i in variant.option_value_ids if i in values)}  # fmt: skip
    prices = sorted((p for p in variant.prices if p.is_active and not p.is_deleted),
                    key=lambda p: (p.currency != "TRY", p.currency))  # fmt: skip
    return [head | {"currency": p.currency, "price": _amount(p.amount, p.currency),
                    "discount": _amount(p.discount, p.currency) if p.discount else ""}
            for p in prices] or [head | {"currency": "", "price": "", "discount": ""}]  # fmt: skip


def _amount(amount: Decimal, currency: str) -> str:
    """In the currency's minor unit (the databases hand amounts back as 999.9 or 999.9000)."""
    return str(Money.rounded(amount, currency).amount)
