"""The gallery's repositories: the same answers from the memory, SQLite and PostgreSQL adapters (ports/gallery.py)."""

from __future__ import annotations

import uuid

import pytest

from core.gallery.model import Media, ProductImage, original_key
from core.shared.errors import NotFound
from core.shared.pagination import PageRequest
from tests.integration.contract.builders import walk
from tests.integration.contract.conftest import Backend
from tests.integration.contract.test_catalog_contract import brand, category, product, save, variant


def media(alt_text: str = "") -> Media:
    media_id = uuid.uuid4()
    return Media(id=media_id, storage_key=original_key(media_id, "image/png"), content_type="image/png",
                 width=300, height=200, size=575, alt_text=alt_text)  # fmt: skip


async def add_media(backend: Backend, *items: Media) -> None:
    for item in items:  # one commit each: distinct created_at, newest last
        async with backend.uow() as uow:
            await uow.media.add(item)
            await uow.commit()


async def a_product(backend: Backend) -> tuple[uuid.UUID, uuid.UUID]:
    """A product with one variant: (product id, variant id)."""
    b, c = brand(), category()
    p = product(b.id, c.id)
    v = variant(p.id, ("100", "TRY"))
    await save(backend, b, c, p, v)
    return p.id, v.id


async def test_media_round_trip_with_thumbnails(backend: Backend) -> None:
    item = media("Kırmızı")
    await add_media(backend, item)
    async with backend.uow() as uow:
        found = await uow.media.get(item.id)
        assert (found.storage_key, found.width, found.height, found.size, found.alt_text, found.thumbnails) == (
            item.storage_key,
            300,
            200,
            575,
            "Kırmızı",
            {},
        )
        found.set_thumbnails({"200": "media/x/200.webp", "800": "media/x/800.webp"})
        await uow.commit()
    async with backend.uow() as uow:
        assert (await uow.media.get(item.id)).thumbnails == {"200": "media/x/200.webp", "800": "media/x/800.webp"}
    names = [e.name for e in await _outbox(backend)]
    assert "media.uploaded" not in names and "catalog.changed" in names  # only what the entity recorded


async def _outbox(backend: Backend) -> list[object]:
    async with backend.uow() as uow:
        return list(await uow.outbox.pending(100))


async def test_media_lists_newest_first_in_pages_without_deleted(backend: Backend) -> None:
    items = [media(f"m{n}") for n in range(5)]
    await add_media(backend, *items)
    async with backend.uow() as uow:
        (await uow.media.get(items[2].id)).remove(None)
        await uow.commit()

    async def fetch(cursor: str | None) -> object:
        async with backend.uow() as uow:
            return await uow.media.list(PageRequest(limit=2, cursor=cursor))

    listed = await walk(fetch)  # type: ignore[arg-type]
    assert [m.alt_text for m in listed] == ["m4", "m3", "m1", "m0"]
    async with backend.uow() as uow:
        with pytest.raises(NotFound):
            await uow.media.get(items[2].id)
        assert {m.id for m in await uow.media.of_ids([items[0].id, items[2].id, uuid.uuid4()])} == {items[0].id}
        assert await uow.media.of_ids([]) == []


async def test_product_images_by_sorting_and_media_in_use(backend: Backend) -> None:
    product_id, variant_id = await a_product(backend)
    first, second = media(), media()
    await add_media(backend, first, second)
    later = ProductImage(product_id=product_id, media_id=first.id, sorting=2)
    earlier = ProductImage(product_id=product_id, media_id=second.id, variant_id=variant_id, sorting=1)
    async with backend.uow() as uow:
        await uow.product_images.add(later)
        await uow.product_images.add(earlier)
        await uow.commit()
    async with backend.uow() as uow:
        shown = await uow.product_images.of_product(product_id)
        assert [(i.id, i.variant_id) for i in shown] == [(earlier.id, variant_id), (later.id, None)]
        assert await uow.product_images.uses_media(first.id)
        assert await uow.product_images.of_product(uuid.uuid4()) == []
        (await uow.product_images.get(later.id)).remove(None)
        await uow.commit()
    async with backend.uow() as uow:
        assert not await uow.product_images.uses_media(first.id)
        assert [i.id for i in await uow.product_images.of_product(product_id)] == [earlier.id]
        assert await uow.product_images.uses_media(second.id)
        (await uow.products.get(product_id)).remove(None)  # a deleted product no longer holds its media
        await uow.commit()
    async with backend.uow() as uow:
        assert not await uow.product_images.uses_media(second.id)
