"""Staff routes for images (`catalog.manage`): uploads, their alt text, and their places on products. Also the
public file route that serves what the local-directory storage holds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import attrs
import punq
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from core.gallery.model import Media
from core.gallery.use_cases.images import (
    AttachImage,
    ChangeImage,
    DetachImage,
    ImageRemoval,
    ImageRevision,
    ListProductImages,
    NewImage,
    PlacedImage,
)
from core.gallery.use_cases.media import (
    ChangeMedia,
    DeleteMedia,
    GetMedia,
    ListMedia,
    MediaRemoval,
    MediaRevision,
    NewMedia,
    UploadLimit,
    UploadMedia,
)
from core.shared.errors import NotFound
from entrypoints.http.api import Ctx, Items, PageOut, PageQuery, Routes, Upload, page_out, page_request
from entrypoints.http.errors import PayloadTooLarge, problem
from entrypoints.http.routes.catalog import changes
from ports.files import FileStorage

routes = Routes("staff: media")
MANAGE = "catalog.manage"
ADMIN = "/api/v1/admin"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries, part headers and the alt text around the file
CACHE_FOREVER = "public, max-age=31536000, immutable"  # a key's content never changes: new images get new keys


@attrs.frozen
class MediaForm:
    """multipart/form-data: the image as the `file` part (JPEG, PNG or WebP, told from its content), and an
    optional `alt_text` part."""

    file: Upload
    alt_text: str = ""


@attrs.frozen
class MediaOut:
    """An uploaded image, re-encoded without metadata; `thumbnails` (longest side -> URL, WebP) appear once the
    job that makes them has run."""

    id: uuid.UUID
    url: str
    content_type: str
    width: int
    height: int
    size: int
    alt_text: str
    thumbnails: dict[str, str]
    created_at: datetime
    updated_at: datetime


@attrs.frozen
class MediaPatch:
    alt_text: str


def media_out(files: FileStorage, m: Media) -> MediaOut:
    thumbs = {size: files.public_url(key) for size, key in sorted(m.thumbnails.items(), key=lambda i: int(i[0]))}
    return MediaOut(m.id, files.public_url(m.storage_key), m.content_type, m.width, m.height, m.size, m.alt_text,
                    thumbs, m.created_at, m.updated_at)  # fmt: skip


@routes.post(f"{ADMIN}/media", form=MediaForm, response=MediaOut, status=201, permission=MANAGE,
             idempotency="none", errors=(413,))  # fmt: skip
async def upload_media(ctx: Ctx) -> MediaOut:
    """Upload an image (multipart/form-data, `file` and optional `alt_text`) up to the `media.max_upload_bytes`
    runtime setting (413 `file_too_large` above). Its metadata (EXIF with GPS, XMP, comments) is stripped and it
    is turned upright; anything but a JPEG, PNG or WebP is 422 `unsupported_media_type`, a damaged file 422
    `image_corrupt`, one of more than `media.max_pixels` pixels 422 `image_too_large`."""
    limit = await ctx.use(UploadLimit)()
    form: MediaForm = await ctx.form(MediaForm, max_bytes=limit + FORM_OVERHEAD)
    if len(form.file.data) > limit:
        raise PayloadTooLarge(f"the file is larger than {limit} bytes", code="file_too_large")
    media = await ctx.use(UploadMedia)(NewMedia(ctx.me, form.file.data, form.alt_text))
    return media_out(ctx.use(FileStorage), media)  # type: ignore[type-abstract]


@routes.get(f"{ADMIN}/media", query=PageQuery, response=PageOut[MediaOut], permission=MANAGE)
async def list_media(ctx: Ctx) -> PageOut[MediaOut]:
    """Uploaded images, newest first."""
    files: FileStorage = ctx.use(FileStorage)  # type: ignore[type-abstract]
    return page_out(await ctx.use(ListMedia)(page_request(ctx.query)), lambda m: media_out(files, m))


@routes.get(f"{ADMIN}/media/{{media_id:uuid}}", response=MediaOut, permission=MANAGE)
async def get_media(ctx: Ctx) -> MediaOut:
    """One uploaded image."""
    return media_out(ctx.use(FileStorage), await ctx.use(GetMedia)(ctx.params["media_id"]))  # type: ignore[type-abstract]


@routes.patch(f"{ADMIN}/media/{{media_id:uuid}}", body=MediaPatch, response=MediaOut, permission=MANAGE)
async def change_media(ctx: Ctx) -> MediaOut:
    """Change an image's alt text (products show it unless their own placement gives one)."""
    media = await ctx.use(ChangeMedia)(MediaRevision(ctx.me, ctx.params["media_id"], ctx.body.alt_text))
    return media_out(ctx.use(FileStorage), media)  # type: ignore[type-abstract]


