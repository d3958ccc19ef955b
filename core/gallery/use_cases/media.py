"""Staff upload images, describe them, list and delete them. A file is stored before its row and removed
again if the row cannot be written: nothing is ever half-stored."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

import attrs

from core.catalog.use_cases.common import CatalogCache
from core.gallery.model import Media, alt_text, original_key
from core.gallery.settings import MAX_PIXELS, MAX_UPLOAD_BYTES
from core.platform.audit import audit
from core.shared.actor import Actor
from core.shared.errors import Conflict, Invalid
from core.shared.pagination import Page, PageRequest

if TYPE_CHECKING:
    from ports.files import FileStorage
    from ports.gallery import ImageProcessor
    from ports.services import RuntimeSettings
    from ports.uow import UnitOfWork

log = logging.getLogger("carsi.gallery")


@attrs.define
class UploadLimit:
    """The largest upload staff may send now, in bytes (a runtime setting)."""

    settings: RuntimeSettings

    async def __call__(self) -> int:
        return await self.settings.get(MAX_UPLOAD_BYTES)


@attrs.frozen
class NewMedia:
    actor: Actor
    data: bytes
    alt_text: str = ""


@attrs.define
class UploadMedia:
    uow: UnitOfWork
    files: FileStorage
    images: ImageProcessor
    settings: RuntimeSettings

    async def __call__(self, cmd: NewMedia) -> Media:
        limit = await self.settings.get(MAX_UPLOAD_BYTES)
        if len(cmd.data) > limit:
            raise Invalid.field("file", f"the file is larger than {limit} bytes", code="file_too_large")
        if not cmd.data:
            raise Invalid.field("file", "the file is empty", code="unsupported_media_type")
        text = alt_text(cmd.alt_text)
        image = await self.images.clean(cmd.data, max_pixels=await self.settings.get(MAX_PIXELS))
        media_id = uuid.uuid4()
        media = Media(id=media_id, storage_key=original_key(media_id, image.content_type),
                      content_type=image.content_type, width=image.width, height=image.height,
                      size=len(image.data), alt_text=text)  # fmt: skip
        media.uploaded()
        await self.files.put(media.storage_key, image.data, image.content_type)
        try:
            async with self.uow:
                await self.uow.media.add(media)
                await audit(self.uow, cmd.actor, "media.upload", "media", media.id,
                            {"content_type": [None, media.content_type], "size": [None, media.size]})  # fmt: skip
                await self.uow.commit()
        except BaseException:
            await self.files.delete(media.storage_key)
            raise
        return media


@attrs.define
class ListMedia:
    uow: UnitOfWork

    async def __call__(self, page: PageRequest) -> Page[Media]:
        async with self.uow:
            return await self.uow.media.list(page)


@attrs.define
class GetMedia:
    uow: UnitOfWork

    async def __call__(self, media_id: uuid.UUID) -> Media:
        async with self.uow:
            return await self.uow.media.get(media_id)


@attrs.frozen
class MediaRevision:
    actor: Actor
    media_id: uuid.UUID
    alt_text: str


@attrs.define
class ChangeMedia:
    uow: UnitOfWork
    catalog_cache: CatalogCache

    async def __call__(self, cmd: MediaRevision) -> Media:
        text = alt_text(cmd.alt_text)
        async with self.uow:
            media = await self.uow.media.get(cmd.media_id)
            changes = media.describe(text)
            if changes:
                await audit(self.uow, cmd.actor, "media.update", "media", media.id, changes)
            await self.uow.commit()
        if changes:
            await self.catalog_cache.bump()
        return media


@attrs.frozen
class MediaRemoval:
    actor: Actor
    media_id: uuid.UUID


@attrs.define
class DeleteMedia:
    """Soft-deletes the row and removes its files; an image still shown on a product is refused (409)."""

    uow: UnitOfWork
    files: FileStorage

    async def __call__(self, cmd: MediaRemoval) -> None:
        async with self.uow:
            media = await self.uow.media.get(cmd.media_id)
            if await self.uow.product_images.uses_media(media.id):
                raise Conflict("the image is shown on a product; detach it first", code="media_in_use")
            media.remove(cmd.actor.user_id)
            await audit(self.uow, cmd.actor, "media.delete", "media", media.id)
            await self.uow.commit()
        for key in media.stored_keys():
            try:
                await self.files.delete(key)
            except Exception:  # the row is gone; a file left over is only wasted space
                log.warning("could not delete file %s of deleted media %s", key, media.id, exc_info=True)
