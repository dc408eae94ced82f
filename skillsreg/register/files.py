"""The published formats of a register snapshot: HTML, CSV with CSVW metadata, JSON and PDF."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from flask import current_app, render_template, stream_template

from skillsreg.assessments.pdf import long_date
from skillsreg.register import pdf
from skillsreg.register.rules import (
    ConsentField,
    csv_lines,
    csvw_metadata,
    in_blocks,
    json_chunks,
    pdf_column_widths,
)

# The left of the PDF's running header: a one-part PDF's margin box shows it (pdf/register.css),
# a long PDF's pages are stamped with it (register/pdf.py).
RUNNING_HEADER = "Register of web professionals"
# A file is built into memory up to this size, and into a temporary file on disk beyond it.
SPOOL_IN_MEMORY = 1024 * 1024


@dataclass(frozen=True)
class BuiltFile:
    """A file of a snapshot before it is stored, kept in a (spooled) temporary file: a register
    of 100,000 people makes files of tens of megabytes, and they need not all be in memory."""

    name: str
    media_type: str
    size: int
    sha256: str
    spool: IO[bytes]

    def read(self) -> bytes:
        self.spool.seek(0)
        return self.spool.read()


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


def _spooled(name: str, media_type: str, blocks: Iterable[bytes], *, spool: ExitStack) -> BuiltFile:
    """A file written a block at a time into a temporary file that `spool` closes, hashed on
    the way: never the whole text in memory, let alone twice (a str and its bytes)."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - spool closes it
    out = spool.enter_context(file)
    digest = hashlib.sha256()
    size = 0
    for block in blocks:
        out.write(block)
        digest.update(block)
        size += len(block)
    return BuiltFile(name, media_type, size, digest.hexdigest(), out)


def csv_blocks(columns: Sequence[ConsentField], rows: Iterable[dict[str, str]]) -> Iterator[bytes]:
    return in_blocks(csv_lines(columns, rows))


def json_blocks(table: RegisterTable) -> Iterator[bytes]:
    return in_blocks(json_chunks(table.header(), table.columns, table.rows))


def pdf_blocks(
    table: RegisterTable, *, on_part: Callable[[int, int], None] | None = None
) -> Iterator[bytes]:
    """The register as an A4 PDF (write_pdf), in blocks read back from a temporary file: a
    register of 100,000 people makes a PDF of over ten megabytes."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as out:
        write_pdf(table, out, on_part=on_part)
        out.seek(0)
        yield from iter(lambda: out.read(SPOOL_IN_MEMORY), b"")


def write_pdf(
    table: RegisterTable, out: IO[bytes], *, on_part: Callable[[int, int], None] | None = None
) -> None:
    """Write the register to `out` as an A4 PDF, with the profile's print conventions.

    A long register is laid out in parts of REGISTER_PDF_PART_ROWS people, each part in its
    own process when REGISTER_PDF_PROCESSES allows, then joined and numbered "Page n of N"
    (register/pdf.py); `on_part(k, parts)` after each part is laid out.
    """
    size = int(current_app.config.get("REGISTER_PDF_PART_ROWS") or pdf.DEFAULT_PART_ROWS)
    count = max(1, -(-len(table.rows) // size))
    parts = (
        _pdf_part_html(table, table.rows[index * size : (index + 1) * size], first=index * size)
        for index in range(count)
    )
    pdf.join_parts(
        parts,
        count=count,
        processes=pdf.processes_to_use(current_app.config.get("REGISTER_PDF_PROCESSES")),
        header=(RUNNING_HEADER, f"Published {table.date}"),
        out=out,
        on_part=on_part,
    )


def _pdf_part_html(table: RegisterTable, rows: list[dict[str, str]], *, first: int) -> str:
    """The HTML of one part of the PDF (its first row is the register's `first`)."""
    return render_template(
        "pdf/register.html",
        table=dataclasses.replace(table, rows=rows),
        first_part=first == 0,
        first_row=first,
        total_rows=len(table.rows),
        widths=pdf_column_widths(table.columns),
        running_header=RUNNING_HEADER,
        **_document_meta(table),
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
    spool: ExitStack,
    done: Callable[[int, str], None] | None = None,
    on_part: Callable[[int, int], None] | None = None,
) -> list[BuiltFile]:
    """Every published format of a numbered register, each in a temporary file `spool` closes;
    `done(n, name)` after each, and `on_part(k, parts)` after each part of a long PDF."""
    if table.number is None or table.published_at is None:
        raise ValueError("only a numbered, dated register is published")
    name = base_name(table.number)
    metadata = csvw_metadata(
        csv_url=f"{name}.csv",
        title=table.title,
        issued=table.published_at.date().isoformat(),
        columns=table.columns,
    )
    builders: list[tuple[str, str, Callable[[], Iterable[bytes]]]] = [
        ("html", "text/html; charset=utf-8", lambda: html_blocks(table)),
        ("csv", "text/csv; charset=utf-8", lambda: csv_blocks(table.columns, table.rows)),
        (
            "csv-metadata.json",
            "application/csvm+json",
            lambda: [json.dumps(metadata, indent=2, ensure_ascii=False).encode("utf-8")],
        ),
        ("json", "application/json", lambda: json_blocks(table)),
        ("pdf", "application/pdf", lambda: pdf_blocks(table, on_part=on_part)),
    ]
    built = []
    for n, (extension, media_type, blocks) in enumerate(builders, start=1):
        built.append(_spooled(f"{name}.{extension}", media_type, blocks(), spool=spool))
        if done is not None:
            done(n, f"{name}.{extension}")
    return built


def html_blocks(table: RegisterTable) -> Iterator[bytes]:
    return in_blocks(
        stream_template("register/document.html", table=table, **_document_meta(table))
    )
