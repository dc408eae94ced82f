"""CPD activities a member logged, and their yearly target in hours."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column, utcnow
from skillsreg.development.models import Goal
from skillsreg.extensions import db
from skillsreg.workshops.models import Workshop

MAX_MINUTES = 1000 * 60  # one entry may be a long course, not a lifetime


class CpdKind(enum.Enum):
    WORKSHOP = "workshop"
    COURSE = "course"
    CONFERENCE = "conference"
    READING = "reading"
    MENTORING = "mentoring"
    ON_THE_JOB = "on-the-job"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    CpdKind.WORKSHOP: "Workshop",
    CpdKind.COURSE: "Course",
    CpdKind.CONFERENCE: "Conference",
    CpdKind.READING: "Reading",
    CpdKind.MENTORING: "Mentoring",
    CpdKind.ON_THE_JOB: "On-the-job learning",
    CpdKind.OTHER: "Other",
}


class CpdActivity(db.Model):  # type: ignore[name-defined]
    """One learning activity in a member's CPD record, with their reflections on it."""

    __tablename__ = "cpd_activities"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "workshop_id"),
        sa.CheckConstraint(f"minutes > 0 AND minutes <= {MAX_MINUTES}", name="minutes_in_range"),
        sa.Index("ix_cpd_activities_user_id_done_on", "user_id", "done_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    done_on: Mapped[date] = mapped_column(sa.Date)
    minutes: Mapped[int]
    kind: Mapped[CpdKind] = mapped_column(enum_column(CpdKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    learned: Mapped[str] = mapped_column(sa.Text, default="")
    application: Mapped[str] = mapped_column(sa.Text, default="")
    skill_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # The framework version the skills were chosen from (the latest published one at the time).
    framework_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="SET NULL")
    )
    # Set when the entry is the member's reflection on a workshop they attended.
    workshop_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshops.id", ondelete="SET NULL")
    )
    # The goal of a development plan the activity worked toward, if the member linked one.
    goal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("development_goals.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    goal: Mapped[Goal | None] = relationship()
    workshop: Mapped[Workshop | None] = relationship()

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def __repr__(self) -> str:
        return f"<CpdActivity {self.id} user={self.user_id} {self.done_on}>"


class CpdTarget(db.Model):  # type: ignore[name-defined]
    """The hours of CPD a member aims to log each year, if they set a target."""

    __tablename__ = "cpd_targets"
    __table_args__ = (sa.CheckConstraint("yearly_hours > 0", name="yearly_hours_positive"),)

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    yearly_hours: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
