"""Logging activities, attended workshops appearing by themselves, reflections and targets."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.development.cpd import queries, services
from skillsreg.development.cpd.models import CpdActivity, CpdKind
from skillsreg.development.cpd.services import ActivityDetails, CpdError
from skillsreg.workshops.queries import in_london
from tests.development.records import attend, goal_for


def today():
    return in_london(utcnow()).date()


def details(**overrides):
    values = {
        "done_on": today() - timedelta(days=3),
        "minutes": 90,
        "kind": CpdKind.COURSE,
        "title": "Accessibility auditing course",
        "learned": "How to test with a screen reader",
        "application": "Audit our forms each sprint",
        "skill_codes": ("ACCS", "INCL"),
    }
    values.update(overrides)
    return ActivityDetails(**values)


def test_logging_an_activity_keeps_it_with_the_version_its_skills_came_from(db, member, published):
    activity = services.log_activity(member, details=details(), now=utcnow())
    assert (activity.minutes, activity.kind, activity.skill_codes) == (
        90,
        CpdKind.COURSE,
        ["ACCS", "INCL"],
    )
    assert activity.framework_version_id == published.id
    [row] = queries.cpd_record(member).rows
    assert row.skills == [("ACCS", "Accessibility"), ("INCL", "Digital inclusion")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"done_on": "tomorrow"}, "done_on"),
        ({"title": "   "}, "title"),
        ({"minutes": 0}, "hours"),
        ({"skill_codes": ("NOPE",)}, "skill_codes"),
    ],
)
def test_an_impossible_activity_is_refused(db, member, published, overrides, field):
    if overrides.get("done_on") == "tomorrow":
        overrides = {"done_on": today() + timedelta(days=1)}
    with pytest.raises(CpdError) as refused:
        services.log_activity(member, details=details(**overrides), now=utcnow())
    assert refused.value.field == field


def test_an_activity_links_only_to_the_members_own_goal(db, member, create_user, published):
    mine = goal_for(member, published)
    theirs = goal_for(create_user(), published)
    linked = services.log_activity(member, details=details(goal_id=mine.id), now=utcnow())
    assert linked.goal_id == mine.id
    assert queries.cpd_record(member).rows[0].goal.startswith("Accessibility: level 3 by ")
    with pytest.raises(CpdError, match="Select one of your goals"):
        services.log_activity(member, details=details(goal_id=theirs.id), now=utcnow())


def test_an_attended_workshop_appears_by_itself_with_its_hours(db, member, organiser, published):
    workshop = attend(member, organiser, target_skill_codes=["TEAM"])
    [row] = queries.cpd_record(member).rows
    assert row.awaits_reflection
    assert (row.title, row.minutes, row.kind) == (workshop.title, 360, "workshop")
    assert row.skills == [("TEAM", "Managing web teams")]
    totals = queries.cpd_record(member).totals(row.done_on.year)
    assert totals.minutes == 360
    assert [t.label for t in totals.by_category] == ["Leadership and management"]


def test_a_workshop_not_attended_does_not_appear(db, member, organiser, published):
    workshop = attend(member, organiser)
    [choice] = workshop.choices
    choice.attended = False
    db.session.flush()
    assert queries.cpd_record(member).rows == []
    with pytest.raises(CpdError, match="workshops you attended"):
        services.reflect_on_workshop(
            member, workshop_id=workshop.id, minutes=60, title="x", learned="", application="",
            skill_codes=(), now=utcnow(),
        )  # fmt: skip


def test_reflecting_twice_on_a_workshop_keeps_one_entry(db, member, organiser, published):
    workshop = attend(member, organiser)
    for learned in ("First thoughts", "Second thoughts"):
        services.reflect_on_workshop(
            member, workshop_id=workshop.id, minutes=300, title=workshop.title,
            learned=learned, application="Share with the team", skill_codes=("STAK",),
            now=utcnow(),
        )  # fmt: skip
    [row] = queries.cpd_record(member).rows
    assert (row.awaits_reflection, row.learned, row.minutes) == (False, "Second thoughts", 300)
    assert row.done_on == in_london(workshop.starts_at).date()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(CpdActivity))
    assert count == 1


def test_removing_a_workshop_entry_puts_the_workshop_back_to_await_reflection(
    db, member, organiser, published
):
    workshop = attend(member, organiser)
    activity = services.reflect_on_workshop(
        member, workshop_id=workshop.id, minutes=360, title="Mine", learned="a", application="b",
        skill_codes=(), now=utcnow(),
    )  # fmt: skip
    services.remove_activity(activity, actor=member)
    [row] = queries.cpd_record(member).rows
    assert row.awaits_reflection
    assert row.workshop_id == workshop.id


def test_a_yearly_target_is_set_changed_and_cleared(db, member):
    services.set_target(member, yearly_hours=30, now=utcnow())
    services.set_target(member, yearly_hours=35, now=utcnow())
    assert queries.cpd_record(member).target_hours == 35
    with pytest.raises(CpdError):
        services.set_target(member, yearly_hours=5000, now=utcnow())
    services.set_target(member, yearly_hours=None, now=utcnow())
    assert queries.cpd_record(member).target_hours is None


def test_other_members_activities_are_not_found(db, member, create_user, published):
    activity = services.log_activity(member, details=details(), now=utcnow())
    assert queries.own_activity(member, activity.id) is activity
    assert queries.own_activity(create_user(), activity.id) is None
