"""A signed-in member's home page: their assessments, applications, offers, consultations,
suggested workshops and register choices, drawn in a fixed number of queries."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from skillsreg.assessments import services as assessment_services
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.workshops import services as workshop_services
from skillsreg.workshops.services import WorkshopDetails
from tests.assessments.test_services import import_version, rate_all, start
from tests.pages import check_page


@pytest.fixture
def versions(db):
    published = import_version("1.0.0")
    consultation = import_version("1.1.0")
    db.session.commit()
    return published, consultation


def submitted_below(user, version):
    """A submitted assessment a level short in every skill."""
    assessment = start(user, version, role="web-manager", level="manager")
    rate_all(assessment, level=1)
    assessment_services.submit_assessment(assessment, now=utcnow())
    return assessment


def workshop_for(version, skills, organiser):
    today = utcnow().date()
    details = WorkshopDetails(
        title="Measuring what matters",
        day=today + timedelta(days=20),
        start=time(10, 0),
        end=time(16, 0),
        capacity=10,
        closes_on=today + timedelta(days=10),
        venue="Barnsley Town Hall",
        address="Church Street\nBarnsley\nS70 2TA",
        target_version_id=version.id,
        target_skill_codes=skills,
    )
    workshop = workshop_services.create_workshop(actor=organiser, details=details, now=utcnow())
    workshop_services.publish_workshop(workshop, now=utcnow())
    return workshop


def test_anonymous_people_are_asked_to_sign_in(client):
    response = client.get("/home")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


def test_the_start_page_sends_signed_in_members_home(client, login_as, member):
    login_as(member)
    assert client.get("/").location == "/home"


def test_signing_in_lands_on_the_home_page(client, create_user):
    user = create_user(email="home@example.gov.uk")
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery staple"}
    )
    assert response.location == "/home", response.get_data(as_text=True)[:500]


def test_a_new_member_is_pointed_to_the_first_steps(client, login_as, member, versions):
    login_as(member)
    page = check_page(client.get("/home"), title="Your home")
    text = page.get_text(" ", strip=True)
    assert "You have not started a self-assessment yet" in text
    assert "You have no applications for workshops still to come" in text
    consultation = page.select_one("#consultations li").get_text(" ", strip=True)
    assert "version 1.1.0" in consultation
    assert "Nothing: you do not appear in the published register" in text


def test_the_home_page_shows_drafts_results_applications_and_suggestions(
    client, login_as, member, organiser, versions
):
    published, _ = versions
    done = submitted_below(member, published)
    draft = start(member, published, role="programmer", level="junior")
    skills = [rating.skill_code for rating in done.ratings][:2]
    workshop = workshop_for(published, skills, organiser)
    _db.session.commit()
    login_as(member)
    client.post("/workshops/interest", data={"workshop_ids": [workshop.id]})

    page = check_page(client.get("/home"))

    assessments = page.select_one("#assessments")
    assert assessments.find("a", href=f"/assessments/{draft.id}")
    assert assessments.find("a", href=f"/assessments/{done.id}/result")
    assert "Web manager: Web manager" in assessments.get_text(" ", strip=True)
    assert "<span" not in page.get_text(), "markup written out as text"
    assert "Draft" in assessments.select_one(".govuk-tag").get_text()
    applications = page.select_one("#applications").get_text(" ", strip=True)
    assert "Not sent yet" in applications
    suggestion = page.select_one("#suggestions")
    assert suggestion.find("a", href=f"/workshops/{workshop.slug}")


def count_queries(client, path: str) -> int:
    statements: list[str] = []

    def record(*args) -> None:
        statements.append(args[2])

    engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        check_page(client.get(path))
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_the_home_page_costs_the_same_queries_for_one_or_many_things(
    client, login_as, create_user, versions
):
    published, _ = versions
    few, many = create_user(), create_user()
    submitted_below(few, published)
    for _ in range(4):
        submitted_below(many, published)
    start(many, published, role="programmer", level="junior")
    _db.session.commit()

    login_as(few)
    one = count_queries(client, "/home")
    login_as(many)
    five = count_queries(client, "/home")

    assert five == one
