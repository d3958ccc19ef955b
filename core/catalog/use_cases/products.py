"""Staff work on what the shop sells: products, their variants (one by one or as a matrix), prices."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.model import (
    OptionKey,
    Product,
    Variant,
    code,
    combination_key,
    slug,
    specifications,
    tax_rate,
    text,
)
from core.catalog.use_cases.common import (
    CatalogCache,
    Revision,
    checked,
    flag,
    referenced,
    unique_code,
    unique_slug,
)
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid
from core.shared.money import Money
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.catalog import Barcodes, Slugs
    from ports.uow import UnitOfWork


def _name(v: Any) -> str:
    return text("name", v, 200, required=True)


def _description(v: Any) -> str:
    return text("description", v, 20000)


@attrs.frozen
class NewProduct:
    actor: Actor
    name: str
    code: str
    brand_id: uuid.UUID
    category_id: uuid.UUID
    barcode: str | None = None
    description: str = ""
    specifications: list[dict[str, Any]] = attrs.field(factory=list)
    tax_rate: Decimal = Decimal(20)
    slug: str | None = None
    meta_title: str = ""
    meta_description: str = ""


@attrs.define
class CreateProduct:
    uow: UnitOfWork
    slugs: Slugs
    barcodes: Barcodes
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewProduct) -> Product:
        name, product_code = _name(cmd.name), code(cmd.code)
        barcode = self.barcodes.check(cmd.barcode) if cmd.barcode else None
        async with self.uow:
            await referenced(self.uow.brands.get, cmd.brand_id, "brand_id")
            await referenced(self.uow.categories.get, cmd.category_id, "category_id")
            product = Product(
                name=name, code=await unique_code(self.uow.products, product_code),
                slug=await unique_slug(self.uow.products, self.slugs, cmd.slug, name),
                brand_id=cmd.brand_id, category_id=cmd.category_id, barcode=barcode,
                description=_description(cmd.description), specifications=specifications(cmd.specifications),
                tax_rate=tax_rate(cmd.tax_rate), meta_title=text("meta_title", cmd.meta_title, 200),
                meta_description=text("meta_description", cmd.meta_description, 500),
            )  # fmt: skip
            product.created()
            await self.uow.products.add(product)
            await audit(self.uow, cmd.actor, "product.create", "product", product.id, {"code": [None, product.code]})
            await self.uow.commit()
        await self.catalog_cache.bump()
        return product


@attrs.define
class ChangeProduct:
    uow: UnitOfWork
    slugs: Slugs
    barcodes: Barcodes
    catalog_cache: CatalogCache

    async def __call__(self, cmd: Revision) -> Product:
        values = checked(cmd.changes, {
            "name": _name, "code": code, "slug": slug, "description": _description,
            "barcode": lambda v: self.barcodes.check(v) if v else None, "brand_id": lambda v: v,
            "category_id": lambda v: v, "specifications": specifications, "tax_rate": tax_rate,
            "meta_title": lambda v: text("meta_title", v, 200),
            "meta_description": lambda v: text("meta_description", v, 500), "is_active": flag("is_active"),
        })  # fmt: skip
        for field in ("brand_id", "category_id"):
            if field in values and values[field] is None:
                raise Invalid.field(field, "must not be null")
        async with self.uow:
            product = await self.uow.products.get(cmd.target_id)
            if "code" in values:
                await unique_code(self.uow.products, values["code"], product.id)
            if "slug" in values:
                await unique_slug(self.uow.products, self.slugs, values["slug"], "", product.id)
            if "brand_id" in values:
                await referenced(self.uow.brands.get, values["brand_id"], "brand_id")
            if "category_id" in values:
                await referenced(self.uow.categories.get, values["category_id"], "category_id")
            changes = product.revise(**values)
            await audit(self.uow, cmd.actor, "product.update", "product", product.id, changes)
            await self.uow.commit()
        await self.catalog_cache.bump()
        return product


@attrs.define
class DeleteProduct:
    """Soft-deletes the product and its variants."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, actor: Actor, product_id: uuid.UUID) -> None:
        async with self.uow:
            product = await self.uow.products.get(product_id)
            for variant in await self.uow.variants.of_product(product.id):
                variant.remove(actor.user_id)
            product.remove(actor.user_id)
            await self.uow.products.refresh_listing(product.id)
            await audit(self.uow, actor, "product.delete", "product", product.id)
            await self.uow.commit()
        await self.catalog_cache.bump()


@attrs.frozen
class ProductWithVariants:
    product: Product
    variants: list[Variant]


