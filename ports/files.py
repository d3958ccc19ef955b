"""Where uploaded files live: a local directory (the embedded default) or an S3-compatible bucket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import BinaryIO, Protocol

import attrs


@attrs.frozen
class StoredFile:
    key: str
    size: int
    content_type: str


class FileStorage(Protocol):
    """Files under keys such as `media/<id>/original.jpg`: ASCII letters, digits, `.`, `_`, `-` and `/`
    between non-empty segments, never `.` or `..` (a key never leaves the storage's root).

    A key that breaks these rules is a ValueError on `put`, and simply not found when read."""

    async def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        """Store the bytes (or a binary file object, read to its end) under `key`, replacing what was there;
        readers see the old file or the new one, never a half-written one."""
        ...

    async def read(self, key: str) -> bytes:
        """The whole file, or NotFound."""
        ...

    def stream(self, key: str, chunk_size: int = 64 * 1024) -> AsyncIterator[bytes]:
        """The file in chunks (for serving it), or NotFound when iteration starts."""
        ...

    async def stat(self, key: str) -> StoredFile | None: ...
    async def delete(self, key: str) -> None:
        """Remove the file; a missing one is no error."""
        ...

    def public_url(self, key: str) -> str:
        """Where browsers fetch the file: `/media/<key>` served by the API for the local directory, the bucket's
        (or a CDN's) URL for S3."""
        ...
