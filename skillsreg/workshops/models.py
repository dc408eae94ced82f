"""Workshops organisers run, and members' expressions of interest in them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


class WorkshopStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ChoiceStatus(enum.Enum):
    APPLIED = "applied"
    WITHDRAWN = "withdrawn"
    SELECTED = "selected"
    WAITING = "waiting"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NOT_SELECTED = "not_selected"

    @property
    def label(self) -> str:
        return CHOICE_STATUS_LABELS[self]


CHOICE_STATUS_LABELS = {
    ChoiceStatus.APPLIED: "Applied",
    ChoiceStatus.WITHDRAWN: "Withdrawn",
    ChoiceStatus.SELECTED: "Selected",
    ChoiceStatus.WAITING: "On the waiting list",
    ChoiceStatus.OFFERED: "Place offered",
    ChoiceStatus.ACCEPTED: "Place accepted",
    ChoiceStatus.DECLINED: "Place declined",
    ChoiceStatus.NOT_SELECTED: "Not selected",
}

# Statuses in which a choice holds one of the workshop's places.
PLACE_HOLDING = (ChoiceStatus.OFFERED, ChoiceStatus.ACCEPTED)


class Workshop(db.Model):  # type: ignore[name-defined]
    """A dated event with limited places that members express interest in."""

    __tablename__ = "workshops"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    is_online: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int]
    closes_at: Mapped[datetime]
    status: Mapped[WorkshopStatus] = mapped_column(
        enum_column(WorkshopStatus), default=WorkshopStatus.DRAFT
    )
    eligible_sectors: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    target_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="SET NULL")
    )
    target_role_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    target_skill_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    prefer_managers: Mapped[bool] = mapped_column(default=False)
    max_share_per_sector: Mapped[int | None]
    max_per_organisation: Mapped[int | None]
    one_place_per_person: Mapped[bool] = mapped_column(default=True)
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()
    choices: Mapped[list[Choice]] = relationship(back_populates="workshop")

    @property
    def is_published(self) -> bool:
        return self.status is WorkshopStatus.PUBLISHED

    @property
    def full_venue(self) -> str:
        """Where it happens, in one line: "Online", or the venue and its full address."""
        if self.is_online:
            return "Online"
        lines = [self.venue, *(self.address or "").splitlines()]
        return ", ".join(line.strip() for line in lines if line.strip())

    def is_open(self, now: datetime) -> bool:
        """Published and still taking expressions of interest."""
        return self.is_published and now < self.closes_at

    def admits(self, sector: str) -> bool:
        """Whether people from this sector may apply (an empty list admits everyone)."""
        return not self.eligible_sectors or sector in self.eligible_sectors

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.slug}>"


class ExpressionOfInterest(db.Model):  # type: ignore[name-defined]
    """A member's answers and ranked choice of workshops, kept as a draft until submitted."""

    __tablename__ = "expressions_of_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    experience: Mapped[str] = mapped_column(sa.Text, default="")
    manages_web_team: Mapped[bool | None]
    years_managing: Mapped[int | None]
    share_assessment: Mapped[bool] = mapped_column(default=False)
    shared_assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="SET NULL")
    )
    access_needs: Mapped[str | None] = mapped_column(sa.Text)
    wants_to_comment_on_draft: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()
    choices: Mapped[list[Choice]] = relationship(
        back_populates="eoi", cascade="all, delete-orphan", order_by="Choice.rank"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def __repr__(self) -> str:
        return f"<ExpressionOfInterest {self.id} user={self.user_id}>"


class Choice(db.Model):  # type: ignore[name-defined]
    """One workshop in an expression of interest, with its rank and the member's availability."""

    __tablename__ = "workshop_choices"
    __table_args__ = (
        sa.UniqueConstraint("eoi_id", "workshop_id"),
        sa.CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    eoi_id: Mapped[int] = mapped_column(
        sa.ForeignKey("expressions_of_interest.id", ondelete="CASCADE")
    )
    workshop_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    is_available: Mapped[bool | None]
    status: Mapped[ChoiceStatus] = mapped_column(
        enum_column(ChoiceStatus), default=ChoiceStatus.APPLIED
    )
    # Recorded by an organiser after the event; None until then. Feeds the newcomer bonus.
    attended: Mapped[bool | None]
    attendance_recorded_at: Mapped[datetime | None]

    eoi: Mapped[ExpressionOfInterest] = relationship(back_populates="choices")
    workshop: Mapped[Workshop] = relationship(back_populates="choices")
