"""Read models for starting a plan: the gaps of a submitted assessment as proposed goals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.assessments.queries import role_level_in
from skillsreg.development.models import (
    PlanAim,
)
from skillsreg.development.rules import (
    ProposedGoal,
    next_level_code,
    propose_goals,
)
from skillsreg.extensions import db
from skillsreg.frameworks.store import load_version
from skillsreg.library.models import Document
from skillsreg.register.models import Consent
from skillsreg.register.rules import ConsentField
from skillsreg.workshops.models import Workshop


@dataclass(frozen=True)
class ProposalRow:
    """A proposed goal with the names a page shows."""

    code: str
    skill_name: str
    start_level: int | None
    target_level: int
    start_name: str
    target_name: str
    shortfall: int


@dataclass(frozen=True)
class Proposals:
    """The goals proposed from an assessment's gaps against a role level."""

    role_level_code: str
    role_level_name: str
    goals: list[ProposalRow]


def plan_proposals(assessment: Assessment, aim: PlanAim) -> Proposals | None:
    """Gaps of a submitted assessment against its role level or the next one up (None: no such)."""
    version = load_version(assessment.version_id)
    step = role_level_in(version, assessment.role_code, assessment.role_level_code)
    if step is None:
        return None
    if aim is PlanAim.NEXT:
        codes = [level.code for level in sorted(step.role.levels, key=lambda lv: lv.position)]
        upper = next_level_code(codes, step.code)
        step = role_level_in(version, assessment.role_code, upper) if upper else None
        if step is None:
            return None
    names = {level.number: level.name for level in version.levels}
    skills = {skill.code: skill.name for skill in version.skills}
    proposed: list[ProposedGoal] = propose_goals(
        assessment.levels(), step.expected, order=[s.code for s in version.skills]
    )
    rows = [
        ProposalRow(
            p.code,
            skills.get(p.code, p.code),
            p.start_level,
            p.target_level,
            names.get(p.start_level, "Not rated") if p.start_level else "Not rated",
            names.get(p.target_level, str(p.target_level)),
            p.shortfall,
        )
        for p in proposed
        if p.code in skills
    ]
    return Proposals(step.code, f"{step.role.name}: {step.name}", rows)


def has_next_level(assessment: Assessment) -> bool:
    return plan_proposals(assessment, PlanAim.NEXT) is not None


def submitted_assessments(user: Any) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.user_id == user.id, Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.submitted_at.desc())
        )
    )


def workshop_title(workshop_id: int) -> str | None:
    return db.session.scalar(sa.select(Workshop.title).where(Workshop.id == workshop_id))


def document_title(document_id: int) -> str | None:
    return db.session.scalar(sa.select(Document.title).where(Document.id == document_id))


def consents_of(user: Any) -> set[ConsentField]:
    return set(db.session.scalars(sa.select(Consent.field).where(Consent.user_id == user.id)))
