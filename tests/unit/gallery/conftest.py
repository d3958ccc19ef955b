"""Gallery fixtures: the catalog `Shop` plus upload and placement steps through the staff use cases, on memory
storage with the real Pillow processor and the local-directory file storage under the test's var/."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from bootstrap import Settings
from core.gallery.model import Media
from core.gallery.use_cases.images import AttachImage, NewImage, PlacedImage
from core.gallery.use_cases.media import NewMedia, UploadMedia
from ports.files import FileStorage
from tests.unit.catalog.conftest import STAFF, Shop
from tests.unit.conftest import App
from tests.unit.gallery import pictures


class Gallery(Shop):
    @property
    def files(self) -> FileStorage:
        return self.app.container.resolve(FileStorage)  # type: ignore[no-any-return]

    async def upload(self, data: bytes | None = None, alt_text: str = "") -> Media:
        return await self.app.use(UploadMedia)(NewMedia(STAFF, pictures.png() if data is None else data, alt_text))

    async def attach(self, product_id: uuid.UUID, media_id: uuid.UUID, **fields: Any) -> PlacedImage:
        return await self.app.use(AttachImage)(NewImage(STAFF, product_id, media_id, **fields))

    def stored_files(self) -> list[str]:
        """Every file in the local media directory, as keys."""
        root = Path(self.app.container.resolve(Settings).var_dir) / "media"
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def gallery(app: App) -> Gallery:
    return Gallery(app)
