"""Read models for reviews: a member's requests, a review beside the ratings, validated levels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.assessments.queries import AssessmentView, SkillRow, assessment_view
from skillsreg.extensions import db
from skillsreg.frameworks.models import Framework, FrameworkVersion, ScaleLevel, Skill
from skillsreg.reviews.models import Review, ReviewItem, hash_token


@dataclass(frozen=True)
class ValidatedLevel:
    """One skill level an independent reviewer confirmed, in a member's validated assessment."""

    assessment_id: int
    rating_id: int
    review_id: int
    skill_code: str
    skill_name: str
    level: int
    level_name: str
    framework_slug: str
    framework_title: str
    version_id: int
    version_number: str
    reviewer_name: str
    reviewer_job_title: str
    reviewer_organisation: str
    reviewed_at: datetime
    validated_at: datetime


def validated_assessments(user_id: int) -> list[Assessment]:
    """A member's validated assessments, newest first, with ratings, version and review."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .join(Review, Review.validated_assessment_id == Assessment.id)
            .where(
                Assessment.user_id == user_id,
                Assessment.validated_from_id.is_not(None),
                Assessment.status == AssessmentStatus.SUBMITTED,
            )
            .options(
                selectinload(Assessment.ratings),
                joinedload(Assessment.review),
                joinedload(Assessment.version).joinedload(FrameworkVersion.framework),
            )
            .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        ).unique()
    )


def validated_levels(user_id: int) -> list[ValidatedLevel]:
    """Every skill level a reviewer confirmed for a member, newest assessment first."""
    rows = db.session.execute(
        sa.select(
            Rating, Assessment, Review, Skill.name, ScaleLevel.name, Framework, FrameworkVersion
        )
        .join(Assessment, Assessment.id == Rating.assessment_id)
        .join(Review, Review.validated_assessment_id == Assessment.id)
        .join(FrameworkVersion, FrameworkVersion.id == Assessment.version_id)
        .join(Framework, Framework.id == FrameworkVersion.framework_id)
        .join(
            Skill,
            sa.and_(Skill.version_id == FrameworkVersion.id, Skill.code == Rating.skill_code),
        )
        .join(
            ScaleLevel,
            sa.and_(
                ScaleLevel.version_id == FrameworkVersion.id, ScaleLevel.number == Rating.level
            ),
        )
        .where(
            Assessment.user_id == user_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Rating.is_validated.is_(True),
            Rating.level.is_not(None),
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc(), Skill.position)
    ).all()
    return [
        ValidatedLevel(
            assessment_id=assessment.id,
            rating_id=rating.id,
            review_id=review.id,
            skill_code=rating.skill_code,
            skill_name=skill_name,
            level=cast(int, rating.level),  # the query keeps rated levels only
            level_name=level_name,
            framework_slug=framework.slug,
            framework_title=framework.title,
            version_id=version.id,
            version_number=version.number,
            reviewer_name=review.reviewer_name,
            reviewer_job_title=review.reviewer_job_title,
            reviewer_organisation=review.reviewer_organisation,
            reviewed_at=cast(datetime, review.responded_at),  # set once a review is given
            validated_at=cast(datetime, assessment.submitted_at),
        )
        for rating, assessment, review, skill_name, level_name, framework, version in rows
    ]


def reviews_of(member: User) -> list[Review]:
    """Every review a member asked for (or an organiser gave), newest first."""
    return list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.member_id == member.id)
            .options(
                joinedload(Review.assessment)
                .joinedload(Assessment.version)
                .joinedload(FrameworkVersion.framework)
            )
            .order_by(Review.created_at.desc(), Review.id.desc())
        ).unique()
    )


def reviews_of_assessment(assessment: Assessment) -> list[Review]:
    """The reviews asked for on one assessment, newest first."""
    return list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.assessment_id == assessment.id)
            .order_by(Review.created_at.desc(), Review.id.desc())
        )
    )


def find_review(review_id: int, *, member: User | None = None) -> Review | None:
    """A review with its items and assessment; only the member's when given."""
    query = (
        sa.select(Review)
        .where(Review.id == review_id)
        .options(
            selectinload(Review.items),
            joinedload(Review.assessment).selectinload(Assessment.ratings),
        )
    )
    if member is not None:
        query = query.where(Review.member_id == member.id)
    return db.session.scalar(query)


def find_by_token(token: str) -> Review | None:
    """The review an emailed link points at, whatever its state (the view says what is wrong)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(Review)
        .where(Review.token_hash == hash_token(token))
        .options(selectinload(Review.items))
    )


def requests_since(member: User, since: datetime) -> int:
    """How many reviews a member asked for since a moment: the rate limit's count."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Review.id)).where(
                Review.member_id == member.id,
                Review.created_at > since,
                Review.reviewer_user_id.is_(None),
            )
        )
        or 0
    )


@dataclass(frozen=True)
class ReviewRow:
    """One skill of a reviewed assessment: the member's rating beside the reviewer's answer."""

    row: SkillRow
    item: ReviewItem | None

    @property
    def differs(self) -> bool:
        return self.item is not None and not self.item.agrees


@dataclass(frozen=True)
class ReviewGroup:
    name: str
    rows: list[ReviewRow]


def review_groups(review: Review, view: AssessmentView) -> list[ReviewGroup]:
    """The assessment's skills by category, each with what the reviewer said of it."""
    return [
        ReviewGroup(
            group.category.name,
            [ReviewRow(row, review.item_for(row.skill.code)) for row in group.rows],
        )
        for group in view.groups
    ]


def reviewed_view(review: Review) -> AssessmentView | None:
    """The reviewed assessment as its pages show it (ratings, descriptors, level names)."""
    return assessment_view(review.assessment)
