"""Review pages: asking, the reviewer's link, declining, deciding, cancelling, organisers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.core.mail import OutboxMessage
from skillsreg.extensions import db as _db
from skillsreg.reviews import services
from skillsreg.reviews.models import Review, ReviewStatus
from skillsreg.workshops.models import ExpressionOfInterest
from tests.assessments.test_services import import_version, submitted
from tests.pages import check_page, error_messages
from tests.reviews.helpers import RITA, agree_all, ask


@pytest.fixture
def version(db):
    return import_version("1.0.0")


@pytest.fixture
def assessment(member, version):
    sent = submitted(member, version)
    _db.session.commit()
    return sent


def _review_form(assessment, **changes):
    data = {f"level_{code}": choice for code, (choice, _) in agree_all(assessment).items()}
    data.update(reviewer_name="Rita Reviewer", job_title="Head of digital", organisation="Trust")
    data.update(changes)
    return data


def _link(message):
    return re.search(r"http://skillsreg\.test(/reviews/respond/[\w-]+)\n", message).group(1)


def test_a_member_asks_for_a_review_and_the_reviewer_is_emailed(
    client, login_as, member, assessment
):
    login_as(member)
    url = f"/reviews/assessments/{assessment.id}/request"
    check_page(client.get(url), title="Ask for an independent review")

    response = client.post(
        url,
        data={"name": "Rita Reviewer", "email": "rita@example.org", "relationship": "peer"},
    )

    review = _db.session.scalar(sa.select(Review))
    assert response.headers["Location"] == f"/reviews/{review.id}"
    page = check_page(client.get(response.headers["Location"]), title="Review by Rita Reviewer")
    assert "Waiting for the reviewer" in page.get_text()
    mail = _db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "rita@example.org")
    )
    assert _link(mail.body_text).startswith("/reviews/respond/")


def test_a_bad_request_shows_errors_and_keeps_what_was_typed(client, login_as, member, assessment):
    login_as(member)

    page = check_page(
        client.post(
            f"/reviews/assessments/{assessment.id}/request",
            data={"name": "Rita Reviewer", "email": "not an address"},
        ),
        errors=True,
    )

    assert error_messages(page) == [
        "Enter an email address in the correct format, like name@example.com",
        "Choose how the reviewer knows your work",
    ]
    assert page.find("input", {"name": "name"})["value"] == "Rita Reviewer"
    assert _db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_an_unconfirmed_member_is_asked_to_confirm_first(client, login_as, create_user, version):
    person = login_as(create_user(confirmed=False))
    sent = submitted(person, version)
    _db.session.commit()

    response = client.get(f"/reviews/assessments/{sent.id}/request")

    assert response.status_code == 403
    assert "Confirm your email address first" in response.get_data(as_text=True)


def test_nobody_else_can_ask_for_a_review_of_an_assessment(
    client, login_as, create_user, assessment
):
    login_as(create_user())

    assert client.get(f"/reviews/assessments/{assessment.id}/request").status_code == 404


def test_opening_the_link_changes_nothing_and_shows_only_the_assessment(client, member, assessment):
    review, token = ask(assessment, member)
    _db.session.commit()

    page = check_page(client.get(f"/reviews/respond/{token}"), title="Review a skills")

    text = page.get_text()
    assert member.name in text
    assert "Evidence for CONT" in text
    assert member.email not in text
    assert member.organisation not in text
    assert page.find("a", href=f"/reviews/respond/{token}/decline")
    _db.session.refresh(review)
    assert review.status is ReviewStatus.REQUESTED


def test_the_reviewer_must_say_why_they_disagree(client, member, assessment):
    _, token = ask(assessment, member)
    _db.session.commit()

    page = check_page(
        client.post(f"/reviews/respond/{token}", data=_review_form(assessment, level_CONT="4")),
        errors=True,
    )

    assert error_messages(page) == ["Say why you chose another level"]
    assert page.find("input", {"name": "level_CONT", "value": "4"}).has_attr("checked")
    assert page.find("input", {"name": "job_title"})["value"] == "Head of digital"


def test_a_review_is_given_once_and_the_link_then_dies(client, member, assessment):
    review, token = ask(assessment, member)
    _db.session.commit()
    form = _review_form(assessment, level_CONT="4", comment_CONT="Leads the content team")

    response = client.post(f"/reviews/respond/{token}", data=form)

    assert response.headers["Location"] == "/reviews/respond/done"
    check_page(client.get("/reviews/respond/done"), title="Your review has been sent")
    _db.session.refresh(review)
    assert review.status is ReviewStatus.GIVEN
    assert review.item_for("CONT").level == 4
    check_page(client.get(f"/reviews/respond/{token}"), status=410)
    assert client.post(f"/reviews/respond/{token}", data=form).status_code == 410


def test_the_reviewer_can_decline(client, member, assessment):
    review, token = ask(assessment, member)
    _db.session.commit()
    check_page(client.get(f"/reviews/respond/{token}/decline"), title="Decline the review")

    response = client.post(f"/reviews/respond/{token}/decline", data={"reason": "On leave"})

    assert response.headers["Location"] == "/reviews/respond/done?declined=1"
    _db.session.refresh(review)
    assert (review.status, review.decline_reason) == (ReviewStatus.DECLINED, "On leave")
    told = _db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == member.email)
    )
    assert "On leave" in told.body_text


def _given(member, assessment, changes):
    review, _ = ask(assessment, member)
    answers = agree_all(assessment)
    answers.update(changes)
    services.give_review(review, answers=answers, reviewer=RITA, now=utcnow(), link="L")
    _db.session.commit()
    return review


def test_the_member_accepts_some_levels_and_sees_the_validated_result(
    client, login_as, member, assessment
):
    review = _given(member, assessment, {"CONT": ("4", "Leads content"), "EDIT": ("2", "Not yet")})
    login_as(member)
    page = check_page(client.get(f"/reviews/{review.id}"), title="Review by Rita Reviewer")
    assert [i["value"] for i in page.select("input[name=accepted]")] == ["CONT", "EDIT"]
    assert "Leads content" in page.get_text()

    response = client.post(f"/reviews/{review.id}/accept", data={"accepted": ["CONT"]})

    validated = review.validated_assessment
    assert response.headers["Location"] == f"/assessments/{validated.id}/result"
    result = check_page(client.get(response.headers["Location"]))
    banner = result.find(id="validation").get_text(" ", strip=True)
    assert "Rita Reviewer, Head of digital, Example Trust" in banner
    assert result.select_one("#answer-CONT .app-validated")
    assert not result.select_one("#answer-EDIT .app-validated")
    original = check_page(client.get(f"/assessments/{assessment.id}/result"))
    assert not original.find(id="validation")


def test_accepting_a_level_the_reviewer_did_not_propose_is_an_error(
    client, login_as, member, assessment
):
    review = _given(member, assessment, {"CONT": ("4", "Leads content")})
    login_as(member)

    page = check_page(
        client.post(f"/reviews/{review.id}/accept", data={"accepted": ["EDIT"]}), errors=True
    )

    assert error_messages(page) == ["Select only the options shown"]
    _db.session.refresh(review)
    assert review.status is ReviewStatus.GIVEN


def test_another_member_cannot_see_or_accept_a_review(
    client, login_as, create_user, member, assessment
):
    review = _given(member, assessment, {})
    login_as(create_user())

    assert client.get(f"/reviews/{review.id}").status_code == 404
    assert client.post(f"/reviews/{review.id}/accept", data={}).status_code == 404


def test_the_member_cancels_a_request_and_the_link_dies(client, login_as, member, assessment):
    review, token = ask(assessment, member)
    _db.session.commit()
    login_as(member)
    check_page(client.get(f"/reviews/{review.id}/cancel"), title="Cancel this review")

    response = client.post(f"/reviews/{review.id}/cancel")

    assert response.headers["Location"] == "/reviews"
    check_page(client.get("/reviews"), title="Independent reviews")
    assert client.get(f"/reviews/respond/{token}").status_code == 410


def _share_with_organisers(assessment):
    _db.session.add(
        ExpressionOfInterest(
            user_id=assessment.user_id,
            share_assessment=True,
            shared_assessment_id=assessment.id,
            submitted_at=utcnow(),
        )
    )
    _db.session.commit()


def test_an_organiser_reviews_a_shared_assessment_signed_in(
    client, login_as, organiser, member, assessment
):
    _share_with_organisers(assessment)
    login_as(organiser)
    shared = check_page(client.get(f"/assessments/{assessment.id}/shared-with-organisers"))
    url = f"/reviews/assessments/{assessment.id}/organiser-review"
    assert shared.find("a", href=url)
    page = check_page(client.get(url))
    assert page.find("input", {"name": "reviewer_name"})["value"] == organiser.name

    response = client.post(url, data=_review_form(assessment, reviewer_name=organiser.name))

    assert response.status_code == 302
    review = _db.session.scalar(sa.select(Review))
    assert (review.reviewer_user_id, review.member_id) == (organiser.id, member.id)
    assert review.status is ReviewStatus.GIVEN


def test_an_organiser_cannot_review_an_assessment_not_shared_with_them(
    client, login_as, organiser, assessment
):
    login_as(organiser)

    url = f"/reviews/assessments/{assessment.id}/organiser-review"
    assert client.get(url).status_code == 404
    assert client.post(url, data=_review_form(assessment)).status_code == 404


def test_review_requests_are_rate_limited(app, client, login_as, member, assessment):
    login_as(member)
    app.config["RATELIMIT_REVIEW"] = "2 per minute"
    try:
        statuses = [
            client.post(f"/reviews/assessments/{assessment.id}/request", data={}).status_code
            for _ in range(3)
        ]
    finally:
        app.config["RATELIMIT_REVIEW"] = "1000 per minute"

    assert statuses == [200, 200, 429]


def test_the_history_marks_a_validated_assessment(client, login_as, member, assessment):
    review = _given(member, assessment, {})
    services.accept_review(review, member=member, accepted=[], now=utcnow())
    _db.session.commit()
    login_as(member)

    page = check_page(client.get("/assessments/"))

    tags = [tag.get_text(" ", strip=True) for tag in page.select(".govuk-tag")]
    assert any(tag.startswith("Validated ") for tag in tags), tags
    assert page.find("a", href="/reviews")


def test_an_expired_link_says_so_and_accepts_nothing(client, member, assessment):
    review, token = ask(assessment, member, now=utcnow() - timedelta(days=15), days=14)
    _db.session.commit()

    page = check_page(client.get(f"/reviews/respond/{token}"), status=410)
    posted = client.post(f"/reviews/respond/{token}", data=_review_form(assessment))

    assert "This link no longer works" in page.h1.get_text()
    assert posted.status_code == 410
    _db.session.refresh(review)
    assert review.status is ReviewStatus.REQUESTED
    assert review.is_expired(utcnow())
