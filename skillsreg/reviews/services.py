"""Asking for, giving, declining, cancelling and accepting independent reviews of assessments."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skillsreg.accounts.confirmed import require_confirmed
from skillsreg.accounts.rules import normalise_email
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError
from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db
from skillsreg.frameworks.models import Skill
from skillsreg.reviews import queries
from skillsreg.reviews.models import (
    Review,
    ReviewerRelationship,
    ReviewItem,
    ReviewStatus,
    hash_token,
)
from skillsreg.reviews.rules import (
    AnswerError,
    Level,
    ReviewedSkill,
    read_answer,
    validated_ratings,
)

Link = Callable[[str], str]
OPEN_PER_ASSESSMENT = 5
LINK_GONE = "This review link has expired, has been used, or the request was withdrawn."


class ReviewError(DomainError):
    """A rule of independent review was broken."""


class AnswersError(ReviewError):
    """Some skills were not answered usably; `errors` maps skill codes to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Answer every skill")
        self.errors = errors


@dataclass(frozen=True)
class Reviewer:
    """Who the reviewer says they are when they give their review."""

    name: str
    job_title: str
    organisation: str


def _require_reviewable(assessment: Assessment) -> None:
    if assessment.status is not AssessmentStatus.SUBMITTED:
        raise ReviewError("Submit your assessment before you ask for a review")
    if assessment.validated_from_id is not None:
        raise ReviewError(
            "This is already a validated assessment: ask for a review of the original"
        )


