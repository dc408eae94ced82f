"""The demonstration community: marked as demo data, varied, loaded once."""

from __future__ import annotations

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.insight import queries
from skillsreg.insight.demo import load_demo_community
from tests.assessments.test_services import import_version


def test_the_demo_community_is_marked_varied_and_loaded_once(db):
    version = import_version("1.0.0")

    assert load_demo_community(utcnow(), count=120) == 120
    assert load_demo_community(utcnow(), count=120) == 0

    demo = _db.session.scalars(sa.select(User).where(User.email.like("%.invalid"))).all()
    assert len(demo) == 120
    assert all(user.is_demo for user in demo)
    picture = queries.skills_picture(version.id)
    assert 100 < picture.people < 120  # a few opted out
    statuses = {status for (_, _, status) in picture.gaps["all"]}
    assert statuses == {"below", "meets", "above"}
    assert len(picture.groups["sector"]) == 4
