"""The FileStorage contract against S3: moto's server started by the fixture, or TEST_S3_URL when set."""

from __future__ import annotations

import uuid

import httpx
import pytest

from adapters.files import storage_from_url
from adapters.files.s3 import CACHE_CONTROL, S3FileStorage
from ports.files import FileStorage
from tests.integration.s3 import s3_storage_url, with_prefix
from tests.integration.test_files_local import FileStorageContract

__all__ = ["s3_storage_url"]  # the session fixture, used below


class TestS3Bucket(FileStorageContract):
    @pytest.fixture
    def storage(self, s3_storage_url: str) -> FileStorage:
        """A fresh prefix per test in the shared bucket."""
        return storage_from_url(with_prefix(s3_storage_url, f"test-{uuid.uuid4().hex[:12]}"), "/unused")

    async def test_objects_carry_their_type_and_a_long_cache_lifetime(self, storage: FileStorage) -> None:
        assert isinstance(storage, S3FileStorage)
        await storage.put("media/x/original.webp", b"RIFF....WEBP", "image/webp")
        head = storage.client.head_object(Bucket=storage.bucket, Key=storage.prefix + "media/x/original.webp")
        assert (head["ContentType"], head["CacheControl"]) == ("image/webp", CACHE_CONTROL)

    async def test_public_urls_point_at_the_bucket_under_the_prefix(self, storage: FileStorage) -> None:
        assert isinstance(storage, S3FileStorage)
        await storage.put("media/y/200.webp", b"thumb", "image/webp")
        url = storage.public_url("media/y/200.webp")
        assert url.endswith(f"/{storage.prefix}media/y/200.webp")
        async with httpx.AsyncClient() as client:  # without credentials, as a browser fetches it
            fetched = await client.get(url)
        assert (fetched.status_code, fetched.content) == (200, b"thumb")
