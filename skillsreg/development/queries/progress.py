"""Read models of plans and their progress, traced across framework versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.assessments.queries import is_shared_with_organisers, role_level_in
from skillsreg.assessments.rules import Audience, Relations, audience_of
from skillsreg.development.models import (
    Activity,
    Goal,
    Plan,
)
from skillsreg.development.rules import (
    GoalProgress,
    PlanProgress,
    Trace,
    goal_progress,
    plan_progress,
    trace_through,
)
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion, ScaleLevel, VersionStatus
from skillsreg.frameworks.store import load_version
from skillsreg.library.models import Document, DocumentSkill
from skillsreg.workshops.models import Workshop, WorkshopStatus


def plans_of(user: Any) -> list[Plan]:
    return list(
        db.session.scalars(
            sa.select(Plan)
            .where(Plan.user_id == user.id)
            .options(selectinload(Plan.goals))
            .order_by(Plan.created_at.desc(), Plan.id.desc())
        )
    )


def find_plan(plan_id: int) -> Plan | None:
    return db.session.scalar(
        sa.select(Plan)
        .where(Plan.id == plan_id)
        .options(selectinload(Plan.goals).selectinload(Goal.activities))
    )


def find_goal(plan: Plan, goal_id: int) -> Goal | None:
    return next((goal for goal in plan.goals if goal.id == goal_id), None)


def find_activity(goal: Goal, activity_id: int) -> Activity | None:
    return next((a for a in goal.activities if a.id == activity_id), None)


def audience(plan: Plan, viewer: Any) -> Audience | None:
    """Who may see a plan: its owner, or organisers while its assessment is shared with them."""
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    is_organiser = bool(viewer_id and viewer.is_organiser)
    return audience_of(
        owner_id=plan.user_id,
        viewer_id=viewer_id,
        is_submitted=True,
        viewer_is_organiser=is_organiser,
        shared_in_interest=bool(
            is_organiser and plan.assessment_id and is_shared_with_organisers(plan.assessment_id)
        ),
    )


def _relations(version: FrameworkVersion) -> Relations:
    return {
        s.code: (s.relation_type or "unchanged", list(s.relation_from or [s.code]))
        for s in version.skills
    }


def _chain(from_id: int, to_id: int) -> list[FrameworkVersion] | None:
    """The versions after `from_id` up to `to_id`, oldest first; None if not a descendant."""
    chain: list[FrameworkVersion] = []
    current: int | None = to_id
    while current is not None and current != from_id:
        version = load_version(current)
        chain.append(version)
        current = version.parent_id
    return list(reversed(chain)) if current == from_id else None


def latest_later_assessment(plan: Plan) -> Assessment | None:
    """The member's latest submitted assessment of the plan's framework made after its start."""
    started = plan.assessment.submitted_at if plan.assessment else plan.created_at
    framework_id = db.session.scalar(
        sa.select(FrameworkVersion.framework_id).where(FrameworkVersion.id == plan.version_id)
    )
    return db.session.scalar(
        sa.select(Assessment)
        .join(FrameworkVersion, FrameworkVersion.id == Assessment.version_id)
        .where(
            Assessment.user_id == plan.user_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.submitted_at > started,
            FrameworkVersion.framework_id == framework_id,
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def _trace(goal: Goal, to_version_id: int) -> Trace | None:
    chain = _chain(goal.version_id, to_version_id)
    if chain is None:
        return None
    return trace_through(goal.skill_code, [_relations(version) for version in chain])


def progress_of(goal: Goal, later: Assessment | None) -> tuple[GoalProgress, Trace | None]:
    """A goal's progress as measured by a later assessment, through the versions between."""
    if later is None:
        return goal_progress(
            goal.start_level, None, goal.target_level, assessed=False, successor_needed=False
        ), None
    trace = _trace(goal, later.version_id)
    if trace is None:  # the later assessment is on a version this goal cannot be traced to
        return goal_progress(
            goal.start_level, None, goal.target_level, assessed=False, successor_needed=False
        ), None
    levels = later.levels()
    assessed = trace.code is not None and trace.code in levels
    progress = goal_progress(
        goal.start_level,
        levels.get(trace.code) if trace.code else None,
        goal.target_level,
        assessed=assessed,
        successor_needed=trace.code is None,
    )
    return progress, trace


@dataclass(frozen=True)
class SuccessorOption:
    code: str
    name: str