@routes.delete(f"{ADMIN}/media/{{media_id:uuid}}", status=204, permission=MANAGE, errors=(409,))
async def delete_media(ctx: Ctx) -> None:
    """Delete an image and its files; one still shown on a product is 409 `media_in_use`."""
    await ctx.use(DeleteMedia)(MediaRemoval(ctx.me, ctx.params["media_id"]))


# --- images on products -----------------------------------------------------------------------------------

PRODUCT_IMAGES = f"{ADMIN}/catalog/products/{{product_id:uuid}}/images"


@attrs.frozen
class ImageIn:
    """`variant_id` shows the image for one of the product's variants; without `sorting` it goes last."""

    media_id: uuid.UUID
    variant_id: uuid.UUID | None = None
    sorting: int | None = None
    alt_text: str = ""


@attrs.frozen
class ImagePatch:
    """Send only what changes; `variant_id: null` shows the image for the whole product."""

    variant_id: uuid.UUID | None = None
    sorting: int | None = None
    alt_text: str | None = None


@attrs.frozen
class ProductImageOut:
    id: uuid.UUID
    product_id: uuid.UUID
    media_id: uuid.UUID
    variant_id: uuid.UUID | None
    sorting: int
    alt_text: str
    url: str
    thumbnails: dict[str, str]


def image_out(files: FileStorage, placed: PlacedImage) -> ProductImageOut:
    i, media = placed.image, media_out(files, placed.media)
    return ProductImageOut(i.id, i.product_id, i.media_id, i.variant_id, i.sorting, i.alt_text, media.url,
                           media.thumbnails)  # fmt: skip


@routes.post(PRODUCT_IMAGES, body=ImageIn, response=ProductImageOut, status=201, permission=MANAGE)
async def attach_image(ctx: Ctx) -> ProductImageOut:
    """Show an uploaded image on a product (or one of its variants: another product's variant is 422)."""
    b: ImageIn = ctx.body
    cmd = NewImage(ctx.me, ctx.params["product_id"], b.media_id, b.variant_id, b.sorting, b.alt_text)
    return image_out(ctx.use(FileStorage), await ctx.use(AttachImage)(cmd))  # type: ignore[type-abstract]


@routes.get(PRODUCT_IMAGES, response=Items[ProductImageOut], permission=MANAGE)
async def list_product_images(ctx: Ctx) -> Items[ProductImageOut]:
    """A product's images by `sorting`."""
    files: FileStorage = ctx.use(FileStorage)  # type: ignore[type-abstract]
    return Items([image_out(files, p) for p in await ctx.use(ListProductImages)(ctx.params["product_id"])])


@routes.patch(f"{PRODUCT_IMAGES}/{{image_id:uuid}}", body=ImagePatch, response=ProductImageOut, permission=MANAGE)
async def change_image(ctx: Ctx) -> ProductImageOut:
    """Reorder an image, change its alt text or the variant it is for."""
    cmd = ImageRevision(ctx.me, ctx.params["product_id"], ctx.params["image_id"], changes(ctx))
    return image_out(ctx.use(FileStorage), await ctx.use(ChangeImage)(cmd))  # type: ignore[type-abstract]


@routes.delete(f"{PRODUCT_IMAGES}/{{image_id:uuid}}", status=204, permission=MANAGE)
async def detach_image(ctx: Ctx) -> None:
    """Take an image off the product (the upload stays)."""
    await ctx.use(DetachImage)(ImageRemoval(ctx.me, ctx.params["product_id"], ctx.params["image_id"]))


# --- the public files -------------------------------------------------------------------------------------


def file_server(container: punq.Container) -> Callable[[Request], Awaitable[Response]]:
    """`GET /media/{key}`: a stored file with its type, a long cache lifetime and no sniffing. Keys that try
    to leave the storage (`..`, absolute paths, odd characters) are simply not found."""

    async def serve(request: Request) -> Response:
        files: FileStorage = container.resolve(FileStorage)
        key: str = request.path_params["key"]
        found = await files.stat(key)
        if found is None:
            return problem(404, "not_found", "no such file")
        chunks = files.stream(key)
        try:
            first = await anext(chunks, b"")
        except NotFound:
            return problem(404, "not_found", "no such file")

        async def body() -> AsyncIterator[bytes]:
            yield first
            async for chunk in chunks:
                yield chunk

        headers = {"Cache-Control": CACHE_FOREVER, "X-Content-Type-Options": "nosniff",
                   "Content-Security-Policy": "default-src 'none'", "Content-Length": str(found.size)}  # fmt: skip
        return StreamingResponse(body(), headers=headers, media_type=found.content_type)

    return serve
