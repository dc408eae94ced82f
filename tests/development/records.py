"""Helpers of the CPD and reminder tests: a published framework, an attended workshop, a goal."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.development.models import Goal, Plan
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.workshops import services as workshops
from skillsreg.workshops.models import Workshop
from skillsreg.workshops.offers import attendance
from skillsreg.workshops.offers import services as offers
from skillsreg.workshops.offers.models import Offer
from tests.assessments.test_services import import_version
from tests.workshops.test_services import complete, details


@pytest.fixture
def published(db: Any):
    """Version 1.0.0 of the shipped framework (its file says it is published)."""
    return import_version("1.0.0")


def attend(user, organiser, *, days_ago: int = 20, **overrides: Any) -> Workshop:
    """A workshop held `days_ago` days ago that `user` had a place at and attended."""
    start = utcnow() - timedelta(days=days_ago + 20)
    day = (utcnow() - timedelta(days=days_ago)).date()
    values: dict[str, Any] = {
        "day": day, "closes_on": day - timedelta(days=10), "start": time(10), "end": time(16),
    }  # fmt: skip
    if overrides.get("target_skill_codes"):
        values["target_version_id"] = db.session.scalars(
            sa.select(FrameworkVersion.id).where(FrameworkVersion.number == "1.0.0")
        ).first()
    workshop = workshops.create_workshop(
        actor=organiser, details=details(**{**values, **overrides}), now=start
    )
    workshops.publish_workshop(workshop, now=start)
    eoi = complete(workshops.start_interest(user, now=start), [workshop], now=start)
    [choice] = eoi.choices
    offered = start + timedelta(days=11)
    offers.make_offers([choice], actor=organiser, now=offered)
    offer = sa.select(Offer).filter_by(choice_id=choice.id)
    offers.accept_offer(offers_db(offer), now=offered)
    attendance.record_attendance(
        workshop, attended={choice.id: True}, actor=organiser, now=utcnow() - timedelta(days=1)
    )
    return workshop


def offers_db(query):
    return db.session.scalars(query).one()


def goal_for(user, version, *, skill_code: str = "ACCS", due_in_days: int = 30) -> Goal:
    """An open plan of the member's with one goal due in `due_in_days` days."""
    skill = next(s for s in version.skills if s.code == skill_code)
    plan = Plan(
        user_id=user.id, version_id=version.id, role_code="web-manager",
        role_level_code="assistant",
    )  # fmt: skip
    db.session.add(plan)
    db.session.flush()
    goal = Goal(
        plan_id=plan.id, skill_code=skill.code, skill_name=skill.name, version_id=version.id,
        start_level=1, target_level=3, target_on=utcnow().date() + timedelta(days=due_in_days),
    )  # fmt: skip
    db.session.add(goal)
    db.session.flush()
    return goal
