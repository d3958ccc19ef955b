"""Test images made in memory with Pillow: what staff upload, good and bad."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def jpeg_with_gps(width: int = 640, height: int = 480) -> bytes:
    """A JPEG taken "in Istanbul", rotated by its EXIF orientation (6: turn 90° clockwise), with a comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (41.0, 0.0, 36.0), 3: "E", 4: (28.0, 58.0, 48.0)}
    return encoded(Image.new("RGB", (width, height), (200, 30, 30)), "JPEG", exif=exif, comment=b"secret note")


def png(width: int = 300, height: int = 200) -> bytes:
    return encoded(Image.new("RGBA", (width, height), (10, 120, 200, 128)), "PNG")


def webp(width: int = 1200, height: int = 900) -> bytes:
    return encoded(Image.new("RGB", (width, height), (20, 160, 60)), "WEBP", xmp=b"<x:xmpmeta>secret</x:xmpmeta>")


def gif() -> bytes:
    return encoded(Image.new("P", (50, 50)), "GIF")


def truncated_jpeg() -> bytes:
    noisy = Image.effect_noise((400, 400), 80).convert("RGB")
    data = encoded(noisy, "JPEG", quality=95)
    return data[: len(data) // 2]


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
            + chunk(b"IEND", b""))  # fmt: skip


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