@attrs.define
class GetProduct:
    uow: UnitOfWork

    async def __call__(self, product_id: uuid.UUID) -> ProductWithVariants:
        async with self.uow:
            product = await self.uow.products.get(product_id)
            return ProductWithVariants(product, await self.uow.variants.of_product(product.id))


@attrs.define
class ListProducts:
    """Every live product, active or not, newest first (the back office's list)."""

    uow: UnitOfWork

    async def __call__(self, page: PageRequest, q: str | None = None) -> Page[Product]:
        async with self.uow:
            return await self.uow.products.list(page, q=q)


# --- variants ---------------------------------------------------------------------------------------------


async def _option_values(uow: UnitOfWork, value_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[OptionKey, str]]:
    """Each value id with its key and text; unknown values, or values of keys that do not create variants, 422."""
    if len(set(value_ids)) != len(value_ids):
        raise Invalid.field("option_value_ids", "a value is named twice")
    found: dict[uuid.UUID, tuple[OptionKey, str]] = {}
    for key in await uow.option_keys.of_values(value_ids):
        for value in key.values:
            if value.id in value_ids:
                found[value.id] = (key, value.value)
    missing = [str(v) for v in value_ids if v not in found]
    if missing:
        raise Invalid.field("option_value_ids", f"no such option values: {', '.join(missing)}",
                            code="unknown_reference")  # fmt: skip
    for key, _ in found.values():
        if not key.is_variant_creator:
            raise Invalid.field("option_value_ids", f"option key {key.key!r} does not create variants",
                                code="not_variant_creator")  # fmt: skip
    return found


