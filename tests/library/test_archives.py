"""Zip-based uploads (zip, docx, xlsx, pptx, odt, ods, odp) are measured by really unpacking them.

The bombs are built here: deflate streams of zeros, joined block by block, so a 4 GB entry costs a
few megabytes and milliseconds to make, and the archive's own size fields can be made to lie.
"""

from __future__ import annotations

import io
import random
import struct
import time
import zipfile
import zlib

import pytest

from skillsreg.library.rules import (
    DEFAULT_ARCHIVE_LIMITS,
    MEDIA_TYPES,
    ArchiveLimits,
    UploadRejectedError,
    check_upload,
)
from tests.library import samples

MB = 1024 * 1024
UPLOAD_LIMIT = 20 * MB


def zeros_deflated(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MB of zero bytes (about 1 KB per MB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    # After a full flush the compressor forgets what came before, so every megabyte of zeros
    # compresses to the same bytes and the stream can be repeated rather than computed.
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + compressor.flush()


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, deflated data, declared size, CRC-32) entries, sizes as declared."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, declared, crc in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<4s2B4HL2L2H",
                *(b"PK\x03\x04", 20, 0, 0, 8, 0, 0x21, crc),
                *(len(data), declared, len(encoded), 0),
            )
        )
        out.write(encoded + data)
        central.write(
            struct.pack(
                "<4s4B4HL2L5H2L",
                *(b"PK\x01\x02", 20, 3, 20, 0, 0, 8, 0, 0x21, crc, len(data), declared),
                *(len(encoded), 0, 0, 0, 0, 0, offset),
            )
        )
        central.write(encoded)
    start, directory = out.tell(), central.getvalue()
    out.write(directory)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start, 0
        )
    )
    return out.getvalue()


def deflated(name: str, content: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return (
        name,
        compressor.compress(content) + compressor.flush(),
        len(content),
        zlib.crc32(content),
    )


def docx_around(document: tuple[str, bytes, int, int]) -> bytes:
    return raw_zip([deflated("[Content_Types].xml", b"<Types/>"), document])


def test_the_built_archives_are_real_zips():
    small = docx_around(deflated("word/document.xml", b"<w:document/>" * 100))
    with zipfile.ZipFile(io.BytesIO(small)) as archive:
        assert archive.read("word/document.xml") == b"<w:document/>" * 100
    assert zlib.decompress(zeros_deflated(3), -zlib.MAX_WBITS) == bytes(3 * MB)


def test_a_docx_that_inflates_to_900_mb_is_refused():
    crc = 0
    for _ in range(900):
        crc = zlib.crc32(bytes(MB), crc)
    bomb = docx_around(("word/document.xml", zeros_deflated(900), 900 * MB, crc))
    assert len(bomb) < MB

    started = time.perf_counter()
    with pytest.raises(UploadRejectedError, match=r"^report\.docx unpacks to more than 100 times"):
        check_upload("report.docx", bomb, max_bytes=UPLOAD_LIMIT)
    # Allowed any ratio, it still stops at the total size, inflating no further than that.
    with pytest.raises(UploadRejectedError, match=r"^report\.docx unpacks to more than 100 MB"):
        check_upload(
            "report.docx",
            bomb,
            max_bytes=UPLOAD_LIMIT,
            archive_limits=ArchiveLimits(max_ratio=1_000_000),
        )
    assert time.perf_counter() - started < 10


def test_a_docx_whose_sizes_lie_is_measured_by_what_it_really_inflates_to():
    # It says its document is 2,000 bytes; its deflate stream holds 4 GB of zeros.
    bomb = docx_around(("word/document.xml", zeros_deflated(4096), 2000, 0))
    assert 4 * MB < len(bomb) < 5 * MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 2000

    with pytest.raises(UploadRejectedError, match="unpacks to more than 100 MB"):
        check_upload("report.docx", bomb, max_bytes=UPLOAD_LIMIT)


def test_entries_sharing_one_compressed_stream_are_each_counted():
    # The "overlapping files" bomb: many directory entries point at the same 30 MB of zeros.
    data = zeros_deflated(30)
    single = raw_zip([("[Content_Types].xml", data, 30 * MB, 0)])
    central_at = single.index(b"PK\x01\x02")
    local, entry = single[:central_at], single[central_at:-22]
    directory = entry * 5
    bomb = (
        local
        + directory
        + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 5, 5, len(directory), len(local), 0)
    )
    assert len(zipfile.ZipFile(io.BytesIO(bomb)).infolist()) == 5

    limits = ArchiveLimits(max_ratio=1_000_000)
    with pytest.raises(UploadRejectedError, match="unpacks to more than 100 MB"):
        check_upload("bundle.zip", bomb, max_bytes=UPLOAD_LIMIT, archive_limits=limits)
    alone = raw_zip([("[Content_Types].xml", data, 30 * MB, 0)])
    assert check_upload("bundle.zip", alone, max_bytes=UPLOAD_LIMIT, archive_limits=limits)


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"])
def test_every_zip_based_type_is_refused_when_it_is_compressed_too_far(extension):
    folder = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}.get(extension, "")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if extension.startswith("od"):  # ODF files start with an uncompressed `mimetype`
            archive.writestr("mimetype", MEDIA_TYPES[extension])
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(f"{folder}content.xml", bytes(5 * MB), zipfile.ZIP_DEFLATED)
    assert len(buffer.getvalue()) < 50 * 1024  # 5 MB squeezed more than 100 times

    with pytest.raises(UploadRejectedError, match="more than 100 times its own size"):
        check_upload(f"file.{extension}", buffer.getvalue(), max_bytes=UPLOAD_LIMIT)


