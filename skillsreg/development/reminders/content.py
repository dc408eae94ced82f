"""What a reminder says: goals due soon, matching workshops, open consultations, CPD this year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.development.cpd.queries import cpd_record
from skillsreg.development.cpd.rules import hours_phrase
from skillsreg.development.queries import goals_due_soon, workshops_matching_goals
from skillsreg.extensions import db
from skillsreg.frameworks.models import Framework, FrameworkVersion, VersionStatus
from skillsreg.frameworks.queries import consultation_is_open
from skillsreg.workshops.offers.links import external_url
from skillsreg.workshops.queries import in_london


@dataclass(frozen=True)
class Item:
    """One line of a section: what, when, and where to read more."""

    text: str
    url: str


@dataclass(frozen=True)
class ReminderContent:
    goals: list[Item]
    workshops: list[Item]
    consultations: list[Item]
    year: int
    cpd_hours: str
    cpd_target: str | None
    cpd_to_go: str | None


def long_day(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = in_london(day).date()
    return f"{day.day} {day:%B %Y}"


def last_moment_before(closes_at: datetime) -> datetime:
    """Interest closes at a moment (midnight after the last day): the last day is the one before."""
    return closes_at - timedelta(microseconds=1)


def _goals(user: User, now: datetime) -> list[Item]:
    return [
        Item(
            f"{goal.skill_name} ({goal.skill_code}): reach level {goal.target_level}"
            f"{' ' + goal.target_level_name if goal.target_level_name else ''}"
            f" by {long_day(goal.target_on)}",
            external_url("development.show_plan", plan_id=goal.plan_id),
        )
        for goal in goals_due_soon(user.id, now=now)
    ]


def _workshops(user: User, now: datetime) -> list[Item]:
    return [
        Item(
            f"{match.title}, {long_day(match.starts_at)} (for {', '.join(match.skill_codes)}); "
            f"say you are interested by {long_day(last_moment_before(match.closes_at))}",
            external_url("workshops.show_workshop", slug=match.slug),
        )
        for match in workshops_matching_goals(user.id, now=now)
    ]


def open_consultations(now: datetime) -> list[Item]:
    """Framework versions open for comments today, closing soonest first."""
    today = in_london(now).date()
    versions = db.session.scalars(
        sa.select(FrameworkVersion)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .where(FrameworkVersion.status == VersionStatus.CONSULTATION)
        .order_by(FrameworkVersion.consultation_closes_on, FrameworkVersion.id)
    )
    return [
        Item(
            f"{version.framework.title}, version {version.number}"
            + (
                f": comments close on {long_day(version.consultation_closes_on)}"
                if version.consultation_closes_on
                else ""
            ),
            external_url(
                "frameworks.show_version", slug=version.framework.slug, version=version.number
            ),
        )
        for version in versions
        if consultation_is_open(version, today)
    ]


def reminder_content(user: User, *, now: datetime) -> ReminderContent:
    """Everything one member's reminder says, as of `now`."""
    year = in_london(now).year
    totals = cpd_record(user).totals(year)
    return ReminderContent(
        goals=_goals(user, now),
        workshops=_workshops(user, now),
        consultations=open_consultations(now),
        year=year,
        cpd_hours=hours_phrase(totals.minutes),
        cpd_target=hours_phrase(totals.target_minutes) if totals.target_minutes else None,
        cpd_to_go=hours_phrase(totals.remaining_minutes) if totals.remaining_minutes else None,
    )
