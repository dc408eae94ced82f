"""Reviews of a submitted assessment by a named reviewer, and the levels they gave."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.assessments.models import Assessment
from skillsreg.core.db import enum_column
from skillsreg.extensions import db


def hash_token(token: str) -> str:
    """What is stored of a review link's token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class ReviewerRelationship(enum.Enum):
    LINE_MANAGER = "line manager"
    PEER = "peer"
    MENTOR = "mentor"
    ORGANISER = "organiser"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ReviewStatus(enum.Enum):
    REQUESTED = "requested"  # waiting for the reviewer
    GIVEN = "given"  # the reviewer answered; the member has not decided yet
    ACCEPTED = "accepted"  # the member made a validated assessment from it
    DECLINED = "declined"  # the reviewer said no
    CANCELLED = "cancelled"  # the member withdrew the request (or set the review aside)

    @property
    def label(self) -> str:
        return REVIEW_STATUS_LABELS[self]


REVIEW_STATUS_LABELS = {
    ReviewStatus.REQUESTED: "Waiting for the reviewer",
    ReviewStatus.GIVEN: "Review received",
    ReviewStatus.ACCEPTED: "Validated",
    ReviewStatus.DECLINED: "Declined",
    ReviewStatus.CANCELLED: "Cancelled",
}


class Review(db.Model):  # type: ignore[name-defined]
    """One request for an independent review of a submitted assessment, and its answer.

    A reviewer without an account answers through a single-use, expiring emailed link; an
    organiser the assessment is shared with answers signed in (reviewer_user_id, no link).
    """

    __tablename__ = "assessment_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    # The member whose assessment it is (the one who asked, or who shared it with an organiser).
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    reviewer_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    relationship_kind: Mapped[ReviewerRelationship] = mapped_column(
        enum_column(ReviewerRelationship)
    )
    # Who the member asked for; replaced by what the reviewer says of themselves on answering.
    reviewer_name: Mapped[str] = mapped_column(sa.String(200))
    reviewer_email: Mapped[str | None] = mapped_column(sa.String(320))
    reviewer_job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    reviewer_organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus), default=ReviewStatus.REQUESTED
    )
    # Only a hash is kept, so a copy of the database cannot be used to answer for someone.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None]
    validated_assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="SET NULL"), unique=True
    )
    # The email that carried the link: it names the member, so erasure deletes it too.
    request_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )

    assessment: Mapped[Assessment] = relationship(foreign_keys=[assessment_id])
    member: Mapped[Any] = relationship("User", foreign_keys=[member_id])
    reviewer_user: Mapped[Any] = relationship("User", foreign_keys=[reviewer_user_id])
    validated_assessment: Mapped[Assessment | None] = relationship(
        foreign_keys=[validated_assessment_id]
    )
    items: Mapped[list[ReviewItem]] = relationship(
        cascade="all, delete-orphan", order_by="ReviewItem.id", back_populates="review"
    )

    def is_open(self, now: datetime) -> bool:
        """Whether the reviewer can still answer."""
        return self.status is ReviewStatus.REQUESTED and self.expires_at > now

    def is_expired(self, now: datetime) -> bool:
        return self.status is ReviewStatus.REQUESTED and self.expires_at <= now

    def item_for(self, code: str) -> ReviewItem | None:
        return next((item for item in self.items if item.skill_code == code), None)

    def __repr__(self) -> str:
        return f"<Review {self.id} assessment={self.assessment_id} {self.status.value}>"


class ReviewItem(db.Model):  # type: ignore[name-defined]
    """The reviewer's view of one skill: agreeing with the member, or another level and why."""

    __tablename__ = "assessment_review_items"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "skill_code"),
        sa.CheckConstraint("level IS NULL OR NOT is_not_applicable", name="level_or_na"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment_reviews.id", ondelete="CASCADE")
    )
    skill_code: Mapped[str] = mapped_column(sa.String(16))
    agrees: Mapped[bool]
    # The reviewer's level (the member's own when they agree), or not applicable.
    level: Mapped[int | None]
    is_not_applicable: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[Review] = relationship(back_populates="items")
