"""The work of a catalog import inside its transaction, in two passes so that the database sees few statements:
`plan` reads (each product and variant by code, free slugs) and makes the small things (brands, categories,
option keys and values); `apply` creates and changes products and variants without reading, so they reach the
database in one flush; `finish` refreshes each touched product's listing once."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.model import Brand, Category, OptionKey, OptionValue, Product, Variant, combination_key
from core.catalog.rows import ParsedRow, ProductFields, RowErrors, VariantFields
from core.shared.entity import Entity
from core.shared.text import search_key

if TYPE_CHECKING:
    from ports.catalog import CodedRepository, Slugs
    from ports.uow import UnitOfWork


class SlugPool:
    """Free slugs for many new rows of one table: a query per base (or per scope, for variants under their
    product's slug) instead of one per row, and no slug given twice within the import."""

    def __init__(self, repo: CodedRepository[Any], slugs: Slugs) -> None:
        self.repo, self.slugs = repo, slugs
        self.known: dict[str, set[str]] = {}
        self.assigned: set[str] = set()

    async def take(self, name: str, scope: str | None = None) -> str:
        base = self.slugs.slugify(name)[:180].strip("-") or "item"
        prefix = scope if scope and (base == scope or base.startswith(f"{scope}-")) else base
        if prefix not in self.known:
            self.known[prefix] = await self.repo.slugs_like(prefix)
        taken, candidate, n = self.known[prefix], base, 2
        while candidate in taken or candidate in self.assigned:
            candidate, n = f"{base}-{n}", n + 1
        self.assigned.add(candidate)
        return candidate


@attrs.define
class VariantPlan:
    rows: list[ParsedRow]
    fields: VariantFields
    variant: Variant | None  # None: a new one
    option_value_ids: list[uuid.UUID]
    label: list[str]  # the option values as stored
    slug: str = ""  # a new variant's


@attrs.define
class ProductPlan:
    fields: ProductFields
    brand: Brand
    category: Category
    product: Product | None  # None: a new one
    slug: str
    variants: list[VariantPlan] = attrs.field(factory=list)


class Upsert:
    """One import's lookups (loaded once), plans, counts and errors."""

    def __init__(self, uow: UnitOfWork, slugs: Slugs, errors: RowErrors) -> None:
        self.uow, self.slugs, self.errors = uow, slugs, errors
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.changed: dict[int, Entity] = {}  # by id(): what this import created or changed
        self.plans: list[ProductPlan] = []
        self.listings: set[uuid.UUID] = set()  # products whose variants or prices changed
        self.brands: dict[str, Brand] = {}
        self.categories: dict[tuple[uuid.UUID | None, str], Category] = {}
        self.category_codes: set[str] = set()
        self.option_keys: dict[str, OptionKey] = {}
        self.option_values: dict[tuple[uuid.UUID, str], OptionValue] = {}  # by key and folded text
        self.brand_slugs = SlugPool(uow.brands, slugs)
        self.category_slugs = SlugPool(uow.categories, slugs)
        self.product_slugs = SlugPool(uow.products, slugs)
        self.variant_slugs = SlugPool(uow.variants, slugs)

    async def load(self) -> None:
        for category in await self.uow.categories.list():
            self.categories.setdefault((category.parent_id, search_key(category.name)), category)
            self.category_codes.add(category.code)
        for key in await self.uow.option_keys.list():
            self.option_keys[search_key(key.key)] = key
            self.option_values |= {(key.id, search_key(v.value)): v for v in key.values}

    def _count(self, kind: str, entity: Entity, changes: dict[str, Any] | None = None) -> None:
        """`changes` None: created; else updated if anything changed."""
        if changes is None:
            self.created[kind] += 1
        elif changes:
            self.updated[kind] += 1
        else:
            return
        self.changed[id(entity)] = entity

    # --- plan: reads --------------------------------------------------------------------------------------

    async def plan(self, rows: list[ParsedRow]) -> None:
        """The rows of one product."""
        fields = rows[0].product
        brand, category = await self._brand(fields), await self._category(fields.category_path)
        product = await self.uow.products.by_code(fields.code)
        siblings = {v.code: v for v in await self.uow.variants.of_product(product.id)} if product else {}
        slug = product.slug if product else await self.product_slugs.take(fields.name)
        plan = ProductPlan(fields, brand, category, product, slug)
        for group in grouped([r for r in rows if r.variant is not None], lambda r: r.variant.code):
            variant = await self._plan_variant(siblings, group)
            if variant is not None:
                plan.variants.append(variant)
        if self._distinct_options(plan, siblings):
            for variant in plan.variants:
                if variant.variant is None:
                    name = f"{slug} {' '.join(variant.label) or variant.fields.code}"
                    variant.slug = await self.variant_slugs.take(name, slug)
        self.plans.append(plan)

    async def _brand(self, fields: ProductFields) -> Brand:
        brand = self.brands.get(fields.brand_code)
        if brand is None:
            brand = await self.uow.brands.by_code(fields.brand_code)
            if brand is None:
                name = fields.brand_name or fields.brand_code
                brand = Brand(name=name, code=fields.brand_code, slug=await self.brand_slugs.take(name))
                await self.uow.brands.add(brand)
                self._count("brand", brand)
            self.brands[fields.brand_code] = brand
        if fields.brand_name:
            self._count("brand", brand, brand.revise(name=fields.brand_name))
        return brand

    async def _category(self, path: tuple[str, ...]) -> Category:
        parent: Category | None = None
        for depth, name in enumerate(path, 1):
            key = (parent.id if parent else None, search_key(name))
            found = self.categories.get(key)
            if found is None:
                full = " ".join(path[:depth])
                found = Category(name=name, code=self._category_code(full), slug=await self.category_slugs.take(full),
                                 parent_id=key[0])  # fmt: skip
                await self.uow.categories.add(found)
                self.categories[key] = found
                self._count("category", found)
            parent = found
        assert parent is not None  # a path names at least one category
        return parent

    def _category_code(self, full_name: str) -> str:
        base = self.slugs.slugify(full_name)[:60].strip("-") or "category"
        candidate, n = base, 2
        while candidate in self.category_codes:
            candidate, n = f"{base}-{n}", n + 1
        self.category_codes.add(candidate)
        return candidate

    async def _plan_variant(self, siblings: dict[str, Variant], rows: list[ParsedRow]) -> VariantPlan | None:
        fields, line = rows[0].variant, rows[0].line
        assert fields is not None
        variant = siblings.get(fields.code)
        if variant is None and await self.uow.variants.by_code(fields.code) is not None:
            self.errors.add(line, "variant_code", f"variant {fields.code} belongs to another product")
            return None
        options = await self._option_values(fields.options, line)
        if options is None:
            return None
        return VariantPlan(rows, fields, variant, [i for i, _ in options], [v for _, v in options])

    async def _option_values(self, options: tuple[tuple[str, str], ...],
                             line: int) -> list[tuple[uuid.UUID, str]] | None:  # fmt: skip
        """Each option's value id and text as stored, keys and values created when new; None if refused."""
        found: list[tuple[uuid.UUID, str]] = []
        for key_text, value_text in options:
            key = self.option_keys.get(search_key(key_text))
            if key is None:
                key = self.option_keys[search_key(key_text)] = OptionKey(key=key_text)
                await self.uow.option_keys.add(key)
                self._count("option_key", key)
            if not key.is_variant_creator:
                self.errors.add(line, "options", f"option key {key.key!r} does not create variants")
                return None
            value = self.option_values.get((key.id, search_key(value_text)))
            if value is None:
                key.put_values([(None, value_text, max((v.sorting for v in key.values), default=-1) + 1)])
                value = self.option_values[(key.id, search_key(value_text))] = key.values[-1]
                self.created["option_value"] += 1
                self.changed[id(key)] = key
            found.append((value.id, value.value))
        return found

    def _distinct_options(self, plan: ProductPlan, siblings: dict[str, Variant]) -> bool:
        """No two of the product's variants, as they will be after the import, share their options."""
        planned = {v.fields.code: v for v in plan.variants}
        final = {code: v.combination for code, v in siblings.items() if code not in planned}
        final |= {code: combination_key(v.option_value_ids) for code, v in planned.items()}
        holders: dict[str | None, str] = {}
        ok = True
        for code, combination in final.items():  # the variants the file leaves alone come first
            holder = holders.setdefault(combination, code)
            if combination is not None and holder != code:
                line = planned[code].rows[0].line
                self.errors.add(line, "options", f"the product's variant {holder} has these options")
                ok = False
        return ok

    # --- apply: writes ------------------------------------------------------------------------------------

    async def apply(self) -> None:
        for plan in self.plans:
            await self._apply_product(plan)

    async def _apply_product(self, plan: ProductPlan) -> None:
        fields = plan.fields
        values: dict[str, Any] = {"name": fields.name, "brand_id": plan.brand.id, "category_id": plan.category.id,
                                  "tax_rate": fields.tax_rate, "description": fields.description}  # fmt: skip
        product = plan.product
        if product is None:
            product = Product(code=fields.code, slug=plan.slug, **values)
            await self.uow.products.add(product)
            self._count("product", product)
        else:
            self._count("product", product, product.revise(**values))
        for variant in plan.variants:
            await self._apply_variant(product, variant)

    async def _apply_variant(self, product: Product, plan: VariantPlan) -> None:
        fields = plan.fields
        name = fields.name or (f"{product.name} - {' / '.join(plan.label)}"[:200] if plan.label else product.name)
        variant = plan.variant
        if variant is None:
            variant = Variant(product_id=product.id, name=name, code=fields.code, slug=plan.slug,
                              barcode=fields.barcode, option_value_ids=plan.option_value_ids)  # fmt: skip
            if self._prices(variant, plan.rows) is not None:
                await self.uow.variants.add(variant)
                self._count("variant", variant)
                self.listings.add(product.id)
            return
        changes = variant.revise(name=name, barcode=fields.barcode)
        if set(plan.option_value_ids) != set(variant.option_value_ids):
            changes |= variant.revise(option_value_ids=plan.option_value_ids,
                                      combination=combination_key(plan.option_value_ids))  # fmt: skip
        changes |= self._prices(variant, plan.rows) or {}
        self._count("variant", variant, changes)
        if changes:
            self.listings.add(product.id)

    def _prices(self, variant: Variant, rows: list[ParsedRow]) -> dict[str, Any] | None:
        """Each row's price set on the variant; None when one was refused (and recorded)."""
        changes: dict[str, Any] = {}
        for row in rows:
            changed = self.errors.check(row.line, "price", partial(_set_price, variant, row.variant))
            if changed is None:
                return None
            changes |= changed
        return changes

    async def finish(self) -> None:
        """Listings refreshed once per product; the entities' own events give way to the import's one."""
        for product_id in self.listings:
            await self.uow.products.refresh_listing(product_id)
        for entity in self.changed.values():
            entity.events.clear()


def _set_price(variant: Variant, fields: VariantFields | None) -> dict[str, Any]:
    """The row's price, unless the variant has it already (compared as numbers: the databases hand amounts back
    with their own scale, 999.9 or 999.9000, and `set_price` compares their text)."""
    assert fields is not None
    current, cut = variant.price_in(fields.price.currency), fields.discount.amount if fields.discount else Decimal(0)
    if current is not None and (current.amount, current.discount) == (fields.price.amount, cut):
        return {}
    return variant.set_price(fields.price, fields.discount)


def grouped(rows: list[ParsedRow], key: Any) -> list[list[ParsedRow]]:
    """Rows grouped by `key(row)`, groups in the order of their first row."""
    groups: dict[str, list[ParsedRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return list(groups.values())
