"""Workshop pages: organisers' management, public pages and the expression-of-interest journey."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from skillsreg.accounts.rules import Sector
from skillsreg.core.db import utcnow
from skillsreg.workshops import services
from skillsreg.workshops.models import ChoiceStatus, ExpressionOfInterest, Workshop
from skillsreg.workshops.services import WorkshopDetails
from tests.pages import check_page, error_messages

TODAY = date.today()


def parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


WORKSHOP_FORM = {
    "title": "Drafting the web professionals skills framework",
    "description": "The first stage in defining a skills framework.",
    "day": parts(TODAY + timedelta(days=4)),
    "start": "10:00",
    "end": "16:00",
    "venue": "London",
    "capacity": "24",
    "closes_on": parts(TODAY + timedelta(days=2)),
    "eligible_sectors": ["public", "third"],
    "target_version_id": "",
    "prefer_managers": "y",
    "max_per_organisation": "2",
    "one_place_per_person": "y",
}


@pytest.fixture
def make_workshop(db, organiser):
    def make(title="Drafting the web professionals skills framework", days=4, publish=True, **kw):
        details = WorkshopDetails(
            title=title,
            day=TODAY + timedelta(days=days),
            start=time(10, 0),
            end=time(16, 0),
            capacity=24,
            closes_on=TODAY + timedelta(days=days - 2),
            venue=kw.pop("venue", "London"),
            **kw,
        )
        workshop = services.create_workshop(actor=organiser, details=details, now=utcnow())
        if publish:
            services.publish_workshop(workshop, now=utcnow())
        db.session.commit()
        return workshop

    return make


@pytest.fixture
def london(make_workshop):
    return make_workshop()


@pytest.fixture
def barnsley(make_workshop):
    return make_workshop(title="Breakfast event", days=8, venue="Barnsley")


def test_organisers_create_a_draft_workshop(client, login_as, organiser, db):
    login_as(organiser)
    response = client.post("/workshops/new", data=WORKSHOP_FORM)
    assert response.status_code == 302
    workshop = db.session.scalar(db.select(Workshop))
    assert workshop.status.value == "draft"
    assert workshop.max_per_organisation == 2
    assert workshop.eligible_sectors == ["public", "third"]
    page = check_page(client.get(response.location), title=workshop.title)
    assert "Publish this workshop" in page.get_text()


def test_workshop_form_errors_are_summarised(client, login_as, organiser, db):
    login_as(organiser)
    data = {**WORKSHOP_FORM, "end": "09:00", "closes_on": parts(TODAY + timedelta(days=9))}
    page = check_page(client.post("/workshops/new", data=data), errors=True)
    assert error_messages(page) == ["End time must be after the start time"]
    data = {**WORKSHOP_FORM, "start": "25:00", "title": ""}
    page = check_page(client.post("/workshops/new", data=data), errors=True)
    assert error_messages(page) == ["Enter the title", "Enter a start time like 09:30"]
    assert db.session.query(Workshop).count() == 0


@pytest.mark.parametrize("url", ["/workshops/new", "/workshops/manage"])
def test_members_cannot_manage_workshops(client, login_as, member, url):
    login_as(member)
    assert client.get(url).status_code == 403


def test_organisers_edit_and_publish_a_workshop(client, login_as, organiser, make_workshop):
    workshop = make_workshop(publish=False)
    login_as(organiser)
    page = check_page(client.get(f"/workshops/{workshop.slug}/edit"), title="Change")
    assert page.find("input", id="start")["value"] == "10:00"
    data = {**WORKSHOP_FORM, "start": "10:30"}
    response = client.post(f"/workshops/{workshop.slug}/edit", data=data)
    assert response.status_code == 302
    assert workshop.sequence == 1
    check_page(client.get(f"/workshops/{workshop.slug}/publish"), title="Publish workshop")
    assert client.post(f"/workshops/{workshop.slug}/publish").status_code == 302
    assert workshop.is_published
    page = check_page(client.post(f"/workshops/{workshop.slug}/publish"), errors=True)
    assert error_messages(page) == ["This workshop is published, not a draft"]


def test_the_public_list_shows_published_workshops_only(client, make_workshop):
    make_workshop()
    make_workshop(title="Secret planning day", publish=False)
    page = check_page(client.get("/workshops/"), title="Workshops")
    assert "Drafting the web professionals skills framework" in page.get_text()
    assert "Secret planning day" not in page.get_text()


def test_drafts_are_hidden_from_the_public(client, make_workshop):
    draft = make_workshop(publish=False)
    check_page(client.get(f"/workshops/{draft.slug}"), status=404)


def test_the_detail_page_says_why_a_member_cannot_apply(
    client, login_as, create_user, make_workshop
):
    workshop = make_workshop(eligible_sectors=["public"])
    login_as(create_user(sector=Sector.FREELANCE))
    page = check_page(client.get(f"/workshops/{workshop.slug}"), title=workshop.title)
    assert "is not open to people in your sector (Freelance)" in page.get_text()


def test_a_member_expresses_interest_in_two_workshops(
    client, login_as, member, london, barnsley, db, mailbox
):
    login_as(member)
    check_page(client.get("/workshops/interest"), title="Express interest")
    response = client.post("/workshops/interest", data={"workshop_ids": [london.id, barnsley.id]})
    assert response.location == "/workshops/interest/rank"
    check_page(client.get(response.location), title="Rank your workshops")
    ranks = {
        f"rank_{barnsley.id}": "1",
        f"rank_{london.id}": "2",
        f"available_{barnsley.id}": "yes",
        f"available_{london.id}": "no",
    }
    response = client.post("/workshops/interest/rank", data=ranks)
    assert response.location == "/workshops/interest/about-you"
    answers = {
        "experience": "I lead the web team at a county council",
        "manages_web_team": "yes",
        "years_managing": "7",
        "access_needs": "A hearing loop",
    }
    response = client.post("/workshops/interest/about-you", data=answers)
    assert response.location == "/workshops/interest/check"
    page = check_page(client.get(response.location), title="Check your answers")
    assert "Yes, for 7 years" in page.get_text()
    response = client.post("/workshops/interest/check")
    assert response.location == "/workshops/interest/confirmation"
    check_page(client.get(response.location), title="Expression of interest sent")
    eoi = db.session.scalar(db.select(ExpressionOfInterest))
    assert [(c.workshop_id, c.rank, c.is_available) for c in eoi.choices] == [
        (barnsley.id, 1, True),
        (london.id, 2, False),
    ]
    assert eoi.share_assessment is False
    (message,) = mailbox.messages
    assert message["To"] == member.email
    body = message.get_content()
    assert "1. Breakfast event" in body
    assert "(you cannot attend)" in body


def test_answers_are_kept_between_steps(client, login_as, member, london):
    login_as(member)
    client.post("/workshops/interest", data={"workshop_ids": [london.id]})
    client.post(
        "/workshops/interest/about-you", data={"experience": "Editor", "manages_web_team": "no"}
    )
    page = check_page(client.get("/workshops/interest/about-you"))
    assert page.find("textarea", id="experience").get_text() == "Editor"
    page = check_page(client.get("/workshops/interest"))
    assert page.find("input", attrs={"value": str(london.id)}).has_attr("checked")


def test_choosing_nothing_is_an_error(client, login_as, member, london):
    login_as(member)
    page = check_page(client.post("/workshops/interest", data={}), errors=True)
    assert error_messages(page) == [
        "Select at least one workshop, or say you would like to comment on the draft framework"
    ]


def test_a_closed_workshop_is_refused_with_a_reason(client, login_as, member, london, db):
    london.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    login_as(member)
    page = check_page(
        client.post("/workshops/interest", data={"workshop_ids": [london.id]}), errors=True
    )
    assert error_messages(page) == [f"The closing date for {london.title} has passed"]


def test_people_who_cannot_attend_are_pointed_to_the_consultation(client, login_as, member, db):
    login_as(member)
    response = client.post("/workshops/interest", data={"wants_to_comment_on_draft": "y"})
    assert response.location == "/workshops/interest/rank"
    check_page(client.get(response.location), title="Rank your workshops")
    response = client.post("/workshops/interest/rank")
    assert response.location == "/workshops/interest/about-you"
    client.post(
        "/workshops/interest/about-you", data={"experience": "Editor", "manages_web_team": "no"}
    )
    response = client.post("/workshops/interest/check")
    page = check_page(client.get(response.location))
    assert "Commenting on the draft framework" in page.get_text()


def test_a_member_sees_and_withdraws_their_application(client, login_as, member, london, db):
    eoi = services.start_interest(member, now=utcnow())
    services.choose_workshops(
        eoi, workshop_ids=[london.id], wants_to_comment_on_draft=False, now=utcnow()
    )
    services.rank_choices(eoi, ranks={london.id: 1}, availability={london.id: True}, now=utcnow())
    services.answer_questions(
        eoi,
        experience="x",
        manages_web_team=False,
        years_managing=None,
        share_assessment=True,
        access_needs=None,
        now=utcnow(),
    )
    services.submit_interest(eoi, now=utcnow())
    db.session.commit()
    login_as(member)
    page = check_page(client.get("/workshops/applications"), title="Your workshop applications")
    assert "Applied" in page.get_text()
    check_page(client.get(f"/workshops/applications/{eoi.id}/withdraw"), title="Withdraw")
    response = client.post(f"/workshops/applications/{eoi.id}/withdraw")
    assert response.location == "/workshops/applications"
    assert eoi.choices[0].status is ChoiceStatus.WITHDRAWN
    page = check_page(client.get("/workshops/applications"))
    assert "Withdrawn" in page.get_text()


def test_steps_before_starting_point_back_to_the_start(client, login_as, member):
    login_as(member)
    for step in ("rank", "about-you", "check", "confirmation"):
        page = check_page(client.get(f"/workshops/interest/{step}"), title="You have not started")
        assert page.find("a", href="/workshops/interest") is not None


def test_nobody_can_withdraw_someone_elses_application(client, login_as, member, create_user, db):
    eoi = services.start_interest(member, now=utcnow())
    db.session.commit()
    login_as(create_user())
    assert client.post(f"/workshops/applications/{eoi.id}/withdraw").status_code == 404
