"""Uploads: only JPEG, PNG and WebP told from the content, verified, upright, without metadata; never half-stored."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.memory.store import MemoryStore
from adapters.memory.uow import MemoryUnitOfWork
from core.gallery.use_cases.media import NewMedia, UploadMedia
from core.shared.errors import Invalid
from ports.files import FileStorage
from ports.gallery import ImageProcessor
from ports.services import RuntimeSettings
from tests.unit.catalog.conftest import STAFF
from tests.unit.gallery import pictures
from tests.unit.gallery.conftest import Gallery


async def test_a_jpeg_loses_its_gps_exif_and_comment_and_is_turned_upright(gallery: Gallery) -> None:
    original = pictures.jpeg_with_gps(640, 480)
    assert pictures.opened(original).getexif().get_ifd(pictures.GPS_IFD)  # the fixture really carries GPS

    media = await gallery.upload(original, alt_text="  Kırmızı tişört  ")

    assert (media.content_type, media.width, media.height) == ("image/jpeg", 480, 640)  # orientation 6 applied
    assert media.alt_text == "Kırmızı tişört"
    stored = await gallery.files.read(media.storage_key)
    assert media.size == len(stored) and media.storage_key.endswith(".jpg")
    image = pictures.opened(stored)
    assert image.format == "JPEG" and image.size == (480, 640)
    assert not dict(image.getexif()) and not image.getexif().get_ifd(pictures.GPS_IFD)
    assert not {"exif", "comment", "xmp", "XML:com.adobe.xmp"} & set(image.info)
    assert b"PhoneMaker" not in stored and b"secret" not in stored


@pytest.mark.parametrize("make,content_type,fmt", [(pictures.png, "image/png", "PNG"),
                                                   (pictures.webp, "image/webp", "WEBP")])  # fmt: skip
async def test_png_and_webp_keep_their_format(gallery: Gallery, make: Any, content_type: str, fmt: str) -> None:
    media = await gallery.upload(make())
    assert media.content_type == content_type
    image = pictures.opened(await gallery.files.read(media.storage_key))
    assert image.format == fmt and (image.width, image.height) == (media.width, media.height)
    assert "xmp" not in image.info


@pytest.mark.parametrize("data,code", [
    (pictures.gif(), "unsupported_media_type"),
    (b"Just some text pretending to be a photo.jpg\n" * 10, "unsupported_media_type"),
    (b"", "unsupported_media_type"),
    (pictures.truncated_jpeg(), "image_corrupt"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "image_corrupt"),  # JPEG magic, no image
    (pictures.png_bomb(), "image_too_large"),  # beyond what Pillow itself would ever decode
    (pictures.png_bomb(8000, 8000), "image_too_large"),  # 64 Mpx: beyond media.max_pixels (40 Mpx)
], ids=["gif", "text", "empty", "truncated-jpeg", "jpeg-magic-only", "bomb", "over-max-pixels"])  # fmt: skip
async def test_what_is_not_a_sound_jpeg_png_or_webp_is_refused(gallery: Gallery, data: bytes, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        await gallery.upload(data)
    assert refused.value.code == code
    assert refused.value.errors[0].loc == ("body", "file")
    assert gallery.stored_files() == []
    assert gallery.store.rows("media") == []


async def test_the_size_and_pixel_limits_are_runtime_settings(gallery: Gallery) -> None:
    await gallery.app.set("media.max_upload_bytes", 1024)
    with pytest.raises(Invalid) as refused:
        await gallery.upload(pictures.webp())  # about 2 KiB
    assert refused.value.code == "file_too_large"
    await gallery.app.set("media.max_upload_bytes", 10 * 1024 * 1024)
    await gallery.app.set("media.max_pixels", 100 * 100)
    with pytest.raises(Invalid) as refused:
        await gallery.upload(pictures.png(101, 100))
    assert refused.value.code == "image_too_large"
    assert (await gallery.upload(pictures.png(100, 100))).width == 100


class FailingCommit(MemoryUnitOfWork):
    async def commit(self) -> None:
        raise ConnectionError("the database went away")


class BrokenDisk:
    """A FileStorage whose writes fail."""

    def __init__(self, real: FileStorage) -> None:
        self.real = real

    async def put(self, key: str, data: Any, content_type: str) -> None:
        raise OSError("no space left on device")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


async def test_a_failed_database_write_leaves_no_file_behind(gallery: Gallery) -> None:
    c = gallery.app.container
    upload = UploadMedia(FailingCommit(c.resolve(MemoryStore)), c.resolve(FileStorage), c.resolve(ImageProcessor),
                         c.resolve(RuntimeSettings))  # fmt: skip
    with pytest.raises(ConnectionError):
        await upload(NewMedia(STAFF, pictures.png()))
    assert gallery.stored_files() == []
    assert gallery.store.rows("media") == []


async def test_a_failed_file_write_leaves_no_row(gallery: Gallery) -> None:
    c = gallery.app.container
    upload = UploadMedia(gallery.app.uow(), BrokenDisk(c.resolve(FileStorage)), c.resolve(ImageProcessor),
                         c.resolve(RuntimeSettings))  # fmt: skip
    with pytest.raises(OSError):
        await upload(NewMedia(STAFF, pictures.png()))
    assert gallery.store.rows("media") == []
    assert [e for e in gallery.store.outbox if e.name == "media.uploaded"] == []


async def test_an_upload_is_audited_and_announced(gallery: Gallery) -> None:
    media = await gallery.upload()
    assert [e.payload for e in gallery.store.outbox if e.name == "media.uploaded"] == [{"media_id": str(media.id)}]
    entries = await gallery.app.audit(target_type="media")
    assert [(e.action, e.target_id) for e in entries] == [("media.upload", str(media.id))]
