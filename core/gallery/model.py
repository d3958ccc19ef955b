"""Media: images staff upload (stored re-encoded, metadata stripped) and their places on products and variants."""

from __future__ import annotations

import uuid
from typing import Any

import attrs

from core.catalog.events import CatalogChanged
from core.gallery.events import MediaUploaded
from core.shared.entity import Entity
from core.shared.errors import Invalid

THUMBNAIL_SIZES = (200, 800)
"""Longest side, in pixels, of the WebP thumbnails made for every image."""

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
"""What uploads may be (detected from the content) and the file extension each is stored with."""


def alt_text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid.field("alt_text", "must be text")
    stripped: str = value.strip()
    if len(stripped) > 300:
        raise Invalid.field("alt_text", "must be at most 300 characters")
    if "\x00" in stripped:
        raise Invalid.field("alt_text", "must not contain NUL characters")
    return stripped


def original_key(media_id: uuid.UUID, content_type: str) -> str:
    return f"media/{media_id.hex}/original.{IMAGE_TYPES[content_type]}"


def thumbnail_key(media_id: uuid.UUID, size: int) -> str:
    """The same key for the same image and size: a job that runs twice overwrites, it never piles up."""
    return f"media/{media_id.hex}/{size}.webp"


@attrs.define(slots=False, eq=False, kw_only=True)
class Media(Entity):
    """One stored image: the cleaned original under `storage_key`, its thumbnails (size -> key) once made."""

    storage_key: str
    content_type: str
    width: int
    height: int
    size: int
    alt_text: str = ""
    thumbnails: dict[str, str] = attrs.field(factory=dict)

    def uploaded(self) -> None:
        self.record(MediaUploaded(media_id=self.id))

    def stored_keys(self) -> list[str]:
        return [self.storage_key, *self.thumbnails.values()]

    def describe(self, text: str) -> dict[str, Any]:
        if text == self.alt_text:
            return {}
        before, self.alt_text = self.alt_text, text
        self._changed()
        return {"alt_text": [before, text]}

    def set_thumbnails(self, made: dict[str, str]) -> None:
        if made != self.thumbnails:
            self.thumbnails = dict(made)
            self._changed()

    def remove(self, by: uuid.UUID | None) -> None:
        self.delete(by)
        self._changed()

    def _changed(self) -> None:
        self.record(CatalogChanged(entity="media", entity_id=self.id, action="updated"))


@attrs.define(slots=False, eq=False, kw_only=True)
class ProductImage(Entity):
    """A media item shown on a product (and, with `variant_id`, for one of its variants), in `sorting` order.
    Its own `alt_text` wins over the media's when not empty."""

    product_id: uuid.UUID
    media_id: uuid.UUID
    variant_id: uuid.UUID | None = None
    sorting: int = 0
    alt_text: str = ""

    def attached(self) -> None:
        self._changed()

    def revise(self, **values: Any) -> dict[str, Any]:
        changes = self.set_fields(values)
        if changes:
            self._changed()
        return changes

    def remove(self, by: uuid.UUID | None) -> None:
        self.delete(by)
        self._changed()

    def _changed(self) -> None:
        """The product's page changed: its caches and search entry follow."""
        self.record(CatalogChanged(entity="product", entity_id=self.product_id, action="updated"))
