"""Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...) through boto3, off the event loop.

Credentials come the standard AWS ways (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, a
profile, an instance role); bucket, prefix, endpoint, region and public URL come from STORAGE_URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, BinaryIO
from urllib.parse import quote

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from adapters.files.keys import checked_key, is_key
from core.shared.errors import NotFound
from ports.files import StoredFile

CACHE_CONTROL = "public, max-age=31536000, immutable"
_MISSING = ("404", "NoSuchKey", "NotFound")


class S3FileStorage:
    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 region: str | None = None, public_url: str | None = None) -> None:  # fmt: skip
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.region = region
        style = "path" if endpoint_url else "auto"  # S3-compatible servers rarely have per-bucket host names
        self.client: Any = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            config=Config(s3={"addressing_style": style}, retries={"max_attempts": 3, "mode": "standard"}),
        )  # fmt: skip
        if public_url:
            self.public_base = public_url if public_url.endswith("/") else public_url + "/"
        elif endpoint_url:
            self.public_base = f"{endpoint_url.rstrip('/')}/{bucket}/"
        else:
            self.public_base = f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com/"

    def _object(self, key: str) -> str:
        return self.prefix + checked_key(key)

    async def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        name = self._object(key)
        extra = {"ContentType": content_type, "CacheControl": CACHE_CONTROL}
        if isinstance(data, bytes | bytearray | memoryview):
            await asyncio.to_thread(self.client.put_object, Bucket=self.bucket, Key=name, Body=bytes(data), **extra)
        else:  # S3 writes are atomic: a reader sees the old object or the whole new one
            await asyncio.to_thread(self.client.upload_fileobj, data, self.bucket, name, ExtraArgs=extra)

    async def _get(self, key: str) -> Any:
        if not is_key(key):
            raise NotFound(f"no file {key[:100]!r}")
        try:
            return await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=self._object(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFound(f"no file {key[:100]!r}") from None
            raise

    async def read(self, key: str) -> bytes:
        body = (await self._get(key))["Body"]
        try:
            return await asyncio.to_thread(body.read)  # type: ignore[no-any-return]
        finally:
            body.close()

    async def stream(self, key: str, chunk_size: int = 64 * 1024) -> AsyncIterator[bytes]:
        body = (await self._get(key))["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, chunk_size):
                yield chunk
        finally:
            body.close()

    async def stat(self, key: str) -> StoredFile | None:
        if not is_key(key):
            return None
        try:
            head = await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=self._object(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return StoredFile(key, int(head["ContentLength"]), head.get("ContentType") or "application/octet-stream")

    async def delete(self, key: str) -> None:
        if is_key(key):
            await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self._object(key))

    def public_url(self, key: str) -> str:
        return self.public_base + quote(self._object(key))
