"""Pure rules of the library: which files may be uploaded, their names, tags and media types."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable

from skillsreg.core.filenames import safe_filename

TEXT_TYPES = {
    "csv": "text/csv",
    "txt": "text/plain",
    "md": "text/markdown",
}
OOXML_TYPES = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"),
}
ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "json": "application/json",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "zip": "application/zip",
    **TEXT_TYPES,
    **{ext: media for ext, (media, _) in OOXML_TYPES.items()},
    **ODF_TYPES,
}
ALLOWED_EXTENSIONS = tuple(sorted(MEDIA_TYPES))
ALLOWED_LABEL = "PDF, CSV, JSON, TXT, MD, ODT, ODS, DOCX, XLSX, PPTX, PNG, JPEG or ZIP"

# What browsers take for HTML when they sniff (WHATWG MIME Sniffing, "HTML" patterns).
HTML_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
    b"<?xml",
    b"<svg",
)
# Targets read their password or token from an environment variable an administrator names.
# Only names with this prefix may be read, so a target can never be pointed at the service's
# own secrets (SECRET_KEY, DATABASE_URL, MAIL_PASSWORD) and send them to another server.
SECRET_ENV_PREFIX = "SKILLSREG_"  # noqa: S105 - a name prefix, not a password
SECRET_ENV_RESERVED = frozenset({"SKILLSREG_ENV"})
MAX_FILES_PER_UPLOAD = 5
MAX_MIMETYPE_BYTES = 200
MAX_TAGS = 12
MAX_TAG_LENGTH = 60


class UploadRejectedError(ValueError):
    """A file may not be uploaded; the message says why, fit to show the person."""


def file_extension(filename: str) -> str:
    """The lower-case extension of a file name, without the dot ('' when there is none)."""
    base = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def _looks_like_html(content: bytes) -> bool:
    head = content[:1024].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    for start in HTML_STARTS:
        if head.startswith(start):
            following = head[len(start) : len(start) + 1]
            if start in (b"<!--", b"<?xml") or following in (b"", b" ", b">", b"\t", b"\n", b"\r"):
                return True
    return b"<script" in content[:4096].lower()


def _text(content: bytes, name: str) -> str:
    if b"\0" in content:
        raise UploadRejectedError(f"{name} is not a text file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRejectedError(f"{name} must be saved as UTF-8 text") from None
    if _looks_like_html(content):
        raise UploadRejectedError(f"{name} contains a web page or script, which cannot be uploaded")
    return text


def _check_text(content: bytes, name: str) -> None:
    _text(content, name)


def _check_json(content: bytes, name: str) -> None:
    try:
        json.loads(_text(content, name))
    except json.JSONDecodeError:
        raise UploadRejectedError(f"{name} is not valid JSON") from None


def _check_magic(magic: bytes) -> Callable[[bytes, str], None]:
    def check(content: bytes, name: str) -> None:
        if not content.startswith(magic):
            raise UploadRejectedError(f"The content of {name} does not match its file type")

    return check


def _zip_names(content: bytes, name: str) -> tuple[zipfile.ZipFile, list[str]]:
    if not content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise UploadRejectedError(f"The content of {name} does not match its file type")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        return archive, archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        raise UploadRejectedError(f"{name} is damaged and cannot be opened") from None


def _read_capped(archive: zipfile.ZipFile, member: str) -> bytes:
    """Read a member without inflating more than its declared size allows."""
    try:
        with archive.open(member) as stream:
            data = stream.read(MAX_MIMETYPE_BYTES + 1)
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError):
        return b""
    return data if len(data) <= MAX_MIMETYPE_BYTES else b""


def _check_zip(content: bytes, name: str) -> None:
    _zip_names(content, name)


def _check_ooxml(folder: str) -> Callable[[bytes, str], None]:
    def check(content: bytes, name: str) -> None:
        _archive, names = _zip_names(content, name)
        if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
            raise UploadRejectedError(f"The content of {name} does not match its file type")

    return check


def _check_odf(media_type: str) -> Callable[[bytes, str], None]:
    def check(content: bytes, name: str) -> None:
        archive, names = _zip_names(content, name)
        # Only the declared size is trusted before reading: a tiny entry may inflate to gigabytes.
        if "mimetype" not in names or archive.getinfo("mimetype").file_size > MAX_MIMETYPE_BYTES:
            raise UploadRejectedError(f"The content of {name} does not match its file type")
        if _read_capped(archive, "mimetype").strip() != media_type.encode():
            raise UploadRejectedError(f"The content of {name} does not match its file type")

    return check


CHECKS: dict[str, Callable[[bytes, str], None]] = {
    "pdf": _check_magic(b"%PDF-"),
    "png": _check_magic(b"\x89PNG\r\n\x1a\n"),
    "jpg": _check_magic(b"\xff\xd8\xff"),
    "jpeg": _check_magic(b"\xff\xd8\xff"),
    "zip": _check_zip,
    "json": _check_json,
    **dict.fromkeys(TEXT_TYPES, _check_text),
    **{ext: _check_ooxml(folder) for ext, (_, folder) in OOXML_TYPES.items()},
    **{ext: _check_odf(media) for ext, media in ODF_TYPES.items()},
}


def check_upload(filename: str, content: bytes, *, max_bytes: int) -> tuple[str, str]:
    """The safe name and media type of an allowed file; UploadRejectedError if it is not allowed.

    The extension must be on the allowed list and the content must be what the extension
    says (magic bytes, archive structure, or UTF-8 text that is not a web page).
    """
    name = safe_filename(filename)
    extension = file_extension(name)
    if extension not in CHECKS:
        raise UploadRejectedError(f"{name} must be a {ALLOWED_LABEL} file")
    if not content:
        raise UploadRejectedError(f"{name} is empty")
    if len(content) > max_bytes:
        raise UploadRejectedError(f"{name} must be smaller than {max_bytes // (1024 * 1024)} MB")
    CHECKS[extension](content, name)
    return name, MEDIA_TYPES[extension]


def secret_env_problem(name: str) -> str | None:
    """Why a target may not read its secret from this environment variable (None if it may)."""
    if not name:
        return None
    if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
        return "Enter a name made of capital letters, numbers and _, starting with a letter"
    if not name.startswith(SECRET_ENV_PREFIX) or name in SECRET_ENV_RESERVED:
        return (
            f"Enter a name starting with {SECRET_ENV_PREFIX}, for example SKILLSREG_DAV_TOKEN: "
            "the service's own settings cannot be used"
        )
    return None


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Tags in lower case, trimmed, without empties or duplicates, in the order given."""
    seen: list[str] = []
    for tag in tags:
        cleaned = re.sub(r"\s+", " ", tag).strip().lower()[:MAX_TAG_LENGTH]
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen[:MAX_TAGS]


def parse_tags(text: str) -> list[str]:
    """Tags typed as a comma-separated list."""
    return normalise_tags(text.split(","))


# Media types served as they are; anything else is served as a download of bytes.
SERVED_AS_IS = {*MEDIA_TYPES.values(), "application/ld+json", "application/csvm+json"}


def served_media_type(media_type: str) -> str:
    """The Content-Type to serve a stored file with: never one a browser would run."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base not in SERVED_AS_IS:
        return "application/octet-stream"
    return f"{base}; charset=utf-8" if base.startswith("text/") else base
