"""Development pages: one success, one invalid input and one refusal per page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from skillsreg.core.db import utcnow
from skillsreg.development import services
from skillsreg.development.models import ActivityState, Plan
from skillsreg.extensions import db as _db
from skillsreg.workshops.models import ExpressionOfInterest
from tests.development.conftest import reassess
from tests.pages import check_page, error_messages


def _date(name: str, day) -> dict[str, list[str]]:
    """A GOV.UK date input as a browser sends it: day, month and year under one name."""
    return {name: [str(day.day), str(day.month), str(day.year)]}


@pytest.fixture
def signed_in(client, login_as, member):
    return login_as(member)


def test_the_plans_page_offers_each_submitted_assessment(client, signed_in, assessment):
    page = check_page(client.get("/development/"), title="Your development plans")
    assert page.find("a", href=f"/development/plans/new/{assessment.id}")


def test_starting_a_plan_from_gaps_takes_two_steps(client, signed_in, assessment):
    url = f"/development/plans/new/{assessment.id}"
    check_page(client.get(url), title="Start a development plan")
    response = client.post(url, data={"aim": "current"})
    assert response.headers["Location"].endswith(f"{url}/current")
    page = check_page(client.get(f"{url}/current"), title="Choose the skills to develop")
    assert {box["value"] for box in page.select("input[name=skill_codes]")} == {
        "EDIT", "ACCS", "DOCA",
    }  # fmt: skip
    target = (utcnow() + timedelta(days=100)).date()
    response = client.post(
        f"{url}/current", data={"skill_codes": ["EDIT", "ACCS"], **_date("target_on", target)}
    )
    plan = _db.session.query(Plan).one()
    assert response.headers["Location"].endswith(f"/development/plans/{plan.id}")
    page = check_page(client.get(f"/development/plans/{plan.id}"), title="Your development plan")
    assert len(page.select(".govuk-task-list__item")) == 2


def test_choosing_no_skill_and_no_date_shows_both_errors(client, signed_in, assessment):
    url = f"/development/plans/new/{assessment.id}/current"
    page = check_page(client.post(url, data={"target_on": ["31", "", ""]}), errors=True)
    assert error_messages(page) == [
        "Select at least one skill to develop",
        "The target date must be a real date",
    ]
    assert page.select_one("#target_on-day")["value"] == "31"


def test_a_date_in_the_past_is_refused(client, signed_in, assessment):
    url = f"/development/plans/new/{assessment.id}/current"
    yesterday = (utcnow() - timedelta(days=1)).date()
    page = check_page(
        client.post(url, data={"skill_codes": ["EDIT"], **_date("target_on", yesterday)}),
        errors=True,
    )
    assert error_messages(page) == ["The target date must be in the future"]


def test_someone_elses_assessment_and_plan_are_not_found(
    client, login_as, create_user, assessment, plan
):
    login_as(create_user())
    assert client.get(f"/development/plans/new/{assessment.id}").status_code == 404
    assert client.get(f"/development/plans/{plan.id}").status_code == 404
    goal = plan.goals[0]
    assert client.get(f"/development/plans/{plan.id}/goals/{goal.id}").status_code == 404
    assert client.post(f"/development/plans/{plan.id}/close").status_code == 404


def test_the_development_pages_need_signing_in(client, plan):
    for url in ("/development/", f"/development/plans/{plan.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_a_goal_page_shows_progress_activities_and_suggestions(
    client, signed_in, member, assessment, plan, workshop_for
):
    goal = next(g for g in plan.goals if g.skill_code == "ACCS")
    workshop = workshop_for(["ACCS"], title="Inclusive")
    _db.session.commit()
    url = f"/development/plans/{plan.id}/goals/{goal.id}"
    page = check_page(client.get(url), title="Goal: Accessibility")
    assert "Inclusive" in page.get_text()
    hidden = page.select_one("form button .govuk-visually-hidden")
    assert hidden.get_text() == ": workshop Inclusive"
    form = page.find("input", attrs={"name": "linked_id", "value": str(workshop.id)}).parent
    response = client.post(form["action"], data={"kind": "workshop", "linked_id": workshop.id})
    assert response.status_code == 302
    activity = goal.activities[0]
    assert (activity.title, activity.workshop_id) == ("Inclusive", workshop.id)
    response = client.post(f"{url}/activities/{activity.id}", data={"state": "done"})
    assert response.status_code == 302
    assert activity.state is ActivityState.DONE
    reassess(member, assessment, {"ACCS": 2})
    _db.session.commit()
    page = check_page(client.get(url))
    assert "Target reached" in page.get_text()


def test_adding_an_activity_without_words_keeps_the_kind(client, signed_in, plan):
    goal = plan.goals[0]
    url = f"/development/plans/{plan.id}/goals/{goal.id}/activities/new"
    check_page(client.get(url), title="Add an activity")
    page = check_page(client.post(url, data={"kind": "mentoring", "title": ""}), errors=True)
    assert error_messages(page) == ["Enter what you will do"]
    assert page.select_one("input[name=kind][value=mentoring]").has_attr("checked")


def test_changing_a_goal_checks_its_level_and_date(client, signed_in, plan):
    goal = plan.goals[0]
    url = f"/development/plans/{plan.id}/goals/{goal.id}/edit"
    check_page(client.get(url), title="Change your goal")
    later = (utcnow() + timedelta(days=300)).date()
    page = check_page(client.post(url, data={"target_level": "4"}), errors=True)
    assert error_messages(page) == ["Enter a target date"]
    assert client.post(
        url, data={"target_level": "4", **_date("target_on", later)}
    ).status_code == (302)
    assert (goal.target_level, goal.target_on) == (4, later)


def test_a_public_commitment_is_checked_then_shown_on_the_public_page(
    client, signed_in, member, plan
):
    goal = plan.goals[0]
    url = f"/development/plans/{plan.id}/goals/{goal.id}/commit"
    page = check_page(client.get(url), title="Check your public commitment")
    assert "I will reach" in page.get_text()
    assert client.post(url).status_code == 302
    client.get("/sign-out")
    public = check_page(client.get(f"/development/commitments/people/{member.id}"))
    assert f"I will reach Practitioner in {goal.skill_name}" in public.get_text()


def test_a_members_commitments_page_without_consent_is_not_found(client, member, plan):
    services.make_commitment(plan.goals[0], user=member, now=utcnow())
    from skillsreg.register import services as register

    register.set_consents(member, fields=[], source="test", now=utcnow())
    _db.session.commit()
    assert client.get(f"/development/commitments/people/{member.id}").status_code == 404


def test_missing_a_commitment_before_its_date_is_refused(client, signed_in, member, plan):
    commitment, _ = services.make_commitment(plan.goals[0], user=member, now=utcnow())
    _db.session.commit()
    url = f"/development/commitments/{commitment.id}/answer"
    check_page(client.get(url), title="Did you keep your commitment?")
    page = check_page(client.post(url, data={"outcome": "missed"}), errors=True)
    assert error_messages(page) == [
        "You can say you missed or renewed a commitment once its date has come"
    ]
    assert client.post(url, data={"outcome": "kept"}).status_code == 302


def test_a_shared_plan_opens_read_only_by_its_link(client, signed_in, plan):
    response = client.post(f"/development/plans/{plan.id}/share")
    page = check_page(response, title="Share your plan")
    link = page.select_one(".govuk-panel .app-break-all").get_text(strip=True)
    client.get("/sign-out")
    shared = check_page(client.get(link.replace("http://localhost", "")))
    assert "Development plan of" in shared.title.get_text()
    assert not shared.select(".govuk-task-list")
    assert client.get("/development/shared/not-a-token").status_code == 404


def test_organisers_see_a_plan_only_while_its_assessment_is_shared(
    client, login_as, organiser, member, plan
):
    login_as(organiser)
    assert client.get(f"/development/plans/{plan.id}").status_code == 404
    _db.session.add(
        ExpressionOfInterest(
            user_id=member.id,
            submitted_at=utcnow(),
            share_assessment=True,
            shared_assessment_id=plan.assessment_id,
        )
    )
    _db.session.commit()
    check_page(client.get(f"/development/plans/{plan.id}"), title="Development plan of")
