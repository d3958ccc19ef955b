"""Staff work on how the catalog is organised: categories (a tree), brands, option keys and their values."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.model import Brand, Category, OptionKey, check_move, code, slug, text
from core.catalog.use_cases.common import (
    CatalogCache,
    Revision,
    checked,
    flag,
    integer,
    referenced,
    unique_code,
    unique_slug,
)
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.catalog import Slugs
    from ports.uow import UnitOfWork


def _name(v: Any) -> str:
    return text("name", v, 200, required=True)


def _meta_title(v: Any) -> str:
    return text("meta_title", v, 200)


def _meta_description(v: Any) -> str:
    return text("meta_description", v, 500)


def _parent(v: Any) -> uuid.UUID | None:
    if v is None or isinstance(v, uuid.UUID):
        return v
    try:
        return uuid.UUID(str(v))
    except ValueError:
        raise Invalid.field("parent_id", "must be a category id") from None


# --- categories -------------------------------------------------------------------------------------------


@attrs.frozen
class NewCategory:
    actor: Actor
    name: str
    code: str
    parent_id: uuid.UUID | None = None
    sorting: int = 0
    slug: str | None = None
    meta_title: str = ""
    meta_description: str = ""


@attrs.define
class CreateCategory:
    uow: UnitOfWork
    slugs: Slugs
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewCategory) -> Category:
        name, category_code = _name(cmd.name), code(cmd.code)
        async with self.uow:
            if cmd.parent_id is not None:
                await referenced(self.uow.categories.get, cmd.parent_id, "parent_id")
            category = Category(
                name=name, code=await unique_code(self.uow.categories, category_code),
                slug=await unique_slug(self.uow.categories, self.slugs, cmd.slug, name),
                parent_id=cmd.parent_id, sorting=integer("sorting")(cmd.sorting),
                meta_title=_meta_title(cmd.meta_title), meta_description=_meta_description(cmd.meta_description),
            )  # fmt: skip
            category.created()
            await self.uow.categories.add(category)
            await audit(self.uow, cmd.actor, "category.create", "category", category.id,
                        {"code": [None, category.code], "parent_id": [None, category.parent_id]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return category


@attrs.define
class ChangeCategory:
    uow: UnitOfWork
    slugs: Slugs
    catalog_cache: CatalogCache

    async def __call__(self, cmd: Revision) -> Category:
        values = checked(cmd.changes, {
            "name": _name, "code": code, "slug": slug, "parent_id": _parent, "sorting": integer("sorting"),
            "meta_title": _meta_title, "meta_description": _meta_description, "is_active": flag("is_active"),
        })  # fmt: skip
        async with self.uow:
            category = await self.uow.categories.get(cmd.target_id)
            if "code" in values:
                await unique_code(self.uow.categories, values["code"], category.id)
            if "slug" in values:
                await unique_slug(self.uow.categories, self.slugs, values["slug"], "", category.id)
            if values.get("parent_id") is not None:
                await referenced(self.uow.categories.get, values["parent_id"], "parent_id")
                check_move(category.id, values["parent_id"], await self.uow.categories.parents())
            changes = category.revise(**values)
            await audit(self.uow, cmd.actor, "category.update", "category", category.id, changes)
            await self.uow.commit()
        await self.catalog_cache.bump()
        return category


@attrs.define
class DeleteCategory:
    """A category with live subcategories or products cannot go (409 category_not_empty)."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, actor: Actor, category_id: uuid.UUID) -> None:
        async with self.uow:
            category = await self.uow.categories.get(category_id)
            parents = await self.uow.categories.parents()
            if category.id in parents.values() or await self.uow.products.uses(category_id=category.id):
                raise Conflict("move or delete its subcategories and products first", code="category_not_empty")
            category.remove(actor.user_id)
            await audit(self.uow, actor, "category.delete", "category", category.id)
            await self.uow.commit()
        await self.catalog_cache.bump()


@attrs.define
class GetCategory:
    uow: UnitOfWork

    async def __call__(self, category_id: uuid.UUID) -> Category:
        async with self.uow:
            return await self.uow.categories.get(category_id)


@attrs.define
class ListCategories:
    """Every live category, active or not, for the back office (the storefront reads the tree view)."""

    uow: UnitOfWork

    async def __call__(self) -> list[Category]:
        async with self.uow:
            return sorted(await self.uow.categories.list(), key=lambda c: (c.sorting, c.name, str(c.id)))


# --- brands -----------------------------------------------------------------------------------------------


@attrs.frozen
class NewBrand:
    actor: Actor
    name: str
    code: str
    description: str = ""
    slug: str | None = None


def _description(v: Any) -> str:
    return text("description", v, 5000)


@attrs.define
class CreateBrand:
    uow: UnitOfWork
    slugs: Slugs
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewBrand) -> Brand:
        name, brand_code = _name(cmd.name), code(cmd.code)
        async with self.uow:
            brand = Brand(name=name, code=await unique_code(self.uow.brands, brand_code),
                          slug=await unique_slug(self.uow.brands, self.slugs, cmd.slug, name),
                          description=_description(cmd.description))  # fmt: skip
            brand.created()
            await self.uow.brands.add(brand)
            await audit(self.uow, cmd.actor, "brand.create", "brand", brand.id, {"code": [None, brand.code]})
            await self.uow.commit()
        await self.catalog_cache.bump()
        return brand