@dataclass(frozen=True)
class SuccessorOffer:
    """Skills of a newer version a goal whose skill was split or retired can follow."""

    relation: str
    version_id: int
    version_number: str
    options: list[SuccessorOption]


def _newest_descendant(goal: Goal) -> FrameworkVersion | None:
    version = db.session.get(FrameworkVersion, goal.version_id)
    if version is None:
        return None
    candidates = db.session.scalars(
        sa.select(FrameworkVersion)
        .where(
            FrameworkVersion.framework_id == version.framework_id,
            FrameworkVersion.status.in_([VersionStatus.PUBLISHED, VersionStatus.RETIRED]),
            FrameworkVersion.id != version.id,
        )
        .order_by(FrameworkVersion.published_at.desc(), FrameworkVersion.id.desc())
    )
    for candidate in candidates:
        if _chain(goal.version_id, candidate.id) is not None:
            return candidate
    return None


def successor_offer(goal: Goal) -> SuccessorOffer | None:
    """Successors to offer when the goal's skill was split or retired in a newer version."""
    newer = _newest_descendant(goal)
    if newer is None:
        return None
    trace = _trace(goal, newer.id)
    if trace is None or trace.code is not None:
        return None
    version = load_version(newer.id)
    names = {skill.code: skill.name for skill in version.skills}
    if trace.relation == "split":
        codes = list(trace.choices)
    else:  # retired: the skills now in the category the old skill was in
        old = load_version(goal.version_id)
        category = next((s.category_code for s in old.skills if s.code == goal.skill_code), None)
        codes = [s.code for s in version.skills if s.category_code == category] or list(names)
    options = [SuccessorOption(code, names[code]) for code in codes if code in names]
    return SuccessorOffer(trace.relation, version.id, version.number, options)


@dataclass
class GoalRow:
    """One goal on the plan page: progress, names, activities and suggestions."""

    goal: Goal
    progress: GoalProgress
    trace: Trace | None
    start_name: str
    latest_name: str
    target_name: str
    successor: SuccessorOffer | None = None
    workshops: list[Workshop] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return {
            "reached": "Target reached",
            "progressing": "Progressing",
            "not-started": "Not started",
            "not-assessed": "Not yet reassessed",
            "needs-successor": "Choose a new skill",
        }[self.progress.status]


@dataclass
class PlanPage:
    """Everything a plan's page shows."""

    plan: Plan
    role_level_name: str
    rows: list[GoalRow]
    progress: PlanProgress
    later: Assessment | None
    level_options: list[tuple[int, str]]


def _level_name(names: dict[int, str], level: int | None, empty: str = "Not rated") -> str:
    if level is None:
        return empty
    return names.get(level, f"Level {level}")


def plan_page(plan: Plan, *, now: datetime, suggestions: bool = True) -> PlanPage:
    """A plan with each goal's progress from the member's latest later assessment."""
    version = load_version(plan.version_id)
    step = role_level_in(version, plan.role_code, plan.role_level_code)
    role_name = f"{step.role.name}: {step.name}" if step else plan.role_level_code
    later = latest_later_assessment(plan)
    names = {level.number: level.name for level in version.levels}
    workshops = upcoming_open_workshops(now) if suggestions else []
    rows = []
    for goal in plan.goals:
        progress, trace = progress_of(goal, later)
        row = GoalRow(
            goal,
            progress,
            trace,
            _level_name(names, goal.start_level),
            _level_name(names, progress.latest, "Not yet reassessed")
            if progress.status != "not-assessed"
            else "Not yet reassessed",
            _level_name(names, goal.target_level),
        )
        if suggestions:
            row.successor = successor_offer(goal) if not goal.is_achieved else None
            row.workshops = [w for w in workshops if goal.skill_code in w.target_skill_codes]
            row.documents = documents_for_skill(goal.skill_code)
        rows.append(row)
    return PlanPage(
        plan,
        role_name,
        rows,
        plan_progress(row.progress for row in rows),
        later,
        sorted(names.items()),
    )


def documents_for_skill(code: str, *, limit: int = 5) -> list[Document]:
    """Library documents (not withdrawn) tagged with a skill code, newest first."""
    return list(
        db.session.scalars(
            sa.select(Document)
            .join(DocumentSkill, DocumentSkill.document_id == Document.id)
            .where(DocumentSkill.skill_code == code, Document.withdrawn_at.is_(None))
            .order_by(Document.updated_at.desc(), Document.id.desc())
            .limit(limit)
        )
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
