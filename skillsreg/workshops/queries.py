"""Read models for workshop pages: listings, a member's applications, display helpers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.extensions import db
from skillsreg.frameworks.models import Framework, FrameworkVersion, VersionStatus
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)

LONDON = ZoneInfo("Europe/London")
FRAMEWORK_SLUG = "web-professionals"


def in_london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def long_date(moment: datetime) -> str:
    """Thursday 27 November 2026, in London."""
    local = in_london(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def clock(moment: datetime) -> str:
    """10am, 9:30am, 12:30pm in GOV.UK style, in London."""
    local = in_london(moment)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    suffix = "am" if local.hour < 12 else "pm"
    if local.hour == 12 and not local.minute:
        return "midday"
    return f"{hour}{minutes}{suffix}"


def closing_text(workshop: Workshop) -> str:
    """The last day to apply, as people say it (the service closes at the end of that day)."""
    day = last_day(workshop)
    return f"11:59pm on {day:%A} {day.day} {day:%B %Y}"


def published_workshops(*, now: datetime) -> list[Workshop]:
    """Workshops members can see, soonest first, those not yet held."""
    return list(
        db.session.scalars(
            sa.select(Workshop)
            .where(Workshop.status == WorkshopStatus.PUBLISHED, Workshop.ends_at > now)
            .order_by(Workshop.starts_at, Workshop.id)
        )
    )


def all_workshops() -> list[Workshop]:
    """Every workshop for organisers, newest date first."""
    return list(db.session.scalars(sa.select(Workshop).order_by(Workshop.starts_at.desc())))


def visible_workshop(slug: str, viewer: User) -> Workshop | None:
    """A workshop by slug; drafts only for organisers."""
    workshop = db.session.scalar(sa.select(Workshop).where(Workshop.slug == slug))
    if workshop is None:
        return None
    if workshop.status is WorkshopStatus.DRAFT and not getattr(viewer, "is_organiser", False):
        return None
    return workshop


def open_workshops_for(user: User, *, now: datetime) -> list[Workshop]:
    """Published workshops still taking interest that this member's sector may apply to."""
    return [
        w for w in published_workshops(now=now) if w.is_open(now) and w.admits(user.sector.value)
    ]


def applications_of(user: User) -> list[ExpressionOfInterest]:
    """The member's submitted expressions of interest, newest first."""
    return list(
        db.session.scalars(
            sa.select(ExpressionOfInterest)
            .where(
                ExpressionOfInterest.user_id == user.id,
                ExpressionOfInterest.submitted_at.is_not(None),
            )
            .order_by(ExpressionOfInterest.id.desc())
        )
    )


def version_choices() -> list[tuple[str, str]]:
    """Framework versions an organiser may take target roles and skills from."""
    rows = db.session.execute(
        sa.select(FrameworkVersion.id, Framework.title, FrameworkVersion.number)
        .join(Framework, FrameworkVersion.framework_id == Framework.id)
        .order_by(Framework.title, FrameworkVersion.id)
    )
    return [("", "None")] + [(str(id_), f"{title} {number}") for id_, title, number in rows]


def consultation_version() -> str | None:
    """The number of the web professionals framework version open for comments, if any."""
    return db.session.scalar(
        sa.select(FrameworkVersion.number)
        .join(Framework, FrameworkVersion.framework_id == Framework.id)
        .where(Framework.slug == FRAMEWORK_SLUG)
        .where(FrameworkVersion.status == VersionStatus.CONSULTATION)
        .order_by(FrameworkVersion.id.desc())
        .limit(1)
    )


def last_day(workshop: Workshop) -> date:
    """The closing date as the organiser entered it: the last day people can apply."""
    return in_london(workshop.closes_at).date() - timedelta(days=1)


def choice_label(workshop: Workshop) -> str:
    """How a workshop is named in a list of choices: title, date and place."""
    where = "Online" if workshop.is_online else workshop.venue
    return f"{workshop.title}, {long_date(workshop.starts_at)}, {where}"


def applicant_count(workshop: Workshop) -> int:
    """How many people have chosen the workshop and not withdrawn (they hear of a new date)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(ExpressionOfInterest.user_id)))
            .join(Choice, Choice.eoi_id == ExpressionOfInterest.id)
            .where(
                Choice.workshop_id == workshop.id,
                Choice.status == ChoiceStatus.APPLIED,
                ExpressionOfInterest.withdrawn_at.is_(None),
            )
        )
        or 0
    )