def test_an_archive_with_too_many_files_is_refused():
    many = raw_zip([deflated(f"notes/{n}.txt", b"hello") for n in range(1001)])
    with pytest.raises(UploadRejectedError, match="holds more than 1000 files"):
        check_upload("bundle.zip", many, max_bytes=UPLOAD_LIMIT)
    few = raw_zip([deflated(f"notes/{n}.txt", b"hello") for n in range(1000)])
    assert check_upload("bundle.zip", few, max_bytes=UPLOAD_LIMIT)[0] == "bundle.zip"


def test_the_limits_are_settings():
    words = random.Random(1).choices(["skills", "web", "council", "accessible", "page"], k=200_000)
    text = f"<w:p>{' '.join(words)}</w:p>".encode()
    docx = docx_around(deflated("word/document.xml", text))
    assert check_upload("report.docx", docx, max_bytes=UPLOAD_LIMIT)[0] == "report.docx"
    with pytest.raises(UploadRejectedError, match=r"unpacks to more than 0\.5 MB"):
        check_upload(
            "report.docx",
            docx,
            max_bytes=UPLOAD_LIMIT,
            archive_limits=ArchiveLimits(max_unpacked_bytes=MB // 2),
        )
    with pytest.raises(UploadRejectedError, match="holds more than 1 files"):
        check_upload(
            "report.docx", docx, max_bytes=UPLOAD_LIMIT, archive_limits=ArchiveLimits(max_entries=1)
        )
    assert ArchiveLimits(100 * MB, 100, 1000) == DEFAULT_ARCHIVE_LIMITS


def test_damaged_deflate_data_is_refused():
    name, data, size, crc = deflated("word/document.xml", b"<w:document/>" * 1000)
    broken = docx_around((name, b"\xff" * len(data), size, crc))
    with pytest.raises(UploadRejectedError, match="is damaged"):
        check_upload("report.docx", broken, max_bytes=UPLOAD_LIMIT)


def test_ordinary_office_files_pass():
    for filename, content in [
        ("paper.docx", samples.DOCX),
        ("sheet.xlsx", samples.XLSX),
        ("minutes.odt", samples.ODT),
        ("bundle.zip", samples.ZIP),
    ]:
        assert check_upload(filename, content, max_bytes=UPLOAD_LIMIT)[0] == filename
