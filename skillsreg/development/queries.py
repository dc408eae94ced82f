"""Read models for development pages, and for other domains (reminders, the CPD record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from skillsreg.development.models import Goal, Plan
from skillsreg.extensions import db
from skillsreg.frameworks.models import ScaleLevel
from skillsreg.workshops.models import Workshop, WorkshopStatus


@dataclass(frozen=True)
class GoalDue:
    """A goal not yet achieved whose target date falls soon."""

    plan_id: int
    goal_id: int
    skill_code: str
    skill_name: str
    target_level: int
    target_level_name: str
    target_on: date


@dataclass(frozen=True)
class WorkshopMatch:
    """An upcoming workshop open for interest that targets skills of the member's open goals."""

    workshop_id: int
    slug: str
    title: str
    starts_at: datetime
    closes_at: datetime
    skill_codes: tuple[str, ...]


def _open_goals(user_id: int) -> sa.Select[tuple[Goal]]:
    return (
        sa.select(Goal)
        .join(Plan, Goal.plan_id == Plan.id)
        .where(Plan.user_id == user_id, Plan.closed_at.is_(None), Goal.achieved_at.is_(None))
    )


def level_names(version_ids: set[int]) -> dict[tuple[int, int], str]:
    """Scale level names keyed by (version id, level number)."""
    if not version_ids:
        return {}
    rows = db.session.execute(
        sa.select(ScaleLevel.version_id, ScaleLevel.number, ScaleLevel.name).where(
            ScaleLevel.version_id.in_(version_ids)
        )
    )
    return {(row.version_id, row.number): row.name for row in rows}


def goals_due_soon(user_id: int, *, now: datetime, within_days: int = 92) -> list[GoalDue]:
    """Open goals of the member's open plans due from today to `within_days` ahead, soonest first."""
    today = now.date()
    goals = list(
        db.session.scalars(
            _open_goals(user_id)
            .where(Goal.target_on >= today, Goal.target_on <= today + timedelta(days=within_days))
            .order_by(Goal.target_on, Goal.id)
        )
    )
    names = level_names({goal.version_id for goal in goals})
    return [
        GoalDue(
            plan_id=goal.plan_id,
            goal_id=goal.id,
            skill_code=goal.skill_code,
            skill_name=goal.skill_name,
            target_level=goal.target_level,
            target_level_name=names.get((goal.version_id, goal.target_level), ""),
            target_on=goal.target_on,
        )
        for goal in goals
    ]


def open_goal_codes(user_id: int) -> set[str]:
    """Skill codes of the member's goals still to reach, in open plans."""
    return set(db.session.scalars(_open_goals(user_id).with_only_columns(Goal.skill_code)))


def upcoming_open_workshops(now: datetime) -> list[Workshop]:
    """Published workshops still taking interest and not yet started, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Workshop)
            .where(
                Workshop.status == WorkshopStatus.PUBLISHED,
                Workshop.closes_at > now,
                Workshop.starts_at > now,
            )
            .order_by(Workshop.starts_at, Workshop.id)
        )
    )


def workshops_matching_goals(user_id: int, *, now: datetime) -> list[WorkshopMatch]:
    """Upcoming published workshops open for interest that target skills of open goals."""
    codes = open_goal_codes(user_id)
    matches = []
    for workshop in upcoming_open_workshops(now) if codes else []:
        matching = tuple(code for code in workshop.target_skill_codes if code in codes)
        if matching:
            matches.append(
                WorkshopMatch(
                    workshop.id,
                    workshop.slug,
                    workshop.title,
                    workshop.starts_at,
                    workshop.closes_at,
                    matching,
                )
            )
    return matches