@attrs.define
class ChangeBrand:
    uow: UnitOfWork
    slugs: Slugs
    catalog_cache: CatalogCache

    async def __call__(self, cmd: Revision) -> Brand:
        values = checked(cmd.changes, {"name": _name, "code": code, "slug": slug, "description": _description,
                                       "is_active": flag("is_active")})  # fmt: skip
        async with self.uow:
            brand = await self.uow.brands.get(cmd.target_id)
            if "code" in values:
                await unique_code(self.uow.brands, values["code"], brand.id)
            if "slug" in values:
                await unique_slug(self.uow.brands, self.slugs, values["slug"], "", brand.id)
            changes = brand.revise(**values)
            await audit(self.uow, cmd.actor, "brand.update", "brand", brand.id, changes)
            await self.uow.commit()
        await self.catalog_cache.bump()
        return brand


@attrs.define
class DeleteBrand:
    """A brand that live products carry cannot go (409 brand_in_use)."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, actor: Actor, brand_id: uuid.UUID) -> None:
        async with self.uow:
            brand = await self.uow.brands.get(brand_id)
            if await self.uow.products.uses(brand_id=brand.id):
                raise Conflict("products carry this brand; move or delete them first", code="brand_in_use")
            brand.remove(actor.user_id)
            await audit(self.uow, actor, "brand.delete", "brand", brand.id)
            await self.uow.commit()
        await self.catalog_cache.bump()


@attrs.define
class GetBrand:
    uow: UnitOfWork

    async def __call__(self, brand_id: uuid.UUID) -> Brand:
        async with self.uow:
            return await self.uow.brands.get(brand_id)


@attrs.define
class ListBrands:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest, q: str | None = None) -> Page[Brand]:
        async with self.uow:
            return await self.uow.brands.list(page, q=q)


# --- option keys ------------------------------------------------------------------------------------------


@attrs.frozen
class ValueIn:
    value: str
    sorting: int | None = None
    id: uuid.UUID | None = None


@attrs.frozen
class NewOptionKey:
    actor: Actor
    key: str
    is_variant_creator: bool = True
    description: str = ""
    values: list[ValueIn] = attrs.field(factory=list)


def _sorting(v: Any) -> int | None:
    return None if v is None else integer("sorting")(v)


def _key(v: Any) -> str:
    return text("key", v, 100, required=True)


async def _unique_key(uow: UnitOfWork, key: str, current: uuid.UUID | None = None) -> str:
    found = await uow.option_keys.by_key(key)
    if found is not None and found.id != current:
        raise Conflict(f"option key {key!r} exists", code="duplicate_key")
    return key


@attrs.define
class CreateOptionKey:
    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewOptionKey) -> OptionKey:
        key = _key(cmd.key)
        if any(v.id is not None for v in cmd.values):
            raise Invalid.field("values", "new values carry no id")
        async with self.uow:
            option_key = OptionKey(key=await _unique_key(self.uow, key), description=_description(cmd.description),
                                   is_variant_creator=flag("is_variant_creator")(cmd.is_variant_creator))  # fmt: skip
            option_key.put_values([(None, v.value, _sorting(v.sorting)) for v in cmd.values])
            option_key.created()
            await self.uow.option_keys.add(option_key)
            await audit(self.uow, cmd.actor, "option_key.create", "option_key", option_key.id,
                        {"key": [None, key], "values": [None, [v.value for v in option_key.values]]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return option_key


@attrs.frozen
class OptionKeyRevision:
    actor: Actor
    target_id: uuid.UUID
    changes: dict[str, Any]
    values: list[ValueIn] | None = None


@attrs.define
class ChangeOptionKey:
    """Plain fields, plus `values`: those without an id are added, those with one changed; others stay."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: OptionKeyRevision) -> OptionKey:
        values = checked(cmd.changes, {"key": _key, "description": _description,
                                       "is_variant_creator": flag("is_variant_creator"),
                                       "is_active": flag("is_active")})  # fmt: skip
        async with self.uow:
            option_key = await self.uow.option_keys.get(cmd.target_id)
            if "key" in values:
                await _unique_key(self.uow, values["key"], option_key.id)
            changes = option_key.revise(**values)
            if cmd.values is not None:
                changes |= option_key.put_values([(v.id, v.value, _sorting(v.sorting)) for v in cmd.values])
            await audit(self.uow, cmd.actor, "option_key.update", "option_key", option_key.id, changes)
            await self.uow.commit()
        await self.catalog_cache.bump()
        return option_key


@attrs.define
class DeleteOptionKey:
    """A key whose values variants use cannot go (409 option_key_in_use)."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, actor: Actor, key_id: uuid.UUID) -> None:
        async with self.uow:
            option_key = await self.uow.option_keys.get(key_id)
            if await self.uow.variants.uses_values([v.id for v in option_key.values]):
                raise Conflict("variants use this key's values", code="option_key_in_use")
            option_key.remove(actor.user_id)
            await audit(self.uow, actor, "option_key.delete", "option_key", option_key.id)
            await self.uow.commit()
        await self.catalog_cache.bump()


@attrs.define
class GetOptionKey:
    uow: UnitOfWork

    async def __call__(self, key_id: uuid.UUID) -> OptionKey:
        async with self.uow:
            return await self.uow.option_keys.get(key_id)


@attrs.define
class ListOptionKeys:
    uow: UnitOfWork

    async def __call__(self) -> list[OptionKey]:
        async with self.uow:
            return sorted(await self.uow.option_keys.list(), key=lambda k: (k.key, str(k.id)))
