"""Plans and commitments are in the member's export and go with their account."""

from __future__ import annotations

import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.development import queries, services
from skillsreg.development.models import Commitment, Goal, Plan
from skillsreg.extensions import db as _db
from skillsreg.register import personal_data
from tests.conftest import DEFAULT_PASSWORD


def test_the_export_holds_plans_with_goals_activities_and_commitments(member, plan):
    goal = plan.goals[0]
    services.add_activity(goal, kind="course", title="Evening course", now=utcnow())
    services.make_commitment(goal, user=member, now=utcnow())

    data = personal_data.personal_data(member)

    [exported] = data["development_plans"]
    assert {g["skill_code"] for g in exported["goals"]} == {"EDIT", "ACCS", "DOCA"}
    first = next(g for g in exported["goals"] if g["id"] == goal.id)
    assert first["activities"][0]["title"] == "Evening course"
    assert data["public_commitments"][0]["goal_id"] == goal.id


def test_erasure_deletes_plans_and_commitments(member, plan):
    services.make_commitment(plan.goals[0], user=member, now=utcnow())
    personal_data.erase_account(member, password=DEFAULT_PASSWORD, now=utcnow())
    _db.session.flush()

    for model in (Plan, Goal, Commitment):
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    assert queries.public_commitments(member.id) == []
