"""Read models of the CPD record: a year's rows and totals, attended workshops, skill choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from skillsreg.accounts.models import User
from skillsreg.development.cpd.models import KIND_LABELS, CpdActivity, CpdKind, CpdTarget
from skillsreg.development.cpd.rules import (
    Entry,
    YearTotals,
    workshop_minutes,
    year_totals,
    years_with_entries,
)
from skillsreg.development.models import Goal, Plan
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion, VersionStatus
from skillsreg.workshops.models import Choice, ChoiceStatus, ExpressionOfInterest, Workshop
from skillsreg.workshops.queries import in_london

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def skill_version() -> FrameworkVersion | None:
    """The framework version members pick skills from: the latest one published."""
    versions = db.session.scalars(
        sa.select(FrameworkVersion).where(FrameworkVersion.status == VersionStatus.PUBLISHED)
    ).all()
    return max(versions, key=lambda v: (v.published_at or EPOCH, v.sort_key), default=None)


@dataclass(frozen=True)
class SkillChoice:
    code: str
    name: str
    category: str


def skill_choices(version: FrameworkVersion | None) -> list[SkillChoice]:
    """The version's skills, in the framework's order, with their category's name."""
    if version is None:
        return []
    categories = {c.code: c.name for c in version.categories}
    return [
        SkillChoice(skill.code, skill.name, categories.get(skill.category_code, ""))
        for skill in version.skills
    ]


def _skill_names(version_ids: set[int]) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Skill code to (name, category code) and category code to name, the latest version first."""
    latest = skill_version()
    ids = [*([latest.id] if latest else []), *sorted(version_ids - {latest.id if latest else 0})]
    skills: dict[str, tuple[str, str]] = {}
    categories: dict[str, str] = {}
    for version_id in ids:
        version = db.session.get(FrameworkVersion, version_id)
        if version is None:
            continue
        for category in version.categories:
            categories.setdefault(category.code, category.name)
        for skill in version.skills:
            skills.setdefault(skill.code, (skill.name, skill.category_code))
    return skills, categories


def attended_choice(user: User, workshop_id: int) -> Choice | None:
    """The member's confirmed place at a workshop an organiser recorded them attending."""
    return db.session.scalar(_attended(user).where(Choice.workshop_id == workshop_id).limit(1))


def _attended(user: User) -> sa.Select[Any]:
    return (
        sa.select(Choice)
        .join(ExpressionOfInterest, ExpressionOfInterest.id == Choice.eoi_id)
        .where(
            ExpressionOfInterest.user_id == user.id,
            Choice.status == ChoiceStatus.ACCEPTED,
            Choice.attended.is_(True),
        )
        .options(selectinload(Choice.workshop))
    )


def workshops_awaiting_reflection(user: User) -> list[Workshop]:
    """Workshops the member attended that are not yet in their record, oldest first."""
    reflected = sa.select(CpdActivity.workshop_id).where(
        CpdActivity.user_id == user.id, CpdActivity.workshop_id.is_not(None)
    )
    choices = db.session.scalars(_attended(user).where(Choice.workshop_id.not_in(reflected)))
    workshops = {choice.workshop.id: choice.workshop for choice in choices}
    return sorted(workshops.values(), key=lambda w: w.starts_at)


@dataclass(frozen=True)
class RecordRow:
    """One line of the record: a logged activity, or an attended workshop awaiting reflection."""

    done_on: date
    minutes: int
    kind: str
    kind_label: str
    title: str
    learned: str
    application: str
    skills: list[tuple[str, str]]
    activity_id: int | None = None
    workshop_id: int | None = None
    goal: str = ""
    goal_plan_id: int | None = None

    @property
    def awaits_reflection(self) -> bool:
        return self.activity_id is None


@dataclass
class CpdRecord:
    """Everything the record page, the exports and the reminder show."""

    rows: list[RecordRow]
    target_hours: int | None
    skills: dict[str, tuple[str, str]] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)

    def entries(self) -> list[Entry]:
        return [
            Entry(r.done_on, r.minutes, r.kind, tuple(c for c, _ in r.skills)) for r in self.rows
        ]

    def years(self, *, today: date) -> list[int]:
        return years_with_entries((r.done_on for r in self.rows), this_year=today.year)

    def rows_in(self, year: int | None) -> list[RecordRow]:
        return [r for r in self.rows if year is None or r.done_on.year == year]

    def totals(self, year: int) -> YearTotals:
        return year_totals(
            self.entries(),
            year=year,
            kind_labels={kind.value: label for kind, label in KIND_LABELS.items()},
            skills=self.skills,
            categories=self.categories,
            target_hours=self.target_hours,
        )


def cpd_record(user: User) -> CpdRecord:
    """The member's whole record, newest first, attended workshops included."""
    activities = db.session.scalars(
        sa.select(CpdActivity)
        .where(CpdActivity.user_id == user.id)
        .order_by(CpdActivity.done_on.desc(), CpdActivity.id.desc())
    ).all()
    pending = workshops_awaiting_reflection(user)
    version_ids = {a.framework_version_id for a in activities if a.framework_version_id}
    version_ids |= {w.target_version_id for w in pending if w.target_version_id}
    skills, categories = _skill_names(version_ids)

    def named(codes: list[str]) -> list[tuple[str, str]]:
        return [(code, skills[code][0] if code in skills else code) for code in codes]

    rows = [
        RecordRow(
            done_on=a.done_on, minutes=a.minutes, kind=a.kind.value, kind_label=a.kind.label,
            title=a.title, learned=a.learned, application=a.application,
            skills=named(a.skill_codes or []), activity_id=a.id, workshop_id=a.workshop_id,
            goal=goal_label(a.goal) if a.goal else "",
            goal_plan_id=a.goal.plan_id if a.goal else None,
        )
        for a in activities
    ]  # fmt: skip
    rows += [
        RecordRow(
            done_on=in_london(w.starts_at).date(), minutes=workshop_minutes(w.starts_at, w.ends_at),
            kind=CpdKind.WORKSHOP.value, kind_label=CpdKind.WORKSHOP.label, title=w.title,
            learned="", application="", skills=named(list(w.target_skill_codes or [])),
            workshop_id=w.id,
        )
        for w in pending
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.done_on, r.activity_id or 0), reverse=True)
    target = db.session.get(CpdTarget, user.id)
    return CpdRecord(
        rows=rows,
        target_hours=target.yearly_hours if target else None,
        skills=skills,
        categories=categories,
    )


def own_activity(user: User, activity_id: int) -> CpdActivity | None:
    """One of the member's own activities, or None (also for anyone else's)."""
    activity = db.session.get(CpdActivity, activity_id)
    return activity if activity is not None and activity.user_id == user.id else None


def goal_choices(user: User) -> list[tuple[int, str]]:
    """The goals of the member's open plans an activity can be linked to, soonest first."""
    goals = db.session.scalars(
        sa.select(Goal)
        .join(Plan, Goal.plan_id == Plan.id)
        .where(Plan.user_id == user.id, Plan.closed_at.is_(None))
        .order_by(Goal.target_on, Goal.id)
    )
    return [(goal.id, goal_label(goal)) for goal in goals]


def goal_label(goal: Goal) -> str:
    day = goal.target_on
    return f"{goal.skill_name}: level {goal.target_level} by {day.day} {day:%B %Y}"


def own_goal(user: User, goal_id: int) -> Goal | None:
    """One of the member's own goals, or None."""
    goal = db.session.get(Goal, goal_id)
    return goal if goal is not None and goal.plan.user_id == user.id else None