async def _free_code(uow: UnitOfWork, wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in taken or await uow.variants.by_code(candidate) is not None:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


@attrs.frozen
class NewVariant:
    actor: Actor
    product_id: uuid.UUID
    code: str
    option_value_ids: list[uuid.UUID]
    price: Money
    name: str | None = None
    barcode: str | None = None
    slug: str | None = None
    discount: Money | None = None


@attrs.define
class CreateVariant:
    """One variant with at most one value per option key; its combination must be new for the product."""

    uow: UnitOfWork
    slugs: Slugs
    barcodes: Barcodes
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewVariant) -> Variant:
        variant_code = code(cmd.code)
        barcode = self.barcodes.check(cmd.barcode) if cmd.barcode else None
        async with self.uow:
            product = await self.uow.products.get(cmd.product_id)
            values = await _option_values(self.uow, cmd.option_value_ids)
            keys = [key.id for key, _ in values.values()]
            if len(keys) != len(set(keys)):
                raise Invalid.field("option_value_ids", "one value per option key")
            combination = combination_key(cmd.option_value_ids)
            existing = await self.uow.variants.of_product(product.id)
            if combination is not None and any(v.combination == combination for v in existing):
                raise Conflict("the product has a variant with these options", code="duplicate_combination")
            ordered = sorted(values.values(), key=lambda kv: kv[0].key)
            label = " / ".join(value for _, value in ordered)
            name = text("name", cmd.name, 200, required=True) if cmd.name is not None else (
                f"{product.name} - {label}" if label else product.name)  # fmt: skip
            variant = Variant(
                product_id=product.id, name=name, code=await unique_code(self.uow.variants, variant_code),
                slug=await unique_slug(self.uow.variants, self.slugs, cmd.slug, f"{product.slug} {label}"),
                barcode=barcode, option_value_ids=list(cmd.option_value_ids),
            )  # fmt: skip
            variant.set_price(cmd.price, cmd.discount)
            variant.created()
            await self.uow.variants.add(variant)
            await self.uow.products.refresh_listing(product.id)
            await audit(self.uow, cmd.actor, "variant.create", "variant", variant.id,
                        {"code": [None, variant.code], "price": [None, str(cmd.price)]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return variant


@attrs.frozen
class VariantMatrix:
    actor: Actor
    product_id: uuid.UUID
    option_value_ids: list[uuid.UUID]
    price: Money


@attrs.define
class GenerateVariants:
    """One variant per combination of the given values across their keys (2 colours x 3 sizes -> 6),
    skipping combinations the product has; names, codes and slugs derived from the product's."""

    uow: UnitOfWork
    slugs: Slugs
    catalog_cache: CatalogCache

    async def __call__(self, cmd: VariantMatrix) -> list[Variant]:
        if not cmd.option_value_ids:
            raise Invalid.field("option_value_ids", "name at least one option value")
        async with self.uow:
            product = await self.uow.products.get(cmd.product_id)
            values = await _option_values(self.uow, cmd.option_value_ids)
            by_key: dict[uuid.UUID, list[tuple[OptionKey, uuid.UUID, str]]] = {}
            for value_id, (key, value) in values.items():
                by_key.setdefault(key.id, []).append((key, value_id, value))
            axes = sorted(by_key.values(), key=lambda vs: vs[0][0].key)
            for axis in axes:
                order = {v.id: (v.sorting, v.value) for v in axis[0][0].values}
                axis.sort(key=lambda kv: order[kv[1]])
            existing = {v.combination for v in await self.uow.variants.of_product(product.id)}
            created: list[Variant] = []
            codes: set[str] = set()
            for combo in itertools.product(*axes):
                ids = [value_id for _, value_id, _ in combo]
                if combination_key(ids) in existing:
                    continue
                label = [value for _, _, value in combo]
                suffix = "-".join(self.slugs.slugify(v).upper() or "X" for v in label)
                variant_code = await _free_code(self.uow, f"{product.code}-{suffix}"[:64], codes)
                codes.add(variant_code)
                variant = Variant(
                    product_id=product.id, name=f"{product.name} - {' / '.join(label)}"[:200], code=variant_code,
                    slug=await self._slug(f"{product.slug} {' '.join(label)}", created),
                    option_value_ids=ids,
                )  # fmt: skip
                variant.set_price(cmd.price)
                variant.created()
                await self.uow.variants.add(variant)
                created.append(variant)
            if created:
                await self.uow.products.refresh_listing(product.id)
            await audit(self.uow, cmd.actor, "variant.generate", "product", product.id,
                        {"variants": [None, [v.code for v in created]]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return created

    async def _slug(self, name: str, pending: list[Variant]) -> str:
        """A free slug, also among the variants made in this same call (not yet in the database)."""
        chosen = await unique_slug(self.uow.variants, self.slugs, None, name)
        taken = {v.slug for v in pending}
        base, n = chosen, 2
        while chosen in taken:
            chosen, n = f"{base}-{n}", n + 1
        return chosen


@attrs.define
class ChangeVariant:
    uow: UnitOfWork
    slugs: Slugs
    barcodes: Barcodes
    catalog_cache: CatalogCache

    async def __call__(self, cmd: Revision) -> Variant:
        values = checked(cmd.changes, {"name": _name, "code": code, "slug": slug, "is_active": flag("is_active"),
                                       "barcode": lambda v: self.barcodes.check(v) if v else None})  # fmt: skip
        async with self.uow:
            variant = await self.uow.variants.get(cmd.target_id)
            if "code" in values:
                await unique_code(self.uow.variants, values["code"], variant.id)
            if "slug" in values:
                await unique_slug(self.uow.variants, self.slugs, values["slug"], "", variant.id)
            changes = variant.revise(**values)
            if "is_active" in changes:  # the listing holds the lowest price of the active variants
                await self.uow.products.refresh_listing(variant.product_id)
            await audit(self.uow, cmd.actor, "variant.update", "variant", variant.id, changes)
            await self.uow.commit()
        await self.catalog_cache.bump()
        return variant


@attrs.frozen
class NewPrice:
    actor: Actor
    variant_id: uuid.UUID
    price: Money
    discount: Money | None = None


@attrs.define
class SetVariantPrice:
    """The variant's one price in that currency, replaced; a discount never takes it below zero."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewPrice) -> Variant:
        async with self.uow:
            variant = await self.uow.variants.get(cmd.variant_id)
            changes = variant.set_price(cmd.price, cmd.discount)
            await self.uow.products.refresh_listing(variant.product_id)
            await audit(self.uow, cmd.actor, "variant.price", "variant", variant.id, changes)
            await self.uow.commit()
        await self.catalog_cache.bump()
        return variant


@attrs.define
class DeleteVariant:
    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, actor: Actor, variant_id: uuid.UUID) -> None:
        async with self.uow:
            variant = await self.uow.variants.get(variant_id)
            variant.remove(actor.user_id)
            await self.uow.products.refresh_listing(variant.product_id)
            await audit(self.uow, actor, "variant.delete", "variant", variant.id)
            await self.uow.commit()
        await self.catalog_cache.bump()


@attrs.define
class GetVariant:
    uow: UnitOfWork

    async def __call__(self, variant_id: uuid.UUID) -> Variant:
        async with self.uow:
            return await self.uow.variants.get(variant_id)
