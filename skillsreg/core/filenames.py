"""File names fit for a download header or a remote path: pure functions, no Flask."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Besides letters, marks and digits of any script: dashes (hyphen, en and em dash), brackets,
# typographic quotes, currency signs, the apostrophe (O'Brien) and a few harmless ASCII marks.
# Double quotes, controls, invisible format characters (bidirectional overrides) and what a path
# or a header treats specially (/ \ : * ? " < > | ; %) are replaced.
_KEPT_CATEGORIES = frozenset({"Pd", "Pc", "Ps", "Pe", "Pi", "Pf", "Sc"})
_KEPT_CHARACTERS = frozenset(" .,!&@#+=~'")


def _kept(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LMN" or category in _KEPT_CATEGORIES or char in _KEPT_CHARACTERS


def safe_filename(filename: str) -> str:
    """A file name without folders or characters that need quoting, keeping its extension.

    Letters of every script and ordinary punctuation stay ("Évaluation \u2013 café (v2).pdf" is
    kept as it is); each run of other characters becomes one _.
    """
    base = unicodedata.normalize("NFC", filename).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    # Spaces of any width become plain spaces; tabs and line breaks are controls and go.
    marked = "".join(
        " " if unicodedata.category(char) == "Zs" else char if _kept(char) else "\0"
        for char in base
    )
    cleaned = re.sub("\0+", "_", marked).strip(" .")
    cleaned = re.sub(r"\s+", " ", cleaned)
    if len(cleaned) > 150:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = f"{stem[: 140 - len(ext)]}{dot}{ext}" if dot else cleaned[:150]
    return cleaned or "file"


def renamed(filename: str) -> str | None:
    """The name a file is stored under, if it differs from the one it was sent with."""
    name = safe_filename(filename)
    return name if name != unicodedata.normalize("NFC", filename) else None


def content_disposition(filename: str) -> str:
    """An attachment header for a file name (RFC 6266): ASCII fallback plus UTF-8 filename*."""
    fallback = re.sub(r"[^A-Za-z0-9._ -]+", "_", safe_filename(filename)).strip(" ._") or "file"
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
