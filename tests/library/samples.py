"""Small but genuine files of each kind, and files that only pretend to be one."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 17
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 10
CSV = b"name,organisation\r\nAda,Kirklees Council\r\n"
HTML_AS_PDF = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
HTML_AS_TXT = b"  <html><body onload=alert(1)>hello</body></html>"
SCRIPT_IN_CSV = b"a,b\r\n1,<script>alert(1)</script>\r\n"


def zipped(entries: dict[str, bytes]) -> bytes:
    """An archive of `entries`, the same bytes whenever it is made: a parametrised test's id shows
    them, and pytest-xdist's workers must collect the same ids."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = zipped({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""})
ZIP = zipped({"notes.txt": b"hello"})
