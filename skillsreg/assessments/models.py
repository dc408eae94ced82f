"""Self-assessments: a member's ratings of skills against one framework version."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


class AssessmentStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Assessment(db.Model):  # type: ignore[name-defined]
    """One self-assessment, pinned to a framework version and a role level's profile."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"), index=True)
    role_code: Mapped[str] = mapped_column(sa.String(64))
    role_level_code: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column(AssessmentStatus), default=AssessmentStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    carried_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="SET NULL")
    )
    # A validated assessment: the submitted one whose independent review made it (reviews/).
    validated_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    # The rendered PDF profile, shared by every web server; deferred so pages never load it.
    pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    pdf_key: Mapped[str | None] = mapped_column(sa.String(64))
    # Only a hash of the share token is kept, so a database leak does not expose profiles.
    share_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    share_created_at: Mapped[datetime | None]

    user: Mapped[Any] = relationship("User")
    version: Mapped[Any] = relationship("FrameworkVersion")
    carried_from: Mapped[Assessment | None] = relationship(
        remote_side=[id], foreign_keys=[carried_from_id]
    )
    validated_from: Mapped[Assessment | None] = relationship(
        remote_side=[id], foreign_keys=[validated_from_id]
    )
    # The review that made this validated assessment (skillsreg.reviews.models.Review).
    review: Mapped[Any] = relationship(
        "Review",
        primaryjoin="Review.validated_assessment_id == Assessment.id",
        foreign_keys="Review.validated_assessment_id",
        uselist=False,
        viewonly=True,
    )
    ratings: Mapped[list[Rating]] = relationship(
        cascade="all, delete-orphan", order_by="Rating.id", back_populates="assessment"
    )

    @property
    def is_submitted(self) -> bool:
        return self.status is AssessmentStatus.SUBMITTED

    @property
    def is_validated(self) -> bool:
        """Made from an independent review: levels the reviewer confirmed are marked."""
        return self.validated_from_id is not None and self.review is not None

    @property
    def reviewer_name(self) -> str | None:
        return self.review.reviewer_name if self.is_validated else None

    @property
    def reviewer_job_title(self) -> str | None:
        return self.review.reviewer_job_title if self.is_validated else None

    @property
    def reviewer_organisation(self) -> str | None:
        return self.review.reviewer_organisation if self.is_validated else None

    @property
    def reviewed_at(self) -> datetime | None:
        return self.review.responded_at if self.is_validated else None

    @property
    def validated_at(self) -> datetime | None:
        """When the member accepted the review and this assessment was made."""
        return self.submitted_at if self.is_validated else None

    @property
    def validated_count(self) -> int:
        return sum(1 for rating in self.ratings if rating.is_validated)

    @property
    def rated_count(self) -> int:
        return sum(1 for rating in self.ratings if rating.is_rated)

    def levels(self) -> dict[str, int | None]:
        """Rated skills by code: the level, or None for not applicable."""
        return {r.skill_code: r.level for r in self.ratings if r.is_rated}

    def rating_for(self, code: str) -> Rating | None:
        return next((r for r in self.ratings if r.skill_code == code), None)


class Rating(db.Model):  # type: ignore[name-defined]
    """A skill in an assessment: the level chosen (or not applicable) and the evidence."""

    __tablename__ = "assessment_ratings"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "skill_code"),
        sa.CheckConstraint("level IS NULL OR NOT is_not_applicable", name="level_or_na"),
        # Covers what the community insight counts, so its pass over every rating reads the
        # index alone, not the rows with their evidence and notes.
        sa.Index(
            "ix_assessment_ratings_counted",
            "assessment_id",
            "skill_code",
            "level",
            "is_not_applicable",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    skill_code: Mapped[str] = mapped_column(sa.String(16))
    level: Mapped[int | None]
    is_not_applicable: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    # Carried forward ratings the member has not yet looked at and confirmed.
    needs_confirmation: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The earlier assessment's ratings this one was carried from: [[code, level], ...].
    carried_sources: Mapped[list[Any] | None] = mapped_column(sa.JSON)
    is_extra: Mapped[bool] = mapped_column(default=False)
    # In a validated assessment: the reviewer gave this same level (agreed, or was accepted).
    is_validated: Mapped[bool] = mapped_column(default=False)

    assessment: Mapped[Assessment] = relationship(back_populates="ratings")

    @property
    def is_rated(self) -> bool:
        return self.level is not None or self.is_not_applicable
