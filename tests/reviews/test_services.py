"""Asking for, giving, declining, cancelling and accepting reviews, and the validated result."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.accounts.confirmed import UnconfirmedError
from skillsreg.assessments.models import Assessment
from skillsreg.core.db import utcnow
from skillsreg.core.mail import OutboxMessage
from skillsreg.extensions import db as _db
from skillsreg.register.personal_data import erase_account
from skillsreg.reviews import queries, services
from skillsreg.reviews.models import Review, ReviewStatus, hash_token
from tests.assessments.test_services import import_version, start, submitted
from tests.conftest import DEFAULT_PASSWORD
from tests.reviews.helpers import RITA, agree_all, ask


@pytest.fixture
def version(db):
    return import_version("1.0.0")


@pytest.fixture
def assessment(member, version):
    return submitted(member, version)


def test_asking_emails_a_single_use_link_and_keeps_only_its_hash(member, assessment):
    review, token = ask(assessment, member)

    assert review.status is ReviewStatus.REQUESTED
    assert review.token_hash == hash_token(token)
    assert token not in review.token_hash
    assert len(token) >= 43  # 256 bits, base64url
    mail = _db.session.get(OutboxMessage, review.request_message_id)
    assert mail.recipient == "rita@example.org"
    assert member.name in mail.subject
    assert f"/reviews/respond/{token}" in mail.body_text
    assert f"/reviews/respond/{token}/decline" in mail.body_text


def test_a_draft_cannot_be_reviewed(member, version):
    draft = start(member, version)

    with pytest.raises(services.ReviewError, match="Submit your assessment"):
        ask(draft, member)


def test_an_unconfirmed_member_cannot_ask(create_user, version):
    person = create_user(confirmed=False)
    assessment = submitted(person, version)

    with pytest.raises(UnconfirmedError):
        ask(assessment, person)


def test_the_member_cannot_review_themselves(member, assessment):
    with pytest.raises(services.ReviewError, match="Ask someone else"):
        ask(assessment, member, email=member.email.upper())


def test_requests_per_day_are_limited(member, assessment):
    for n in range(2):
        ask(assessment, member, email=f"r{n}@example.org", per_day=2)

    with pytest.raises(services.ReviewError, match="2 reviews a day"):
        ask(assessment, member, email="r3@example.org", per_day=2)


def test_asking_the_same_person_twice_while_the_link_works_is_refused(member, assessment):
    ask(assessment, member)

    with pytest.raises(services.ReviewError, match="already asked"):
        ask(assessment, member, email="RITA@example.org")


def test_a_link_expires(member, assessment):
    now = utcnow()
    review, token = ask(assessment, member, now=now, days=14)

    assert services.find_open_review(token, now=now + timedelta(days=13)) == review
    with pytest.raises(services.ReviewError, match="expired"):
        services.find_open_review(token, now=now + timedelta(days=14))


def test_giving_a_review_records_every_skill_and_kills_the_link(member, assessment):
    review, token = ask(assessment, member)
    answers = agree_all(assessment)
    answers["CONT"] = ("4", "Leads the content team")

    services.give_review(review, answers=answers, reviewer=RITA, now=utcnow(), link="L")

    assert review.status is ReviewStatus.GIVEN
    assert review.token_hash is None
    assert (review.reviewer_job_title, review.reviewer_organisation) == (
        "Head of digital",
        "Example Trust",
    )
    cont = review.item_for("CONT")
    assert (cont.agrees, cont.level, cont.comment) == (False, 4, "Leads the content team")
    assert review.item_for("EDIT").agrees
    with pytest.raises(services.ReviewError):
        services.find_open_review(token, now=utcnow())
    told = _db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == member.email)
    )
    assert "Rita Reviewer" in told.body_text


def test_another_level_needs_a_comment_and_every_skill_an_answer(member, assessment):
    review, _ = ask(assessment, member)
    answers = agree_all(assessment)
    answers["CONT"] = ("4", "")
    del answers["EDIT"]

    with pytest.raises(services.AnswersError) as caught:
        services.give_review(review, answers=answers, reviewer=RITA, now=utcnow(), link="L")

    assert caught.value.errors == {
        "CONT": "Say why you chose another level",
        "EDIT": "Say whether you agree, or choose another level",
    }


def test_a_declined_review_cannot_then_be_given(member, assessment):
    review, _ = ask(assessment, member)

    services.decline_review(review, reason="On leave", now=utcnow(), link="L")

    assert review.status is ReviewStatus.DECLINED
    assert review.token_hash is None
    with pytest.raises(services.ReviewError):
        services.give_review(
            review, answers=agree_all(assessment), reviewer=RITA, now=utcnow(), link="L"
        )


def test_a_cancelled_request_stops_its_link(member, assessment):
    review, token = ask(assessment, member)

    services.cancel_review(review, member=member, now=utcnow())

    assert review.status is ReviewStatus.CANCELLED
    with pytest.raises(services.ReviewError):
        services.find_open_review(token, now=utcnow())


def _given(member, assessment, changes):
    review, _ = ask(assessment, member)
    answers = agree_all(assessment)
    answers.update(changes)
    services.give_review(review, answers=answers, reviewer=RITA, now=utcnow(), link="L")
    return review


def test_accepting_makes_a_new_validated_assessment_and_keeps_the_original(member, assessment):
    review = _given(member, assessment, {"CONT": ("4", "Leads content"), "EDIT": ("2", "Not yet")})
    before = {r.skill_code: r.level for r in assessment.ratings}

    validated = services.accept_review(review, member=member, accepted=["CONT"], now=utcnow())

    assert validated.id != assessment.id
    assert validated.is_submitted
    assert validated.is_validated
    assert validated.validated_from_id == assessment.id
    assert validated.reviewer_name == "Rita Reviewer"
    assert validated.validated_at == validated.submitted_at
    levels = {r.skill_code: (r.level, r.is_validated) for r in validated.ratings}
    assert levels["CONT"] == (4, True)
    assert levels["EDIT"] == (before["EDIT"], False)
    assert all(is_validated for code, (_, is_validated) in levels.items() if code != "EDIT")
    assert {r.skill_code: r.level for r in assessment.ratings} == before
    assert not assessment.is_validated
    assert review.status is ReviewStatus.ACCEPTED
    with pytest.raises(services.ReviewError, match="not waiting"):
        services.accept_review(review, member=member, accepted=[], now=utcnow())


def test_validated_levels_lists_what_the_reviewer_confirmed(member, assessment, create_user):
    review = _given(member, assessment, {"CONT": ("4", "Leads content")})
    validated = services.accept_review(review, member=member, accepted=[], now=utcnow())
    other = create_user()
    other_review = _given(other, submitted(other, assessment.version), {})
    services.accept_review(other_review, member=other, accepted=[], now=utcnow())

    levels = queries.validated_levels(member.id)

    assert {level.skill_code for level in levels} == {
        r.skill_code for r in validated.ratings if r.is_validated and r.level
    }
    assert "CONT" not in {level.skill_code for level in levels}
    first = levels[0]
    assert first.assessment_id == validated.id
    assert first.framework_slug == "web-professionals"
    assert first.version_number == "1.0.0"
    assert first.level_name
    assert (first.reviewer_name, first.reviewer_job_title) == ("Rita Reviewer", "Head of digital")
    assert queries.validated_assessments(member.id) == [validated]


def test_nothing_validated_is_refused(member, assessment):
    review = _given(
        member, assessment, {r.skill_code: ("na", "Not their work") for r in assessment.ratings}
    )

    with pytest.raises(services.ReviewError, match="at least one"):
        services.accept_review(review, member=member, accepted=[], now=utcnow())


def test_an_organiser_reviews_signed_in_without_a_link(member, assessment, organiser):
    review = services.give_organiser_review(
        assessment,
        organiser=organiser,
        answers=agree_all(assessment),
        reviewer=services.Reviewer(organiser.name, "Organiser", "Community"),
        now=utcnow(),
        link=lambda review_id: f"L{review_id}",
    )

    assert review.token_hash is None
    assert review.reviewer_user_id == organiser.id
    assert review.member_id == member.id
    assert review.status is ReviewStatus.GIVEN
    validated = services.accept_review(review, member=member, accepted=[], now=utcnow())
    assert validated.reviewer_name == organiser.name


def test_a_validated_assessment_cannot_itself_be_sent_for_review(member, assessment):
    review = _given(member, assessment, {})
    validated = services.accept_review(review, member=member, accepted=[], now=utcnow())

    with pytest.raises(services.ReviewError, match="already a validated"):
        ask(validated, member, email="other@example.org")
    assert _db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 2


def test_erasing_an_organiser_blanks_their_name_on_reviews_they_gave(member, assessment, organiser):
    review = services.give_organiser_review(
        assessment,
        organiser=organiser,
        answers=agree_all(assessment),
        reviewer=services.Reviewer(organiser.name, "Organiser", "Community"),
        now=utcnow(),
        link=lambda review_id: f"L{review_id}",
    )

    erase_account(organiser, password=DEFAULT_PASSWORD, now=utcnow())

    _db.session.refresh(review)
    assert (review.reviewer_name, review.reviewer_organisation) == ("Erased user", "")
    assert review.reviewer_user_id is None
    assert review.member_id == member.id


def test_erasing_the_member_removes_their_reviews_and_the_email_to_the_reviewer(member, assessment):
    review, _ = ask(assessment, member)
    message_id = review.request_message_id

    erase_account(member, password=DEFAULT_PASSWORD, now=utcnow())

    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0
    assert _db.session.get(OutboxMessage, message_id) is None
