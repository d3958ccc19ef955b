"""What the gallery use cases need: media and product-image repositories, and an image processor."""

from __future__ import annotations

import uuid
from typing import Protocol

import attrs

from core.gallery.model import Media, ProductImage
from core.shared.pagination import Page, PageRequest


class MediaRepository(Protocol):
    async def add(self, media: Media) -> None: ...
    async def get(self, media_id: uuid.UUID) -> Media:
        """The live media item, or NotFound."""
        ...

    async def of_ids(self, media_ids: list[uuid.UUID]) -> list[Media]: ...
    async def list(self, page: PageRequest) -> Page[Media]:
        """Newest first."""
        ...


class ProductImageRepository(Protocol):
    async def add(self, image: ProductImage) -> None: ...
    async def get(self, image_id: uuid.UUID) -> ProductImage: ...
    async def of_product(self, product_id: uuid.UUID) -> list[ProductImage]:
        """The product's live images by `sorting`, then when they were attached."""
        ...

    async def uses_media(self, media_id: uuid.UUID) -> bool:
        """Whether a live image of a live (not deleted) product shows this media item."""
        ...


@attrs.frozen
class ProcessedImage:
    data: bytes
    content_type: str  # image/jpeg, image/png or image/webp
    width: int
    height: int


class ImageProcessor(Protocol):
    async def clean(self, data: bytes, *, max_pixels: int) -> ProcessedImage:
        """The image re-encoded in its own format (JPEG, PNG or WebP, told from the content, never the name),
        turned upright by its EXIF orientation and stripped of every metadata (EXIF with GPS, XMP, comments).

        Invalid naming `file` with code `unsupported_media_type` (not one of those formats), `image_corrupt`
        (it does not decode) or `image_too_large` (more than `max_pixels` pixels: a decompression bomb)."""
        ...

    async def thumbnail(self, data: bytes, longest_side: int) -> ProcessedImage:
        """A WebP no larger than `longest_side` on either side (never enlarged)."""
        ...
