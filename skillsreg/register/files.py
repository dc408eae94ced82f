"""The published formats of a register snapshot: HTML, CSV with CSVW metadata, JSON and PDF."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import render_template
from weasyprint import CSS, HTML

from skillsreg.assessments.pdf import font_config, long_date
from skillsreg.config import ROOT
from skillsreg.register.rules import ConsentField, csv_lines, csvw_metadata, json_chunks

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
    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=STYLESHEET.as_uri())


def pdf_bytes(table: RegisterTable) -> bytes:
    """The register as a tagged A4 PDF, with the profile's print conventions."""
    html = render_template("pdf/register.html", table=table, **_document_meta(table))
    return HTML(string=html, base_url=ROOT.as_uri()).write_pdf(
        stylesheets=[stylesheet()], font_config=font_config(), pdf_variant="pdf/ua-1"
    )


def _document_meta(table: RegisterTable) -> dict[str, str]:
    return {
        "title": table.title,
        "author": "Web professionals skills register",
        "description": f"{table.population}. Only details each person agreed to publish.",
    }


FORMATS = ("html", "csv", "csv-metadata.json", "json", "pdf")


def build_files(
    table: RegisterTable, *, done: Callable[[int, str], None] | None = None
) -> list[BuiltFile]:
    """Every published format of a numbered register; `done(n, name)` after each."""
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
        ("pdf", "application/pdf", lambda: pdf_bytes(table)),
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
