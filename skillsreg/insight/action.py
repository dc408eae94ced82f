"""From gaps to action: the largest gaps beside the workshops targeting them, and what
framework authors need: skills nobody rates, descriptors that draw most comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from skillsreg.extensions import db
from skillsreg.frameworks.models import Comment, FrameworkVersion
from skillsreg.insight.tables import Cell, SkillSummary
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)


@dataclass(frozen=True)
class WorkshopDemand:
    workshop_id: int
    slug: str
    title: str
    starts_at: datetime
    capacity: int
    interest: int
    targets: list[str]

    @property
    def per_place(self) -> float:
        return self.interest / self.capacity if self.capacity else 0.0


@dataclass(frozen=True)
class GapAction:
    code: str
    name: str
    below: Cell
    workshops: list[WorkshopDemand] = field(default_factory=list)


def upcoming_workshops(now: datetime) -> list[WorkshopDemand]:
    """Published workshops not yet started, with expressions of interest counted in SQL."""
    interest = (
        sa.select(Choice.workshop_id, sa.func.count().label("interest"))
        .join(ExpressionOfInterest, ExpressionOfInterest.id == Choice.eoi_id)
        .where(
            ExpressionOfInterest.submitted_at.is_not(None),
            ExpressionOfInterest.withdrawn_at.is_(None),
            Choice.status != ChoiceStatus.WITHDRAWN,
        )
        .group_by(Choice.workshop_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Workshop, sa.func.coalesce(interest.c.interest, 0))
        .outerjoin(interest, interest.c.workshop_id == Workshop.id)
        .where(Workshop.status == WorkshopStatus.PUBLISHED, Workshop.starts_at > now)
        .order_by(Workshop.starts_at)
    )
    return [
        WorkshopDemand(w.id, w.slug, w.title, w.starts_at, w.capacity, n, w.target_skill_codes)
        for w, n in rows
    ]


def gap_actions(skills: list[SkillSummary], now: datetime, *, limit: int = 10) -> list[GapAction]:
    """The skills most people fall below expectations in (hidden counts last), with workshops."""
    ranked = sorted(
        (s for s in skills if not s.gaps[0].is_hidden and (s.gaps[0].count or 0) > 0),
        key=lambda s: (-(s.gaps[0].count or 0), s.code),
    )[:limit]
    workshops = upcoming_workshops(now)
    return [
        GapAction(
            s.code,
            s.name,
            s.gaps[0],
            [w for w in workshops if s.code in w.targets],
        )
        for s in ranked
    ]


def unrated_skills(skills: list[SkillSummary]) -> list[SkillSummary]:
    """Skills of the version no counted person has rated."""
    return [s for s in skills if s.rated.count == 0]


@dataclass(frozen=True)
class CommentedDescriptor:
    version_number: str
    skill_code: str
    level: int | None
    comments: int


def most_commented(version: FrameworkVersion, *, limit: int = 10) -> list[CommentedDescriptor]:
    """The skills and descriptors (skill and level) of the framework drawing most comments."""
    rows = db.session.execute(
        sa.select(FrameworkVersion.number, Comment.skill_code, Comment.level, sa.func.count())
        .join(FrameworkVersion, FrameworkVersion.id == Comment.version_id)
        .where(
            FrameworkVersion.framework_id == version.framework_id,
            Comment.skill_code.is_not(None),
        )
        .group_by(FrameworkVersion.number, Comment.skill_code, Comment.level)
        .order_by(sa.func.count().desc(), Comment.skill_code)
        .limit(limit)
    )
    return [CommentedDescriptor(v, str(s), lv, n) for v, s, lv, n in rows]
