"""Read models for development pages, and for other domains (reminders, the CPD record).

`goals_due_soon` and `workshops_matching_goals` are the interface the reminders and CPD record use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from skillsreg.assessments.models import Assessment
from skillsreg.development.models import Goal, Plan
from skillsreg.development.queries.commitments import (
    PublicCommitment,
    commitment_texts,
    commitments_to_answer,
    find_commitment,
    public_commitments,
    public_name,
)
from skillsreg.development.queries.progress import (
    GoalRow,
    PlanPage,
    SuccessorOffer,
    SuccessorOption,
    audience,
    documents_for_skill,
    find_activity,
    find_goal,
    find_plan,
    latest_later_assessment,
    level_names,
    plan_page,
    plans_of,
    progress_of,
    successor_offer,
    upcoming_open_workshops,
)
from skillsreg.development.queries.proposals import (
    ProposalRow,
    Proposals,
    consents_of,
    document_title,
    has_next_level,
    plan_proposals,
    submitted_assessments,
    workshop_title,
)
from skillsreg.extensions import db


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


def _open_goals(user_id: int) -> sa.Select[Any]:
    return (
        sa.select(Goal)
        .join(Plan, Goal.plan_id == Plan.id)
        .where(Plan.user_id == user_id, Plan.closed_at.is_(None), Goal.achieved_at.is_(None))
    )


def goals_due_soon(user_id: int, *, now: datetime, within_days: int = 92) -> list[GoalDue]:
    """Open goals due from today to `within_days` ahead, soonest first; reached ones left out."""
    today = now.date()
    goals: list[Goal] = list(
        db.session.scalars(
            _open_goals(user_id)
            .where(Goal.target_on >= today, Goal.target_on <= today + timedelta(days=within_days))
            .order_by(Goal.target_on, Goal.id)
        )
    )
    goals = _not_reached(goals)
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


def _not_reached(goals: list[Goal]) -> list[Goal]:
    """Goals a later assessment does not show as reached."""
    later: dict[int, Assessment | None] = {}
    kept = []
    for goal in goals:
        if goal.plan_id not in later:
            later[goal.plan_id] = latest_later_assessment(goal.plan)
        if progress_of(goal, later[goal.plan_id])[0].status != "reached":
            kept.append(goal)
    return kept


def open_goal_codes(user_id: int) -> set[str]:
    """Skill codes of the member's goals still to reach, in open plans."""
    return set(db.session.scalars(_open_goals(user_id).with_only_columns(Goal.skill_code)))


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


__all__ = [
    "GoalDue",
    "GoalRow",
    "PlanPage",
    "ProposalRow",
    "Proposals",
    "PublicCommitment",
    "SuccessorOffer",
    "SuccessorOption",
    "WorkshopMatch",
    "audience",
    "commitment_texts",
    "commitments_to_answer",
    "consents_of",
    "document_title",
    "documents_for_skill",
    "find_activity",
    "find_commitment",
    "find_goal",
    "find_plan",
    "goals_due_soon",
    "has_next_level",
    "latest_later_assessment",
    "level_names",
    "open_goal_codes",
    "plan_page",
    "plan_proposals",
    "plans_of",
    "progress_of",
    "public_commitments",
    "public_name",
    "submitted_assessments",
    "successor_offer",
    "upcoming_open_workshops",
    "workshop_title",
    "workshops_matching_goals",
]
