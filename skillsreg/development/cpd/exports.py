"""The CPD record as a CSV file and as a printed PDF record for appraisals."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from flask import render_template

from skillsreg.accounts.models import User
from skillsreg.assessments.pdf import collector_paused, long_date, stylesheet
from skillsreg.config import ROOT
from skillsreg.core.fonts import font_config
from skillsreg.core.spreadsheets import spreadsheet_csv
from skillsreg.development.cpd.queries import CpdRecord
from skillsreg.development.cpd.rules import format_hours, hours_phrase

CSV_HEADER = [
    "Date",
    "Hours",
    "Kind",
    "What you did",
    "What you learned",
    "How you will apply it",
    "Skill codes",
    "Skills",
    "Workshop attended",
    "Reflections added",
    "Plan goal",
]
STYLESHEET = ROOT / "templates" / "pdf" / "cpd_record.css"


def record_csv(record: CpdRecord, *, year: int | None) -> str:
    """The record's rows (one year's, or all) as a spreadsheet-safe CSV with a BOM."""
    rows = (
        [
            row.done_on.isoformat(),
            format_hours(row.minutes),
            row.kind_label,
            row.title,
            row.learned,
            row.application,
            " ".join(code for code, _ in row.skills),
            "; ".join(name for _, name in row.skills),
            "yes" if row.workshop_id else "no",
            "no" if row.awaits_reflection else "yes",
            row.goal,
        ]
        for row in record.rows_in(year)
    )
    return spreadsheet_csv(CSV_HEADER, rows)


def filename(year: int | None, extension: str) -> str:
    return f"cpd-record-{year}.{extension}" if year else f"cpd-record.{extension}"


def record_context(
    record: CpdRecord, *, user: User, years: list[int], today: date, site_url: str
) -> dict[str, Any]:
    """Everything the PDF shows, as plain values: per year its totals and its activities."""
    return {
        "title": f"CPD record of {user.name}",
        "author": user.name,
        "description": "Continuing professional development record: "
        + ", ".join(str(year) for year in years),
        "name": user.name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "date": long_date(today),
        "site_url": site_url,
        "years": [_year(record, year) for year in years],
    }


def _year(record: CpdRecord, year: int) -> dict[str, Any]:
    totals = record.totals(year)
    return {
        "year": year,
        "hours": hours_phrase(totals.minutes),
        "target": hours_phrase(totals.target_minutes) if totals.target_minutes else None,
        "percent": totals.percent_of_target,
        "by_kind": [(t.label, format_hours(t.minutes)) for t in totals.by_kind],
        "by_category": [(t.label, format_hours(t.minutes)) for t in totals.by_category],
        "by_skill": [(t.key, t.label, format_hours(t.minutes)) for t in totals.by_skill],
        "activities": [
            {
                "date": long_date(row.done_on),
                "hours": format_hours(row.minutes),
                "kind": row.kind_label,
                "title": row.title,
                "learned": row.learned,
                "application": row.application,
                "skills": ", ".join(f"{name} ({code})" for code, name in row.skills),
                "awaits_reflection": row.awaits_reflection,
                "goal": row.goal,
            }
            for row in record.rows_in(year)
        ],
    }


@cache
def _stylesheet() -> Any:
    """The record's own print styles, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=STYLESHEET.as_uri())


def record_pdf(context: dict[str, Any]) -> bytes:
    """Render the CPD record to a tagged A4 PDF (PDF/UA-1), in the profile's print style."""
    from weasyprint import HTML

    html = render_template("pdf/cpd_record.html", **context)
    with collector_paused():
        return HTML(string=html, base_url=context["site_url"]).write_pdf(
            stylesheets=[stylesheet(), _stylesheet()],
            font_config=font_config(),
            pdf_variant="pdf/ua-1",
        )
