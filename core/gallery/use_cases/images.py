"""Staff place uploaded images on products and their variants, order them and give them alt text."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import attrs

from core.catalog.use_cases.common import CatalogCache, checked, integer, referenced
from core.gallery.model import Media, ProductImage, alt_text
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Invalid, NotFound

if TYPE_CHECKING:
    from ports.uow import UnitOfWork


@attrs.frozen
class PlacedImage:
    """A product image with the media it shows."""

    image: ProductImage
    media: Media


async def _variant_of(uow: UnitOfWork, product_id: uuid.UUID, variant_id: uuid.UUID | None) -> None:
    if variant_id is None:
        return
    variant = await referenced(uow.variants.get, variant_id, "variant_id")
    if variant.product_id != product_id:
        raise Invalid.field("variant_id", "the variant belongs to another product", code="variant_not_of_product")


@attrs.frozen
class NewImage:
    actor: Actor
    product_id: uuid.UUID
    media_id: uuid.UUID
    variant_id: uuid.UUID | None = None
    sorting: int | None = None
    alt_text: str = ""


@attrs.define
class AttachImage:
    """Without `sorting` the image goes after the product's last one."""

    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: NewImage) -> PlacedImage:
        text = alt_text(cmd.alt_text)
        sorting = None if cmd.sorting is None else integer("sorting")(cmd.sorting)
        async with self.uow:
            product = await self.uow.products.get(cmd.product_id)
            media = await referenced(self.uow.media.get, cmd.media_id, "media_id")
            await _variant_of(self.uow, product.id, cmd.variant_id)
            if sorting is None:
                present = await self.uow.product_images.of_product(product.id)
                sorting = max((i.sorting for i in present), default=-1) + 1
            image = ProductImage(product_id=product.id, media_id=media.id, variant_id=cmd.variant_id,
                                 sorting=sorting, alt_text=text)  # fmt: skip
            image.attached()
            await self.uow.product_images.add(image)
            await audit(self.uow, cmd.actor, "product.image.attach", "product", product.id,
                        {"image_id": [None, image.id], "media_id": [None, media.id]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()
        return PlacedImage(image, media)


async def _image_of(uow: UnitOfWork, product_id: uuid.UUID, image_id: uuid.UUID) -> ProductImage:
    image = await uow.product_images.get(image_id)
    if image.product_id != product_id:
        raise NotFound(f"no image {image_id} on product {product_id}")
    return image


@attrs.frozen
class ImageRevision:
    actor: Actor
    product_id: uuid.UUID
    image_id: uuid.UUID
    changes: dict[str, Any]


@attrs.define
class ChangeImage:
    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: ImageRevision) -> PlacedImage:
        values = checked(cmd.changes, {"sorting": integer("sorting"), "alt_text": alt_text,
                                       "variant_id": lambda v: v})  # fmt: skip
        async with self.uow:
            image = await _image_of(self.uow, cmd.product_id, cmd.image_id)
            if "variant_id" in values:
                await _variant_of(self.uow, image.product_id, values["variant_id"])
            changes = image.revise(**values)
            if changes:
                await audit(self.uow, cmd.actor, "product.image.update", "product", image.product_id,
                            {f"image.{k}": v for k, v in changes.items()})  # fmt: skip
            media = await self.uow.media.get(image.media_id)
            await self.uow.commit()
        if changes:
            await self.catalog_cache.bump()
        return PlacedImage(image, media)


@attrs.frozen
class ImageRemoval:
    actor: Actor
    product_id: uuid.UUID
    image_id: uuid.UUID


@attrs.define
class DetachImage:
    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: ImageRemoval) -> None:
        async with self.uow:
            image = await _image_of(self.uow, cmd.product_id, cmd.image_id)
            image.remove(cmd.actor.user_id)
            await audit(self.uow, cmd.actor, "product.image.detach", "product", image.product_id,
                        {"image_id": [image.id, None]})  # fmt: skip
            await self.uow.commit()
        await self.catalog_cache.bump()


@attrs.define
class ListProductImages:
    uow: UnitOfWork

    async def __call__(self, product_id: uuid.UUID) -> list[PlacedImage]:
        async with self.uow:
            await self.uow.products.get(product_id)
            images = await self.uow.product_images.of_product(product_id)
            media = {m.id: m for m in await self.uow.media.of_ids([i.media_id for i in images])}
        return [PlacedImage(i, media[i.media_id]) for i in images if i.media_id in media]
