"""The demo member's validated assessment, reviewed by a named line manager."""

from __future__ import annotations

from pathlib import Path

from skillsreg.core.db import utcnow
from skillsreg.core.demo import load_demo_accounts, load_shipped_frameworks
from skillsreg.reviews import queries
from skillsreg.reviews.demo import DEMO_MEMBER, LINE_MANAGER, load_demo_reviews
from skillsreg.reviews.models import ReviewStatus


def test_the_demo_member_has_a_validated_assessment_made_once(app, db):
    load_shipped_frameworks(Path(app.config["FRAMEWORKS_DIR"]))
    load_demo_accounts()

    validated = load_demo_reviews(utcnow())
    again = load_demo_reviews(utcnow())

    assert validated is not None
    assert again.id == validated.id
    assert validated.user.email == DEMO_MEMBER
    assert validated.reviewer_name == LINE_MANAGER.name
    levels = queries.validated_levels(validated.user_id)
    assert levels
    assert {level.reviewer_organisation for level in levels} == {LINE_MANAGER.organisation}
    reviews = queries.reviews_of(validated.user)
    assert sorted(r.status.value for r in reviews) == sorted(
        [ReviewStatus.ACCEPTED.value, ReviewStatus.GIVEN.value]
    )
