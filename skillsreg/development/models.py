"""Development plans: goals (a skill, a target level, a target date), activities, commitments."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


class PlanAim(enum.Enum):
    """Which role level the plan's goals are proposed against."""

    CURRENT = "current"
    NEXT = "next"

    @property
    def label(self) -> str:
        return {PlanAim.CURRENT: "My role level", PlanAim.NEXT: "The next role level up"}[self]


class ActivityKind(enum.Enum):
    WORKSHOP = "workshop"
    DOCUMENT = "document"
    COURSE = "course"
    MENTORING = "mentoring"
    SHADOWING = "shadowing"
    ON_THE_JOB = "on_the_job"

    @property
    def label(self) -> str:
        return ACTIVITY_KIND_LABELS[self]


ACTIVITY_KIND_LABELS = {
    ActivityKind.WORKSHOP: "Workshop",
    ActivityKind.DOCUMENT: "Library document",
    ActivityKind.COURSE: "Course",
    ActivityKind.MENTORING: "Mentoring",
    ActivityKind.SHADOWING: "Shadowing",
    ActivityKind.ON_THE_JOB: "On-the-job work",
}


class ActivityState(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return ACTIVITY_STATE_LABELS[self]


ACTIVITY_STATE_LABELS = {
    ActivityState.PLANNED: "Planned",
    ActivityState.IN_PROGRESS: "In progress",
    ActivityState.DONE: "Done",
    ActivityState.DROPPED: "Dropped",
}


class CommitmentOutcome(enum.Enum):
    """What the member says became of a commitment once its date came."""

    OPEN = "open"
    KEPT = "kept"
    MISSED = "missed"
    RENEWED = "renewed"

    @property
    def label(self) -> str:
        return COMMITMENT_OUTCOME_LABELS[self]


COMMITMENT_OUTCOME_LABELS = {
    CommitmentOutcome.OPEN: "In progress",
    CommitmentOutcome.KEPT: "Kept",
    CommitmentOutcome.MISSED: "Missed",
    CommitmentOutcome.RENEWED: "Renewed",
}


class Plan(db.Model):  # type: ignore[name-defined]
    """A member's development plan, started from one submitted self-assessment."""

    __tablename__ = "development_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The assessment the plan started from; its levels are each goal's starting point.
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"))
    role_code: Mapped[str] = mapped_column(sa.String(64))
    # The role level the goals aim at: the member's own, or the next one up.
    role_level_code: Mapped[str] = mapped_column(sa.String(64))
    aim: Mapped[PlanAim] = mapped_column(enum_column(PlanAim), default=PlanAim.CURRENT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    # Only a hash of the share token is kept, as for assessments.
    share_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    share_created_at: Mapped[datetime | None]

    user: Mapped[Any] = relationship("User")
    assessment: Mapped[Any] = relationship("Assessment")
    version: Mapped[Any] = relationship("FrameworkVersion")
    goals: Mapped[list[Goal]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Goal.position"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Goal(db.Model):  # type: ignore[name-defined]
    """One skill to develop: the level to reach and the date to reach it by."""

    __tablename__ = "development_goals"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "skill_code"),
        sa.CheckConstraint("target_level > 0", name="target_level_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("development_plans.id", ondelete="CASCADE"), index=True
    )
    # The skill in `version_id`; moves to a successor when the member accepts one.
    skill_code: Mapped[str] = mapped_column(sa.String(16))
    skill_name: Mapped[str] = mapped_column(sa.String(200))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"))
    # Earlier codes of this goal's skill, oldest first, when it followed a successor.
    previous_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    start_level: Mapped[int | None]
    target_level: Mapped[int]
    target_on: Mapped[date] = mapped_column(sa.Date)
    position: Mapped[int] = mapped_column(default=0)
    achieved_at: Mapped[datetime | None]
    # The member opted in to make this goal a public commitment.
    is_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="goals")
    version: Mapped[Any] = relationship("FrameworkVersion")
    activities: Mapped[list[Activity]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="Activity.id"
    )
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="Commitment.id"
    )

    @property
    def is_achieved(self) -> bool:
        return self.achieved_at is not None

    @property
    def commitment(self) -> Commitment | None:
        """The latest commitment made for this goal, if any."""
        return self.commitments[-1] if self.commitments else None


class Activity(db.Model):  # type: ignore[name-defined]
    """Something the member does towards a goal: a workshop, a document, a course, and so on."""

    __tablename__ = "development_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("development_goals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    workshop_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshops.id", ondelete="SET NULL")
    )
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("library_documents.id", ondelete="SET NULL")
    )
    state: Mapped[ActivityState] = mapped_column(
        enum_column(ActivityState), default=ActivityState.PLANNED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]

    goal: Mapped[Goal] = relationship(back_populates="activities")
    workshop: Mapped[Any] = relationship("Workshop")
    document: Mapped[Any] = relationship("Document")


class Commitment(db.Model):  # type: ignore[name-defined]
    """A goal made public: its words are fixed when made; renewing makes a new one."""

    __tablename__ = "development_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("development_goals.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill_name: Mapped[str] = mapped_column(sa.String(200))
    level_name: Mapped[str] = mapped_column(sa.String(100))
    due_on: Mapped[date] = mapped_column(sa.Date)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[CommitmentOutcome] = mapped_column(
        enum_column(CommitmentOutcome), default=CommitmentOutcome.OPEN
    )
    outcome_at: Mapped[datetime | None]

    goal: Mapped[Goal] = relationship(back_populates="commitments")
