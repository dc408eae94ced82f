"""The demo round tables: closed, published, with applicants an organiser can select from."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from skillsreg.workshops.demo import (
    DEMO_APPLICANTS,
    ROUND_TABLE_PLACES,
    load_demo_round_tables,
)
from skillsreg.workshops.models import ExpressionOfInterest
from tests.clock import NOW

pytestmark = pytest.mark.usefixtures("pinned_clock")


def test_demo_round_tables_are_closed_upcoming_and_loaded_once(db):
    first = load_demo_round_tables(NOW)
    again = load_demo_round_tables(NOW)

    assert [w.id for w in first] == [w.id for w in again]
    assert len(first) == 2
    for workshop in first:
        assert workshop.is_published
        assert workshop.closes_at < NOW < workshop.starts_at
        assert workshop.capacity == ROUND_TABLE_PLACES
        assert not workshop.is_open(NOW)


def test_demo_applicants_outnumber_the_places_and_come_from_several_sectors(db):
    workshops = load_demo_round_tables(NOW)

    eois = db.session.scalars(
        sa.select(ExpressionOfInterest).where(ExpressionOfInterest.submitted_at.is_not(None))
    ).all()
    assert len(eois) == DEMO_APPLICANTS
    for workshop in workshops:
        applicants = [c for eoi in eois for c in eoi.choices if c.workshop_id == workshop.id]
        assert len(applicants) > 2 * workshop.capacity
        assert any(c.is_available is False for c in applicants)
    assert len({eoi.user.sector for eoi in eois}) >= 3
    assert len({eoi.user.organisation for eoi in eois}) >= 8
    assert any(eoi.manages_web_team for eoi in eois)
    assert any(not eoi.manages_web_team for eoi in eois)


def test_demo_workshops_target_skills_so_a_result_suggests_them(db, member):
    from skillsreg.assessments import queries
    from skillsreg.core.db import utcnow
    from skillsreg.workshops.demo import load_demo_workshops
    from tests.assessments.test_services import import_version, rate_all, start

    now = utcnow()
    version = import_version("1.0.0")
    workshops = load_demo_workshops(now)
    assessment = start(member, version)
    rate_all(assessment, level=1)

    suggestions = queries.suggested_workshops(queries.assessment_view(assessment), now=now)

    assert all(w.target_skill_codes for w in workshops)
    assert suggestions
    workshop, _, gaps = suggestions[0]
    assert workshop.starts_at > now
    assert gaps[0].name
    assert gaps[0].level is not None
    assert gaps[0].expected > gaps[0].level
