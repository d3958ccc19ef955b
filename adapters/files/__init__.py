"""File storage adapters, chosen by STORAGE_URL.

- unset, empty or `file:` without a path: a local directory, `<VAR_DIR>/media`, served by the API at `/media/`;
- `file:///srv/carsi/media`: that local directory;
- `s3://bucket/optional/prefix?endpoint_url=http://127.0.0.1:9000&region=eu-central-1&public_url=https://cdn.example.com/`:
  an S3-compatible bucket (all query parameters optional; credentials from the standard AWS environment).

`public_url` (for either) is the base of the URLs handed to browsers, e.g. a CDN in front of the files.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ports.files import FileStorage

_S3_OPTIONS = {"endpoint_url", "region", "public_url"}


def storage_from_url(url: str | None, var_dir: str | Path) -> FileStorage:
    parts = urlsplit(url or "file:")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme == "file":
        unknown = set(options) - {"public_url"}
        if unknown or parts.netloc not in ("", "localhost"):
            raise ValueError(f"STORAGE_URL: file URLs take a path and ?public_url= only, not {sorted(unknown)}")
        from adapters.files.local import LocalFileStorage

        root = Path(unquote(parts.path)) if parts.path else Path(var_dir) / "media"
        return LocalFileStorage(root, options.get("public_url", "/media/"))
    if parts.scheme == "s3":
        unknown = set(options) - _S3_OPTIONS
        if not parts.netloc or unknown:
            raise ValueError("STORAGE_URL: s3://bucket/prefix?endpoint_url=&region=&public_url= "
                             f"(unknown: {sorted(unknown)})")  # fmt: skip
        from adapters.files.s3 import S3FileStorage

        return S3FileStorage(parts.netloc, unquote(parts.path), endpoint_url=options.get("endpoint_url"),
                             region=options.get("region"), public_url=options.get("public_url"))  # fmt: skip
    raise ValueError(f"STORAGE_URL: unsupported scheme {parts.scheme!r} (use file: or s3:)")
