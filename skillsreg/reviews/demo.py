"""Demo review for `make run`: the demo member's assessment, reviewed by their line manager,
and the validated assessment made from it; and a peer's review waiting for a decision."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.accounts.services import find_user_by_email
from skillsreg.assessments import services as assessments
from skillsreg.assessments.models import Assessment
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.frameworks.store import load_version
from skillsreg.reviews import services
from skillsreg.reviews.models import Review, ReviewerRelationship, ReviewItem, ReviewStatus
from skillsreg.reviews.rules import Level

DEMO_MEMBER = "member@example.gov.uk"
DEMO_FRAMEWORK = "web-professionals"
DEMO_ROLE = ("web-manager", "manager")
LINE_MANAGER = services.Reviewer(
    "Priya Shah", "Head of Digital Services", "Kirklees Council"
)  # fmt: skip
PEER = services.Reviewer("Tom Okafor", "Senior content designer", "Calderdale Council")


def load_demo_reviews(now: datetime) -> Assessment | None:
    """The demo member's validated assessment, made once; returns it (None without a member)."""
    member = find_user_by_email(DEMO_MEMBER)
    framework = find_framework(DEMO_FRAMEWORK)
    published = latest_published(framework) if framework else None
    if member is None or published is None:
        return None
    existing = db.session.scalar(
        sa.select(Assessment).where(
            Assessment.user_id == member.id, Assessment.validated_from_id.is_not(None)
        )
    )
    if existing is not None:
        return existing
    original = _submitted(member, load_version(published.id), now=now - timedelta(days=30))
    given = _given(
        original, LINE_MANAGER, ReviewerRelationship.LINE_MANAGER, now - timedelta(days=20)
    )
    proposed = [item.skill_code for item in given.items if not item.agrees]
    validated = services.accept_review(
        given, member=member, accepted=proposed[:2], now=now - timedelta(days=19)
    )
    _given(original, PEER, ReviewerRelationship.PEER, now - timedelta(days=2))
    return validated


def _submitted(member: User, version: FrameworkVersion, *, now: datetime) -> Assessment:
    role, level = DEMO_ROLE
    roles = {(r.code, s.code) for r in version.roles for s in r.levels}
    if (role, level) not in roles:
        role, level = sorted(roles)[0]
    assessment = assessments.start_assessment(
        user=member, version=version, role_code=role, role_level_code=level, now=now
    )
    skills = {s.code: s for s in version.skills}
    answers = {}
    for n, rating in enumerate(assessment.ratings):
        levels = skills[rating.skill_code].levels
        chosen = levels[min(len(levels) - 1, 1 + n % 3)]
        answers[rating.skill_code] = assessments.Answer(
            str(chosen), f"Demo evidence: what I did in {skills[rating.skill_code].name.lower()}."
        )
    assessments.answer_skills(assessment, answers, now=now)
    assessments.submit_assessment(assessment, now=now)
    return assessment


def _given(
    assessment: Assessment,
    reviewer: services.Reviewer,
    kind: ReviewerRelationship,
    now: datetime,
) -> Review:
    """A review as the reviewer's link would leave it (no email: the demo sends none)."""
    skills = {s.code: s for s in assessment.version.skills}
    items = []
    for n, rating in enumerate(assessment.ratings):
        own = Level(rating.level, rating.is_not_applicable)
        higher = [x for x in skills[rating.skill_code].levels if rating.level and x > rating.level]
        if n % 3 == 0 and higher:
            items.append(
                ReviewItem(
                    skill_code=rating.skill_code,
                    agrees=False,
                    level=higher[0],
                    is_not_applicable=False,
                    comment="You lead this for the whole team now: the next level describes it.",
                )
            )
        else:
            items.append(
                ReviewItem(
                    skill_code=rating.skill_code,
                    agrees=True,
                    level=own.number,
                    is_not_applicable=own.is_not_applicable,
                    comment="",
                )
            )
    review = Review(
        assessment=assessment,
        member_id=assessment.user_id,
        relationship_kind=kind,
        reviewer_name=reviewer.name,
        reviewer_email=f"{reviewer.name.split()[0].lower()}@example.org",
        reviewer_job_title=reviewer.job_title,
        reviewer_organisation=reviewer.organisation,
        status=ReviewStatus.GIVEN,
        created_at=now - timedelta(days=1),
        expires_at=now + timedelta(days=13),
        responded_at=now,
        items=items,
    )
    db.session.add(review)
    db.session.flush()
    return review
