"""The published formats of a register snapshot: HTML, CSV with CSVW metadata, JSON and PDF."""

from __future__ import annotations

import dataclasses
import gc
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import render_template

from skillsreg.assessments.pdf import font_config, long_date
from skillsreg.config import ROOT
from skillsreg.register.rules import ConsentField, csv_lines, csvw_metadata, json_chunks

if TYPE_CHECKING:  # WeasyPrint takes a second to import: only renders load it
    from weasyprint import CSS

STYLESHEET = ROOT / "templates" / "pdf" / "register.css"


@dataclass(frozen=True)
class BuiltFile:
    """A file of a snapshot before it is stored."""

    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class RegisterTable:
    """Everything a register shows, as plain values: the same for the preview and every format."""

    title: str
    number: int | None
    published_at: datetime | None
    population: str
    columns: list[ConsentField]
    rows: list[dict[str, str]]

    @property
    def date(self) -> str:
        return long_date(self.published_at)

    def header(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "number": self.number,
            "published": self.published_at.date().isoformat() if self.published_at else None,
            "population": self.population,
        }


def base_name(number: int) -> str:
    return f"register-{number}"


def csv_bytes(columns: Sequence[ConsentField], rows: Iterable[dict[str, str]]) -> bytes:
    return "".join(csv_lines(columns, rows)).encode("utf-8")


def json_bytes(table: RegisterTable) -> bytes:
    return "".join(json_chunks(table.header(), table.columns, table.rows)).encode("utf-8")


@cache
def stylesheet() -> CSS:
    """The register's print styles, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=STYLESHEET.as_uri())


PDF_PART_ROWS = 500  # rows laid out at once: WeasyPrint's memory grows with the part, not the file


def pdf_bytes(table: RegisterTable, *, on_part: Callable[[int, int], None] | None = None) -> bytes:
    """The register as a tagged A4 PDF, with the profile's print conventions.

    A long register is laid out in parts of PDF_PART_ROWS people, each numbered on from the
    last, and the parts are joined (pypdf), so memory stays flat however many people it lists.
    """
    parts = max(1, -(-len(table.rows) // PDF_PART_ROWS))
    if parts == 1:
        return _pdf_part(table, first=True, offset=0, total_rows=len(table.rows), multipart=False)[
            0
        ]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    offset = 0
    for index in range(parts):
        rows = table.rows[index * PDF_PART_ROWS : (index + 1) * PDF_PART_ROWS]
        part = dataclasses.replace(table, rows=rows)
        content, pages = _pdf_part(
            part, first=index == 0, offset=offset, total_rows=len(table.rows), multipart=True
        )
        writer.append(PdfReader(io.BytesIO(content)))
        offset += pages
        if on_part is not None:
            on_part(index + 1, parts)
    writer.add_metadata({"/Title": table.title, "/Author": _document_meta(table)["author"]})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_part(
    table: RegisterTable, *, first: bool, offset: int, total_rows: int, multipart: bool
) -> tuple[bytes, int]:
    """One part of the register's PDF, its pages numbered from `offset` + 1; and its pages."""
    from weasyprint import CSS, HTML

    html = render_template(
        "pdf/register.html",
        table=table,
        first_part=first,
        total_rows=total_rows,
        **_document_meta(table),
    )
    sheets = [stylesheet()]
    if multipart:
        # "of N" would need every part laid out first: a register in parts says "Page n".
        sheets.append(CSS(string="@page { @bottom-right { content: 'Page ' counter(page); } }"))
    if not first:
        sheets.append(_continued_part_css(table, offset))
    document = HTML(string=html, base_url=ROOT.as_uri()).render(
        stylesheets=sheets, font_config=font_config(), pdf_variant="pdf/ua-1"
    )
    pages = len(document.pages)
    content = document.write_pdf()
    del document
    gc.collect()
    return content, pages


def _continued_part_css(table: RegisterTable, offset: int) -> CSS:
    from weasyprint import CSS

    published = f"Published {table.date}".replace('"', "")
    return CSS(
        string=(
            f"@page :first {{ counter-reset: page {offset + 1};"
            f' @top-left {{ content: "Register of web professionals"; }}'
            f' @top-right {{ content: "{published}"; }} }}'
        )
    )


def _document_meta(table: RegisterTable) -> dict[str, str]:
    return {
        "title": table.title,
        "author": "Web professionals skills register",
        "description": f"{table.population}. Only details each person agreed to publish.",
    }


FORMATS = ("html", "csv", "csv-metadata.json", "json", "pdf")


def build_files(
    table: RegisterTable,
    *,
    done: Callable[[int, str], None] | None = None,
    on_part: Callable[[int, int], None] | None = None,
) -> list[BuiltFile]:
    """Every published format of a numbered register; `done(n, name)` after each, and
    `on_part(k, parts)` after each part of a long PDF."""
    if table.number is None or table.published_at is None:
        raise ValueError("only a numbered, dated register is published")
    name = base_name(table.number)
    metadata = csvw_metadata(
        csv_url=f"{name}.csv",
        title=table.title,
        issued=table.published_at.date().isoformat(),
        columns=table.columns,
    )
    builders: list[tuple[str, str, Callable[[], bytes]]] = [
        ("html", "text/html; charset=utf-8", lambda: html_bytes(table)),
        ("csv", "text/csv; charset=utf-8", lambda: csv_bytes(table.columns, table.rows)),
        (
            "csv-metadata.json",
            "application/csvm+json",
            lambda: json.dumps(metadata, indent=2, ensure_ascii=False).encode("utf-8"),
        ),
        ("json", "application/json", lambda: json_bytes(table)),
        ("pdf", "application/pdf", lambda: pdf_bytes(table, on_part=on_part)),
    ]
    built = []
    for n, (extension, media_type, build) in enumerate(builders, start=1):
        built.append(BuiltFile(f"{name}.{extension}", media_type, build()))
        if done is not None:
            done(n, f"{name}.{extension}")
    return built


def html_bytes(table: RegisterTable) -> bytes:
    html = render_template("register/document.html", table=table, **_document_meta(table))
    return html.encode("utf-8")
