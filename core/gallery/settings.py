from __future__ import annotations

from core.shared.settings import declare

MAX_UPLOAD_BYTES = declare("media.max_upload_bytes", int, 10 * 1024 * 1024,
                           "Largest image file staff may upload, in bytes (413 above).",
                           min=1024, max=200 * 1024 * 1024)  # fmt: skip
MAX_PIXELS = declare("media.max_pixels", int, 40_000_000,
                     "Largest image staff may upload, in pixels (width x height); more is refused as a possible "
                     "decompression bomb.", min=1, max=89_000_000)  # fmt: skip