def request_review(
    assessment: Assessment,
    *,
    member: Any,
    name: str,
    email: str,
    relationship: str,
    message: str,
    now: datetime,
    link: Link,
    decline_link: Link,
    days: int,
    per_day: int,
) -> Review:
    """Ask a named person to review a submitted assessment and email them a single-use link."""
    require_confirmed(member, action="ask for a review")
    if assessment.user_id != member.id:
        raise ReviewError("You can only ask for reviews of your own assessments")
    _require_reviewable(assessment)
    address = normalise_email(email)
    if address == member.email:
        raise ReviewError("Ask someone else: you cannot review your own assessment", field="email")
    if queries.requests_since(member, now - timedelta(days=1)) >= per_day:
        raise ReviewError(f"You can ask for {per_day} reviews a day. Try again tomorrow.")
    waiting = [r for r in queries.reviews_of_assessment(assessment) if r.is_open(now)]
    if len(waiting) >= OPEN_PER_ASSESSMENT:
        raise ReviewError(
            f"{OPEN_PER_ASSESSMENT} reviews of this assessment are already waiting: "
            "cancel one before you ask someone else"
        )
    if any(r.reviewer_email == address for r in waiting):
        raise ReviewError(
            "You have already asked this person: their link still works", field="email"
        )
    token = secrets.token_urlsafe(32)  # 256 bits; only the hash is kept
    review = Review(
        assessment=assessment,
        member_id=member.id,
        relationship_kind=ReviewerRelationship(relationship),
        reviewer_name=name.strip(),
        reviewer_email=address,
        message=message.strip(),
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(review)
    db.session.flush()
    mail = queue_mail(
        to=address,
        subject=f"{member.name} asked you to review their skills self-assessment",
        template="review_requested",
        review=review,
        member=member,
        version=assessment.version,
        link=link(token),
        decline_link=decline_link(token),
    )
    review.request_message_id = mail.id
    record("review.request", actor=member, subject_type="review", subject_id=review.id)
    db.session.flush()
    return review


def find_open_review(token: str, *, now: datetime) -> Review:
    """The review an emailed link opens while it can still be answered, or a refusal."""
    review = queries.find_by_token(token)
    if review is None or not review.is_open(now) or review.member.is_erased:
        raise ReviewError(LINK_GONE)
    return review


def _reviewed(
    assessment: Assessment, answers: Mapping[str, tuple[str | None, str]]
) -> list[ReviewedSkill]:
    skills = {skill.code: skill for skill in assessment.version.skills}
    reviewed, errors = [], {}
    for rating in assessment.ratings:
        choice, comment = answers.get(rating.skill_code, (None, ""))
        own = Level.na() if rating.is_not_applicable else Level(rating.level)
        skill: Skill = skills[rating.skill_code]
        try:
            reviewed.append(read_answer(rating.skill_code, own, choice, comment, skill.levels))
        except AnswerError as error:
            errors[error.code] = error.message
    if errors:
        raise AnswersError(errors)
    return reviewed


def _record_answer(
    review: Review,
    answers: Mapping[str, tuple[str | None, str]],
    reviewer: Reviewer,
    *,
    now: datetime,
) -> None:
    for field, value in (("name", reviewer.name), ("job_title", reviewer.job_title)):
        if not value.strip():
            raise ReviewError("Enter your name and job title", field=field)
    review.items = [
        ReviewItem(
            skill_code=answer.code,
            agrees=answer.agrees,
            level=answer.level.number,
            is_not_applicable=answer.level.is_not_applicable,
            comment=answer.comment,
        )
        for answer in _reviewed(review.assessment, answers)
    ]
    review.reviewer_name = reviewer.name.strip()
    review.reviewer_job_title = reviewer.job_title.strip()
    review.reviewer_organisation = reviewer.organisation.strip()
    review.status = ReviewStatus.GIVEN
    review.responded_at = now
    review.token_hash = None  # the link dies once used


def give_review(
    review: Review,
    *,
    answers: Mapping[str, tuple[str | None, str]],
    reviewer: Reviewer,
    now: datetime,
    link: str,
) -> None:
    """Record a reviewer's view of every skill and tell the member it has arrived."""
    if not review.is_open(now):
        raise ReviewError(LINK_GONE)
    _record_answer(review, answers, reviewer, now=now)
    _tell_member(review, template="review_given", link=link, subject="Your review has arrived")
    record("review.give", actor=review.reviewer_user, subject_type="review", subject_id=review.id)
    db.session.flush()


def give_organiser_review(
    assessment: Assessment,
    *,
    organiser: Any,
    answers: Mapping[str, tuple[str | None, str]],
    reviewer: Reviewer,
    now: datetime,
    link: Callable[[int], str],
) -> Review:
    """An organiser's review of an assessment shared with them, given signed in."""
    _require_reviewable(assessment)
    if assessment.user_id == organiser.id:
        raise ReviewError("You cannot review your own assessment")
    review = Review(
        assessment=assessment,
        member_id=assessment.user_id,
        reviewer_user_id=organiser.id,
        relationship_kind=ReviewerRelationship.ORGANISER,
        reviewer_name=reviewer.name,
        created_at=now,
        expires_at=now,
    )
    db.session.add(review)
    _record_answer(review, answers, reviewer, now=now)
    db.session.flush()
    _tell_member(
        review, template="review_given", link=link(review.id), subject="Your review has arrived"
    )
    record("review.give", actor=organiser, subject_type="review", subject_id=review.id)
    db.session.flush()
    return review


def decline_review(review: Review, *, reason: str, now: datetime, link: str) -> None:
    """The reviewer says no; the member is told, with the reason if one was given."""
    if not review.is_open(now):
        raise ReviewError(LINK_GONE)
    review.status = ReviewStatus.DECLINED
    review.decline_reason = reason.strip()
    review.responded_at = now
    review.token_hash = None
    _tell_member(review, template="review_declined", link=link, subject="Your review was declined")
    record("review.decline", actor=None, subject_type="review", subject_id=review.id)
    db.session.flush()


def cancel_review(review: Review, *, member: Any, now: datetime) -> None:
    """The member withdraws a request (its link stops working) or sets a review aside."""
    if review.member_id != member.id:
        raise ReviewError("You can only cancel your own requests")
    if review.status not in (ReviewStatus.REQUESTED, ReviewStatus.GIVEN):
        raise ReviewError("This review is closed and can no longer be cancelled")
    review.status = ReviewStatus.CANCELLED
    review.token_hash = None
    review.closed_at = now
    record("review.cancel", actor=member, subject_type="review", subject_id=review.id)
    db.session.flush()


def accept_review(
    review: Review, *, member: Any, accepted: Iterable[str], now: datetime
) -> Assessment:
    """Make the validated assessment: the reviewer's levels the member accepts, marked validated.

    The original assessment stays as it was; the new one is submitted (so frozen) at once.
    """
    if review.member_id != member.id:
        raise ReviewError("You can only accept reviews of your own assessments")
    if review.status is not ReviewStatus.GIVEN:
        raise ReviewError("This review is not waiting for your decision")
    original = review.assessment
    own = {
        r.skill_code: Level.na() if r.is_not_applicable else Level(r.level)
        for r in original.ratings
    }
    reviewed = {
        item.skill_code: ReviewedSkill(
            item.skill_code, item.agrees, Level(item.level, item.is_not_applicable), item.comment
        )
        for item in review.items
    }
    result = validated_ratings(own, reviewed, accepted)
    if not any(rating.is_validated for rating in result):
        raise ReviewError("Accept at least one of the reviewer's levels", field="accepted")
    by_code = {r.skill_code: r for r in original.ratings}
    validated = Assessment(
        user_id=original.user_id,
        version_id=original.version_id,
        role_code=original.role_code,
        role_level_code=original.role_level_code,
        status=AssessmentStatus.SUBMITTED,
        created_at=now,
        updated_at=now,
        submitted_at=now,
        validated_from_id=original.id,
        ratings=[
            Rating(
                skill_code=r.code,
                level=r.level.number,
                is_not_applicable=r.level.is_not_applicable,
                evidence=by_code[r.code].evidence,
                is_extra=by_code[r.code].is_extra,
                is_validated=r.is_validated,
            )
            for r in result
        ],
    )
    db.session.add(validated)
    db.session.flush()
    review.validated_assessment_id = validated.id
    review.status = ReviewStatus.ACCEPTED
    review.closed_at = now
    record(
        "review.accept",
        actor=member,
        subject_type="review",
        subject_id=review.id,
        validated_assessment=validated.id,
        validated=sum(1 for r in result if r.is_validated),
    )
    db.session.flush()
    db.session.expire(validated, ["review"])
    return validated


def _tell_member(review: Review, *, template: str, link: str, subject: str) -> None:
    member = review.member
    if member.is_erased:
        return
    queue_mail(to=member.email, subject=subject, template=template, review=review, link=link)


def erase_reviews_of(user: Any) -> None:
    """Erasure: a member's reviews and the emails that named them; an organiser's name as reviewer.

    Reviews of their assessments go with the assessments (and the reviewer's name, title,
    organisation and address with them); the request emails sent to reviewers named the member.
    """
    from skillsreg.core.mail import OutboxMessage

    for review in db.session.scalars(db.select(Review).where(Review.member_id == user.id)):
        if review.request_message_id is not None:
            message = db.session.get(OutboxMessage, review.request_message_id)
            if message is not None:
                db.session.delete(message)
        db.session.delete(review)
    for review in db.session.scalars(db.select(Review).where(Review.reviewer_user_id == user.id)):
        review.reviewer_name = "Erased user"
        review.reviewer_job_title = ""
        review.reviewer_organisation = ""
        review.reviewer_user_id = None
    db.session.flush()
