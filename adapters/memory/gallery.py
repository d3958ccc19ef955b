"""The gallery on the memory store."""

from __future__ import annotations

import uuid

from adapters.memory.repositories import _created, _page, _Repo
from core.gallery.model import Media, ProductImage
from core.shared.pagination import Page, PageRequest


class MemoryMedia(_Repo):
    table, entity_name, model = "media", "media item", Media

    async def of_ids(self, media_ids: list[uuid.UUID]) -> list[Media]:
        return [m for m in (self._load(i) for i in set(media_ids)) if m is not None]

    async def list(self, page: PageRequest) -> Page[Media]:
        return _page(self._all(), page, _created)


class MemoryProductImages(_Repo):
    table, entity_name, model = "product_images", "product image", ProductImage

    async def of_product(self, product_id: uuid.UUID) -> list[ProductImage]:
        return sorted((i for i in self._all() if i.product_id == product_id),
                      key=lambda i: (i.sorting, i.created_at, str(i.id)))  # fmt: skip

    async def uses_media(self, media_id: uuid.UUID) -> bool:
        return any(i.media_id == media_id and self.uow.products._load(i.product_id) is not None for i in self._all())
