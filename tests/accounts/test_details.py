"""A member changes their own details; a change to a published detail makes the register stale."""

from __future__ import annotations

from typing import Any

import pytest

from skillsreg.accounts import details
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.register import queries, services
from skillsreg.register.rules import Population, PopulationSpec

EVERYONE = PopulationSpec(Population.FRAMEWORK)


def _values(user, **changes: Any) -> dict[str, Any]:
    values = {
        "name": user.name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "sector": user.sector,
        "web_groups": list(user.web_groups),
        "region": user.region,
    }
    return {**values, **changes}


@pytest.fixture
def listed(db, create_user, organiser):
    """A member who agreed to publish their name and organisation, in a published register."""
    user = create_user(name="Listed Person")
    services.set_consents(user, fields=["name", "organisation"], source="test", now=utcnow())
    services.publish_register(EVERYONE, actor=organiser, now=utcnow())
    db.session.flush()
    return user


def test_changing_a_published_detail_withdraws_the_register_as_withdrawal_does(db, listed):
    assert queries.stale_snapshot() is None
    changed = details.change_details(
        listed, **_values(listed, organisation="New Council"), now=utcnow()
    )
    assert changed == ["organisation"]
    stale = queries.stale_snapshot()
    assert stale is not None
    assert stale.is_withdrawn


def test_changing_an_unpublished_detail_leaves_the_register_alone(db, listed):
    changed = details.change_details(
        listed, **_values(listed, job_title="Head of web", web_groups=["analytics"]), now=utcnow()
    )
    assert changed == ["job_title", "web_groups"]
    assert queries.stale_snapshot() is None


def test_saving_the_same_details_changes_nothing(db, listed):
    assert details.change_details(listed, **_values(listed), now=utcnow()) == []
    assert queries.stale_snapshot() is None


def test_with_auto_republish_the_register_is_published_again_with_the_new_details(
    db, listed, run_jobs
):
    details.change_details(
        listed, **_values(listed, name="Renamed Person"), now=utcnow(), auto_republish=True
    )
    db.session.commit()  # the change commits at once; the republishing is queued
    assert run_jobs() >= 1
    assert queries.stale_snapshot() is None
    latest = queries.snapshots()[0]
    assert latest.replaces_id is not None
    csv = next(f for f in latest.files if f.name.endswith(".csv")).content.decode()
    assert "Renamed Person" in csv
    assert "Listed Person" not in csv


def test_an_unknown_region_or_blank_name_is_refused(db, create_user):
    user = create_user()
    with pytest.raises(DomainError, match="region") as region:
        details.change_details(user, **_values(user, region="atlantis"), now=utcnow())
    assert region.value.field == "region"
    with pytest.raises(DomainError) as blank:
        details.change_details(user, **_values(user, name="  "), now=utcnow())
    assert blank.value.field == "name"


def test_a_region_changed_on_the_privacy_page_makes_the_register_stale_when_published(db, listed):
    details.set_region(listed, region="wales", now=utcnow())
    assert queries.stale_snapshot() is None  # the region is not published
    services.set_consents(
        listed, fields=["name", "organisation", "region"], source="test", now=utcnow()
    )
    details.set_region(listed, region="scotland", now=utcnow())
    assert queries.stale_snapshot() is not None
