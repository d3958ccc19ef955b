"""Thumbnails: a job after the upload makes 200 and 800 px WebP versions, under keys a re-run reuses."""

from __future__ import annotations

from core.gallery.handlers import MakeThumbnails
from core.gallery.use_cases.media import DeleteMedia, GetMedia, MediaRemoval
from tests.unit.catalog.conftest import STAFF
from tests.unit.gallery import pictures
from tests.unit.gallery.conftest import Gallery


async def test_the_job_makes_webp_thumbnails_by_the_longest_side(gallery: Gallery) -> None:
    media = await gallery.upload(pictures.webp(1200, 900))
    assert media.thumbnails == {}
    await gallery.app.drain()

    media = await gallery.app.use(GetMedia)(media.id)
    assert set(media.thumbnails) == {"200", "800"}
    for size, key in media.thumbnails.items():
        image = pictures.opened(await gallery.files.read(key))
        assert image.format == "WEBP" and max(image.size) == int(size)
        assert image.size == (int(size), int(size) * 3 // 4)
    assert len(gallery.stored_files()) == 3


async def test_a_small_image_is_not_enlarged(gallery: Gallery) -> None:
    media = await gallery.upload(pictures.png(300, 200))
    await gallery.app.drain()
    media = await gallery.app.use(GetMedia)(media.id)
    assert pictures.opened(await gallery.files.read(media.thumbnails["200"])).size == (200, 133)
    assert pictures.opened(await gallery.files.read(media.thumbnails["800"])).size == (300, 200)


async def test_running_the_job_again_reuses_the_same_keys(gallery: Gallery) -> None:
    media = await gallery.upload(pictures.jpeg_with_gps())
    await gallery.app.drain()
    first = (await gallery.app.use(GetMedia)(media.id)).thumbnails
    files = gallery.stored_files()

    uploaded = next(e for e in gallery.store.outbox if e.name == "media.uploaded")
    await gallery.app.use(MakeThumbnails)(uploaded)

    assert (await gallery.app.use(GetMedia)(media.id)).thumbnails == first
    assert gallery.stored_files() == files


async def test_a_media_item_deleted_before_its_job_gets_no_thumbnails(gallery: Gallery) -> None:
    media = await gallery.upload()
    await gallery.app.use(DeleteMedia)(MediaRemoval(STAFF, media.id))
    await gallery.app.drain()
    assert gallery.stored_files() == []


async def test_deleting_media_removes_its_files(gallery: Gallery) -> None:
    media = await gallery.upload()
    await gallery.app.drain()
    assert len(gallery.stored_files()) == 3
    await gallery.app.use(DeleteMedia)(MediaRemoval(STAFF, media.id))
    assert gallery.stored_files() == []
