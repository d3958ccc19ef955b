"""Files in a local directory (the embedded default, `var/media`), served by the API under `/media/`."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from adapters.files.keys import checked_key, content_type_of
from core.shared.errors import NotFound
from ports.files import StoredFile


class LocalFileStorage:
    """Writes go to a temporary file in the target's directory, then rename over it (atomic on POSIX), so a
    reader never sees half a file. Keys are checked and the resolved path must stay under the root."""

    def __init__(self, root: str | Path, public_base: str = "/media/") -> None:
        self.root = Path(root).resolve()
        self.public_base = public_base if public_base.endswith("/") else public_base + "/"

    def _path(self, key: str) -> Path:
        path = (self.root / checked_key(key)).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"not a storage key: {key[:100]!r}")
        return path

    def _found(self, key: str) -> Path | None:
        try:
            path = self._path(key)
        except ValueError:
            return None
        return path if path.is_file() else None

    async def put(self, key: str, data: bytes | BinaryIO, content_type: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(self._write, path, data)

    @staticmethod
    def _write(path: Path, data: bytes | BinaryIO) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    async def read(self, key: str) -> bytes:
        path = self._found(key)
        if path is None:
            raise NotFound(f"no file {key[:100]!r}")
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise NotFound(f"no file {key[:100]!r}") from None

    async def stream(self, key: str, chunk_size: int = 64 * 1024) -> AsyncIterator[bytes]:
        path = self._found(key)
        if path is None:
            raise NotFound(f"no file {key[:100]!r}")
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise NotFound(f"no file {key[:100]!r}") from None
        try:
            while chunk := await asyncio.to_thread(handle.read, chunk_size):
                yield chunk
        finally:
            handle.close()

    async def stat(self, key: str) -> StoredFile | None:
        path = self._found(key)
        if path is None:
            return None
        try:
            size = (await asyncio.to_thread(path.stat)).st_size
        except FileNotFoundError:
            return None
        return StoredFile(key, size, content_type_of(key))

    async def delete(self, key: str) -> None:
        path = self._found(key)
        if path is not None:
            await asyncio.to_thread(path.unlink, missing_ok=True)

    def public_url(self, key: str) -> str:
        return self.public_base + quote(checked_key(key))
