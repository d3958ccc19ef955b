"""SQL repositories of the gallery."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from adapters.sql import tables as t
from adapters.sql.repositories import _Repo, keyset_page
from core.gallery.model import Media, ProductImage
from core.shared.pagination import Page, PageRequest


class SqlMedia(_Repo):
    model, entity_name = Media, "media item"

    async def of_ids(self, media_ids: list[uuid.UUID]) -> list[Media]:
        if not media_ids:
            return []
        found = await self.session.scalars(sa.select(Media).where(t.media.c.id.in_(set(media_ids))))
        return [self._seen(m) for m in found.all()]

    async def list(self, page: PageRequest) -> Page[Media]:
        return await keyset_page(self.session, sa.select(Media), page, [t.media.c.created_at, t.media.c.id])


class SqlProductImages(_Repo):
    model, entity_name = ProductImage, "product image"

    async def of_product(self, product_id: uuid.UUID) -> list[ProductImage]:
        c = t.product_images.c
        stmt = sa.select(ProductImage).where(c.product_id == product_id).order_by(c.sorting, c.created_at, c.id)
        return [self._seen(i) for i in (await self.session.scalars(stmt)).all()]

    async def uses_media(self, media_id: uuid.UUID) -> bool:
        c, p = t.product_images.c, t.products.c
        live = sa.and_(c.is_deleted == sa.false(), p.is_deleted == sa.false())
        stmt = sa.select(c.id).join(t.products, p.id == c.product_id).where(c.media_id == media_id, live).limit(1)
        return (await self.session.scalar(stmt)) is not None
