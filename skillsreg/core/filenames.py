"""File names fit for a download header or a remote path: pure functions, no Flask."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def safe_filename(filename: str) -> str:
    """A file name without folders or characters that need quoting, keeping its extension."""
    base = unicodedata.normalize("NFC", filename).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    # Letters and digits of any script stay (a Welsh or French name is kept); quotes, controls,
    # bidirectional overrides and anything a header or a path would treat specially go.
    cleaned = re.sub(r"[^\w. -]+", "_", base).strip(" .")
    cleaned = re.sub(r"\s+", " ", cleaned)
    if len(cleaned) > 150:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = f"{stem[: 140 - len(ext)]}{dot}{ext}" if dot else cleaned[:150]
    return cleaned or "file"


def content_disposition(filename: str) -> str:
    """An attachment header for a file name (RFC 6266): ASCII fallback plus UTF-8 filename*."""
    fallback = re.sub(r"[^A-Za-z0-9._ -]+", "_", safe_filename(filename)).strip(" ._") or "file"
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
