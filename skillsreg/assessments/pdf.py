"""The PDF skills profile: a context of plain values, rendering with WeasyPrint, and its cache."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import render_template, url_for

from skillsreg.assessments import queries, services
from skillsreg.assessments.models import Assessment
from skillsreg.config import ROOT
from skillsreg.core.fonts import font_config
from skillsreg.extensions import db

if TYPE_CHECKING:  # WeasyPrint takes a second to import: only renders load it
    from weasyprint import CSS

# Raise when the print templates change, so cached PDFs are rendered again.
TEMPLATE_REVISION = "4"
CHART_WIDTH_MM = 40.0  # the widest category's bar; others are in proportion
STYLESHEET = ROOT / "templates" / "pdf" / "profile.css"
STATUS_LABELS = {
    "below": "Below",
    "meets": "Meets",
    "above": "Above",
    "not-applicable": "Not applicable",
    "not-required": "Not in profile",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def long_date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def profile_context(view: queries.AssessmentView, *, version_url: str) -> dict[str, Any]:
    """Everything the PDF template shows, as plain values (no models, no queries)."""
    assessment, version = view.assessment, view.version
    user = assessment.user
    widest = max((group.counts.expected for group in view.groups), default=0)
    unit = CHART_WIDTH_MM / widest if widest else 0.0
    categories = [_category(group, unit) for group in view.groups]
    return {
        "title": f"Skills profile of {user.name}",
        "name": user.name,
        "organisation": user.organisation,
        "role": view.role_level.role.name,
        "role_level": view.role_level.name,
        "date": long_date(assessment.submitted_at or assessment.updated_at),
        "framework_title": version.framework.title,
        "version_number": version.number,
        "version_url": version_url,
        "categories": categories,
        "total": _counts(view.summary.total),
        "validation": _validation(assessment),
    }


def _validation(assessment: Assessment) -> dict[str, Any] | None:
    """Who reviewed a validated assessment, and when; None for a self-assessment."""
    if not assessment.is_validated:
        return None
    return {
        "reviewer_name": assessment.reviewer_name,
        "reviewer_job_title": assessment.reviewer_job_title,
        "reviewer_organisation": assessment.reviewer_organisation,
        "reviewed_on": long_date(assessment.reviewed_at),
        "validated_on": long_date(assessment.validated_at),
        "validated": assessment.validated_count,
        "rated": len(assessment.ratings),
    }


def _category(group: queries.CategoryGroup, unit: float) -> dict[str, Any]:
    counts = group.counts
    met = counts.meets + counts.above
    return {
        "code": group.category.code,
        "name": group.category.name,
        "counts": _counts(counts),
        "chart": {"met": round(met * unit, 1), "short": round((counts.expected - met) * unit, 1)},
        "skills": [_skill(row) for row in group.rows],
    }


def _skill(row: queries.SkillRow) -> dict[str, Any]:
    rating = row.rating
    return {
        "code": row.skill.code,
        "name": row.skill.name,
        "level": rating.level if rating else None,
        "level_name": row.level_name or "Not applicable",
        "descriptor": row.descriptor,
        "evidence": rating.evidence if rating else "",
        "validated": bool(rating and rating.is_validated),
        "expected": row.expected,
        "expected_name": row.expected_name,
        "status": row.gap.status,
        "status_label": status_label(row.gap.status),
    }


def _counts(counts: Any) -> dict[str, int]:
    return {
        "below": counts.below,
        "meets": counts.meets,
        "above": counts.above,
        "not_applicable": counts.not_applicable,
        "unrated": counts.unrated,
        "expected": counts.expected,
        "shortfall": counts.shortfall,
    }


@cache
def stylesheet() -> CSS:
    """The print styles, parsed once per process: WeasyPrint only reads a parsed sheet."""
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=STYLESHEET.as_uri())


def render_pdf(context: dict[str, Any]) -> bytes:
    """Render the print template to a tagged, A4 PDF (PDF/UA-1)."""
    from weasyprint import HTML

    html = render_template("pdf/profile.html", **context)
    with collector_paused():
        return HTML(string=html, base_url=context["version_url"]).write_pdf(
            stylesheets=[stylesheet()], font_config=font_config(), pdf_variant="pdf/ua-1"
        )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the length of one render.

    WeasyPrint allocates about a million short-lived objects per profile. Each allocation burst
    triggers collections that walk the whole heap of a running app (SQLAlchemy, Jinja, Flask),
    which costs a fifth of the render. Reference counting still frees almost everything at
    once; the collector runs again as soon as the render ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cache_key(assessment: Assessment) -> str:
    """What a cached PDF depends on: the frozen assessment and how its owner is named."""
    user = assessment.user
    parts = [TEMPLATE_REVISION, str(assessment.id), str(assessment.submitted_at)]
    parts += [user.name, user.organisation, assessment.reviewer_name or ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def profile_pdf(assessment: Assessment) -> bytes:
    """The submitted assessment's PDF, from the database cache or freshly rendered and kept."""
    key = cache_key(assessment)
    if assessment.pdf_key == key and assessment.pdf:
        return assessment.pdf
    view = queries.assessment_view(assessment)
    if view is None:
        raise services.AssessmentError("The role level of this assessment no longer exists")
    version = view.version
    version_url = url_for(
        "frameworks.show_version",
        slug=version.framework.slug,
        version=version.number,
        _external=True,
    )
    body = render_pdf(profile_context(view, version_url=version_url))
    try:
        with db.session.begin_nested():
            services.store_pdf(assessment, pdf=body, key=key)
    except sa.exc.OperationalError:
        # SQLite has one writer: when the queue's worker is storing the same PDF at this moment
        # the copy is not kept twice, and this one is still served.
        db.session.refresh(assessment)
    return body


def filename(assessment: Assessment) -> str:
    day = assessment.submitted_at.date().isoformat() if assessment.submitted_at else "draft"
    return f"skills-profile-{day}.pdf"
