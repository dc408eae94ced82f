"""Community health per month: counted in SQL by year and month of each event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.extensions import db
from skillsreg.insight.queries import in_utc
from skillsreg.library.models import Document, LibraryDownload
from skillsreg.workshops.models import Choice, ExpressionOfInterest
from skillsreg.workshops.offers.models import Offer, OfferStatus

MEASURES: dict[str, str] = {
    "members": "New members",
    "confirmed": "Members confirmed",
    "assessments": "Assessments submitted",
    "interest": "Expressions of interest",
    "offered": "Places offered",
    "taken": "Places taken",
    "attended": "Attended",
    "documents": "Library documents",
    "downloads": "Library downloads",
    "open_data": "Open data downloads",
}

# The library documents that hold open-data releases of the skills picture.
RELEASE_KEYS = "insight-release-%"


def _per_month(column: Any, *where: sa.ColumnElement[bool]) -> dict[str, int]:
    moment = in_utc(column)
    year, month = sa.extract("year", moment), sa.extract("month", moment)
    query = sa.select(year, month, sa.func.count()).where(column.is_not(None), *where)
    rows = db.session.execute(query.group_by(year, month))
    return {f"{int(y):04d}-{int(m):02d}": n for y, m, n in rows}


def _queries() -> dict[str, dict[str, int]]:
    return {
        "members": _per_month(User.created_at, User.erased_at.is_(None)),
        "confirmed": _per_month(User.email_confirmed_at, User.erased_at.is_(None)),
        "assessments": _per_month(
            Assessment.submitted_at, Assessment.status == AssessmentStatus.SUBMITTED
        ),
        "interest": _per_month(ExpressionOfInterest.submitted_at),
        "offered": _per_month(Offer.offered_at),
        "taken": _per_month(Offer.responded_at, Offer.status == OfferStatus.ACCEPTED),
        "attended": _per_month(Choice.attendance_recorded_at, Choice.attended.is_(True)),
        "documents": _per_month(Document.created_at),
        "downloads": _per_month(LibraryDownload.downloaded_at),
        "open_data": _per_month(
            LibraryDownload.downloaded_at,
            LibraryDownload.document_id.in_(
                sa.select(Document.id).where(Document.key.like(RELEASE_KEYS))
            ),
        ),
    }


@dataclass(frozen=True)
class Month:
    month: str
    counts: dict[str, int]


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (both `YYYY-MM`), so empty months show as zero."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def community_health(now: datetime, *, months: int = 12) -> list[Month]:
    """The last `months` months of activity, oldest first, every measure per month."""
    counts = _queries()
    last = f"{now.year:04d}-{now.month:02d}"
    start_year, start_month = now.year, now.month - (months - 1)
    while start_month < 1:
        start_year, start_month = start_year - 1, start_month + 12
    span = months_between(f"{start_year:04d}-{start_month:02d}", last)
    return [Month(m, {key: counts[key].get(m, 0) for key in MEASURES}) for m in span]
