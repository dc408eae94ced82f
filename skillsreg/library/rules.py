"""Pure rules of the library: which files may be uploaded, their names, tags and media types."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from skillsreg.core.filenames import renamed, safe_filename

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
    "odp": "application/vnd.oasis.opendocument.presentation",
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
ALLOWED_LABEL = "PDF, CSV, JSON, TXT, MD, ODT, ODS, ODP, DOCX, XLSX, PPTX, PNG, JPEG or ZIP"

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


@dataclass(frozen=True)
class ArchiveLimits:
    """How far a zip-based file (zip, docx, odt...) may unpack: its total size, how many times
    bigger than the upload that is, and how many files it holds."""

    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 1000


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()
_INFLATE_STEP = 256 * 1024  # inflate at most this much at a time, whatever the input says
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_STORED, _DEFLATED = 0, 8


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


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def check_archive(content: bytes, name: str, limits: ArchiveLimits) -> None:
    """Refuse a zip-based file that unpacks too far: counted by inflating every entry, with a cap.

    Sizes written in the archive are never trusted: each entry's compressed data is inflated
    until its own end (or the first limit passed), so an entry that lies about its size, or
    entries sharing the same compressed data, are measured as a reader would unpack them.
    """
    archive, _names = _zip_names(content, name)
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise UploadRejectedError(
            f"{name} holds more than {limits.max_entries} files: it cannot be uploaded"
        )
    budget = min(limits.max_unpacked_bytes, limits.max_ratio * len(content))
    unpacked = 0
    for entry in entries:
        unpacked += _inflated_size(content, entry, name, budget - unpacked)
        if unpacked > budget:
            break
    # Both limits are applied while inflating; this says which one was passed.
    if unpacked > budget:
        if unpacked > limits.max_unpacked_bytes:
            raise UploadRejectedError(
                f"{name} unpacks to more than {_megabytes(limits.max_unpacked_bytes)}: "
                "it cannot be uploaded"
            )
        raise UploadRejectedError(
            f"{name} unpacks to more than {limits.max_ratio} times its own size, "
            "which is how harmful archives look: it cannot be uploaded"
        )


def _inflated_size(content: bytes, entry: zipfile.ZipInfo, name: str, allowance: int) -> int:
    """The bytes an entry really inflates to, counting no further than `allowance` + 1."""
    if entry.flag_bits & 0x1:
        raise UploadRejectedError(f"{name} is protected by a password: upload it without one")
    data = _entry_data(content, entry, name)
    if entry.compress_type == _STORED:
        return len(data[: entry.compress_size])
    if entry.compress_type != _DEFLATED:
        raise UploadRejectedError(
            f"{name} uses a kind of compression that cannot be checked: save it again as a "
            "standard (deflate) zip"
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size, position = 0, 0
    pending: bytes | memoryview = b""
    try:
        while not inflater.eof and size <= allowance:
            if not pending:
                pending = data[position : position + _INFLATE_STEP]
                position += _INFLATE_STEP
                if not pending:
                    break
            size += len(inflater.decompress(pending, _INFLATE_STEP))
            pending = inflater.unconsumed_tail
    except zlib.error:
        raise UploadRejectedError(f"{name} is damaged and cannot be opened") from None
    return size


def _entry_data(content: bytes, entry: zipfile.ZipInfo, name: str) -> memoryview:
    """An entry's data from its local header to the end of the file (its real end is found by
    inflating, not by the sizes the archive claims)."""
    start = entry.header_offset
    header = content[start : start + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
        raise UploadRejectedError(f"{name} is damaged and cannot be opened")
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    return memoryview(content)[start + _LOCAL_HEADER.size + name_length + extra_length :]


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


ARCHIVE_EXTENSIONS = frozenset({"zip", *OOXML_TYPES, *ODF_TYPES})


def check_upload(
    filename: str,
    content: bytes,
    *,
    max_bytes: int,
    archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
) -> tuple[str, str]:
    """The safe name and media type of an allowed file; UploadRejectedError if it is not allowed.

    The extension must be on the allowed list and the content must be what the extension
    says (magic bytes, archive structure, or UTF-8 text that is not a web page); a zip-based
    file must also stay within `archive_limits` when unpacked.
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
    if extension in ARCHIVE_EXTENSIONS:
        check_archive(content, name, archive_limits)
    return name, MEDIA_TYPES[extension]


def rename_notice(filenames: Iterable[str]) -> str | None:
    """What to tell the uploader about files stored under another name than the one sent."""
    changes = [f"{sent} is saved as {new}" for sent in filenames if (new := renamed(sent))]
    if not changes:
        return None
    label = "A file was renamed" if len(changes) == 1 else "Some files were renamed"
    return f"{label} to be safe to download: {'; '.join(changes)}"


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


def parse_skill_codes(text: str) -> list[str]:
    """Framework skill codes typed as a comma-separated list: upper case, without duplicates."""
    return list(dict.fromkeys(code.strip().upper() for code in text.split(",") if code.strip()))


# Media types served as they are; anything else is served as a download of bytes.
SERVED_AS_IS = {*MEDIA_TYPES.values(), "application/ld+json", "application/csvm+json"}


def served_media_type(media_type: str) -> str:
    """The Content-Type to serve a stored file with: never one a browser would run."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base not in SERVED_AS_IS:
        return "application/octet-stream"
    return f"{base}; charset=utf-8" if base.startswith("text/") else base


FILE_DESCRIPTIONS = {
    "text/csv": "The data as CSV",
    "application/csvm+json": "CSV on the Web metadata: what each column of the CSV means",
    "application/json": "The data as JSON",
    "application/pdf": "A PDF document",
}


def describe_file(name: str, media_type: str) -> str:
    """A short description of a published file, for catalogues such as CKAN."""
    return FILE_DESCRIPTIONS.get(media_type.split(";")[0].strip(), name)
