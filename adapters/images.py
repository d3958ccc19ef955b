"""Images with Pillow: told apart by their content, verified, turned upright, re-encoded without metadata."""

from __future__ import annotations

import asyncio
import io
import warnings

from PIL import Image, ImageOps

from core.shared.errors import Invalid
from ports.gallery import ProcessedImage

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def sniff(data: bytes) -> str | None:
    """The Pillow format the magic bytes announce, if it is one we take."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _refuse(code: str, msg: str) -> Invalid:
    return Invalid.field("file", msg, code=code)


def _decoded(data: bytes, fmt: str, max_pixels: int) -> Image.Image:
    """The first frame, fully decoded and upright, after Pillow's own integrity check."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
                if probe.width * probe.height > max_pixels:
                    raise _refuse("image_too_large", f"the image has more than {max_pixels} pixels")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                upright.load()
                return upright
        except Invalid:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("image_too_large", "the image is too large to decode (a decompression bomb?)") from None
        except Exception:  # noqa: BLE001  (Pillow's decoders raise many kinds for a damaged file)
            raise _refuse("image_corrupt", "the file is damaged or truncated and does not decode") from None


def _pixels_only(image: Image.Image, fmt: str) -> Image.Image:
    """A new image holding only the pixels (and nothing of the file's metadata), in a mode `fmt` can store."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if fmt == "JPEG":
        mode = "L" if image.mode == "L" else "RGB"
    elif image.mode in ("L", "RGB", "RGBA", "LA") and not (fmt == "WEBP" and image.mode in ("L", "LA")):
        mode = image.mode
    else:
        mode = "RGBA" if alpha else "RGB"
    converted = image if image.mode == mode else image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=88, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85, method=4)
    return out.getvalue()


def clean(data: bytes, max_pixels: int) -> ProcessedImage:
    fmt = sniff(data)
    if fmt is None:
        raise _refuse("unsupported_media_type", "only JPEG, PNG and WebP images are taken")
    decoded = _decoded(data, fmt, max_pixels)
    try:
        image = _pixels_only(decoded, fmt)
        return ProcessedImage(_encode(image, fmt), FORMATS[fmt], image.width, image.height)
    except Exception:  # noqa: BLE001  (an exotic pixel layout Pillow cannot turn into one we store)
        raise _refuse("image_corrupt", "the image's pixel format cannot be stored") from None


def thumbnail(data: bytes, longest_side: int) -> ProcessedImage:
    fmt = sniff(data)
    if fmt is None:
        raise _refuse("unsupported_media_type", "only JPEG, PNG and WebP images are taken")
    image = _pixels_only(_decoded(data, fmt, Image.MAX_IMAGE_PIXELS or 89_478_485), "WEBP")
    image.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    return ProcessedImage(_encode(image, "WEBP"), "image/webp", image.width, image.height)


class PillowImages:
    """The ImageProcessor port; decoding is CPU work, done in a worker thread."""

    async def clean(self, data: bytes, *, max_pixels: int) -> ProcessedImage:
        return await asyncio.to_thread(clean, data, max_pixels)

    async def thumbnail(self, data: bytes, longest_side: int) -> ProcessedImage:
        return await asyncio.to_thread(thumbnail, data, longest_side)
