"""The gallery's jobs: thumbnails follow an upload."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import attrs

from core.catalog.use_cases.common import CatalogCache
from core.gallery.model import THUMBNAIL_SIZES, thumbnail_key
from core.shared.errors import NotFound
from core.shared.events import StoredEvent

if TYPE_CHECKING:
    from ports.files import FileStorage
    from ports.gallery import ImageProcessor
    from ports.uow import UnitOfWork


@attrs.define
class MakeThumbnails:
    """Reads the original, stores a WebP per size under a fixed key, records them on the media row. A re-run
    writes the same keys again; a media item deleted meanwhile gets none (and keeps no stray files)."""

    uow: UnitOfWork
    files: FileStorage
    images: ImageProcessor
    catalog_cache: CatalogCache

    async def __call__(self, event: StoredEvent) -> None:
        media_id = uuid.UUID(event.payload["media_id"])
        try:
            async with self.uow:
                media = await self.uow.media.get(media_id)
        except NotFound:
            return
        original = await self.files.read(media.storage_key)
        made: dict[str, str] = {}
        for size in THUMBNAIL_SIZES:
            thumb = await self.images.thumbnail(original, size)
            made[str(size)] = thumbnail_key(media_id, size)
            await self.files.put(made[str(size)], thumb.data, thumb.content_type)
        try:
            async with self.uow:
                media = await self.uow.media.get(media_id)
                media.set_thumbnails(made)
                await self.uow.commit()
        except NotFound:
            for key in made.values():
                await self.files.delete(key)
            return
        await self.catalog_cache.bump()
