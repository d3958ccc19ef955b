"""The FileStorage contract, here on the local directory; test_files_s3.py runs the same class against S3."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from adapters.files import storage_from_url
from adapters.files.local import LocalFileStorage
from adapters.files.s3 import S3FileStorage
from core.shared.errors import NotFound
from ports.files import FileStorage

BAD_KEYS = ["", "../escape.txt", "media/../../escape.txt", "/etc/passwd", "a//b", "a/./b", "a/..", ".",
            "a\\b", "..\\x", "key with space", "ünicode", "%2e%2e/x", "a/" + "x" * 600]  # fmt: skip
JPEG = "image/jpeg"


class FileStorageContract:
    """What every FileStorage adapter does. Subclasses provide the `storage` fixture."""

    async def test_put_then_read_and_stat(self, storage: FileStorage) -> None:
        await storage.put("media/a/original.jpg", b"\xff\xd8\xffdata", JPEG)
        assert await storage.read("media/a/original.jpg") == b"\xff\xd8\xffdata"
        found = await storage.stat("media/a/original.jpg")
        assert found is not None and (found.key, found.size, found.content_type) == ("media/a/original.jpg", 7, JPEG)

    async def test_put_replaces_and_takes_a_file_object(self, storage: FileStorage) -> None:
        await storage.put("k/file.png", b"old", "image/png")
        await storage.put("k/file.png", io.BytesIO(b"new and longer"), "image/png")
        assert await storage.read("k/file.png") == b"new and longer"
        assert (await storage.stat("k/file.png")).size == 14  # type: ignore[union-attr]

    async def test_stream_yields_the_file_in_chunks(self, storage: FileStorage) -> None:
        data = os.urandom(200_000)
        await storage.put("big.webp", data, "image/webp")
        chunks = [c async for c in storage.stream("big.webp", chunk_size=64 * 1024)]
        assert b"".join(chunks) == data and len(chunks) >= 4

    async def test_missing_files(self, storage: FileStorage) -> None:
        assert await storage.stat("no/such.jpg") is None
        with pytest.raises(NotFound):
            await storage.read("no/such.jpg")
        with pytest.raises(NotFound):
            [c async for c in storage.stream("no/such.jpg")]
        await storage.delete("no/such.jpg")  # no error

    async def test_delete(self, storage: FileStorage) -> None:
        await storage.put("gone.png", b"x", "image/png")
        await storage.delete("gone.png")
        assert await storage.stat("gone.png") is None
        with pytest.raises(NotFound):
            await storage.read("gone.png")

    @pytest.mark.parametrize("key", BAD_KEYS)
    async def test_keys_that_could_escape_are_refused(self, storage: FileStorage, key: str) -> None:
        with pytest.raises(ValueError):
            await storage.put(key, b"x", "text/plain")
        assert await storage.stat(key) is None
        with pytest.raises(NotFound):
            await storage.read(key)
        await storage.delete(key)

    async def test_public_url_ends_with_the_key(self, storage: FileStorage) -> None:
        assert storage.public_url("media/ab/200.webp").endswith("/media/ab/200.webp")


class TestLocalDirectory(FileStorageContract):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> FileStorage:
        return LocalFileStorage(tmp_path / "media")

    async def test_files_land_under_the_root_and_are_served_under_media(self, tmp_path: Path) -> None:
        storage = LocalFileStorage(tmp_path / "media")
        await storage.put("media/x/original.png", b"png", "image/png")
        assert (tmp_path / "media" / "media" / "x" / "original.png").read_bytes() == b"png"
        assert storage.public_url("media/x/original.png") == "/media/media/x/original.png"
        assert not list((tmp_path / "media").rglob("*.part"))  # no temporary file left

    async def test_a_failed_write_keeps_the_old_file_whole(self, tmp_path: Path) -> None:
        storage = LocalFileStorage(tmp_path)

        class Broken(io.RawIOBase):
            calls = 0

            def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
                self.calls += 1
                if self.calls > 1:
                    raise OSError("connection reset")
                buffer[:4] = b"half"
                return 4

        await storage.put("f.jpg", b"the old file", JPEG)
        with pytest.raises(OSError):
            await storage.put("f.jpg", io.BufferedReader(Broken()), JPEG)
        assert await storage.read("f.jpg") == b"the old file"
        assert [p.name for p in tmp_path.iterdir()] == ["f.jpg"]  # noqa: ASYNC240

    async def test_a_symlink_out_of_the_root_is_not_followed(self, tmp_path: Path) -> None:
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "secret.txt").write_text("secret")
        root = tmp_path / "root"
        root.mkdir()
        (root / "link").symlink_to(outside)
        storage = LocalFileStorage(root)
        assert await storage.stat("link/secret.txt") is None
        with pytest.raises(NotFound):
            await storage.read("link/secret.txt")
        with pytest.raises(ValueError):
            await storage.put("link/new.txt", b"x", "text/plain")
        assert not (outside / "new.txt").exists()


def test_storage_url_picks_the_adapter(tmp_path: Path) -> None:
    default = storage_from_url(None, tmp_path)
    assert isinstance(default, LocalFileStorage) and default.root == (tmp_path / "media").resolve()
    assert isinstance(storage_from_url("", tmp_path), LocalFileStorage)
    chosen = storage_from_url(f"file://{tmp_path}/files?public_url=https://shop.example.com/files/", "/unused")
    assert isinstance(chosen, LocalFileStorage) and chosen.root == (tmp_path / "files").resolve()
    assert chosen.public_url("a/b.jpg") == "https://shop.example.com/files/a/b.jpg"
    s3 = storage_from_url("s3://shop-media/prod/v1?endpoint_url=http://127.0.0.1:9000&region=eu-central-1"
                          "&public_url=https://cdn.example.com", tmp_path)  # fmt: skip
    assert isinstance(s3, S3FileStorage) and (s3.bucket, s3.prefix, s3.region) == (
        "shop-media",
        "prod/v1/",
        "eu-central-1",
    )
    assert s3.public_url("a/b.jpg") == "https://cdn.example.com/prod/v1/a/b.jpg"
    plain = storage_from_url("s3://shop-media?endpoint_url=http://minio:9000", tmp_path)
    assert plain.public_url("a/b.jpg") == "http://minio:9000/shop-media/a/b.jpg"
    aws = storage_from_url("s3://shop-media?region=eu-central-1", tmp_path)
    assert aws.public_url("a/b.jpg") == "https://shop-media.s3.eu-central-1.amazonaws.com/a/b.jpg"
    for bad in ("ftp://x/y", "s3://?region=x", "s3://b?colour=red", "file:///x?region=y"):
        with pytest.raises(ValueError):
            storage_from_url(bad, tmp_path)
