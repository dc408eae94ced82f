"""Edge cases found in review: capacity, started workshops, labels, headers, empty workshops."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template_string

from skillsreg.core.mail import OutboxMessage
from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.offers import attendance, queries, services
from skillsreg.workshops.offers.services import OfferError
from tests.pages import check_page

from .conftest import NOW
from .test_services import mail_to, offer_for


def test_more_offers_than_free_places_are_refused(db, make_workshop, apply, create_user, organiser):
    workshop = make_workshop(capacity=2)
    held = apply(create_user(), workshop)
    services.make_offers([held], actor=organiser, now=NOW)
    others = [apply(create_user(), workshop) for _ in range(2)]

    with pytest.raises(OfferError, match="has 1 free place: 2 cannot be offered"):
        services.make_offers(others, actor=organiser, now=NOW)
    assert {c.status for c in others} == {ChoiceStatus.WAITING}


def test_no_offers_for_a_workshop_that_has_started(
    db, make_workshop, apply, create_user, organiser
):
    workshop = make_workshop(starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=2))
    choice = apply(create_user(), workshop)
    with pytest.raises(OfferError, match="already started"):
        services.make_offers([choice], actor=organiser, now=NOW)


def test_nobody_withdraws_from_a_workshop_that_has_started(
    db, client, login_as, make_workshop, apply, member, organiser
):
    workshop = make_workshop(capacity=1)
    choice = apply(member, workshop)
    services.make_offers([choice], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, choice), now=NOW)
    workshop.starts_at = NOW - timedelta(hours=1)
    db.session.commit()

    with pytest.raises(OfferError, match="already started"):
        services.withdraw_choice(choice, now=NOW)
    login_as(member)
    page = check_page(client.get("/workshops/places"))
    assert "Withdraw" not in page.get_text()
    assert choice.status is ChoiceStatus.ACCEPTED


def test_an_expired_offer_is_labelled_as_expired_not_declined(
    db, make_workshop, apply, create_user, organiser
):
    workshop = make_workshop(capacity=2)
    expired, declined = (apply(create_user(), workshop) for _ in range(2))
    (offer, _) = services.make_offers([expired, declined], actor=organiser, now=NOW)
    services.decline_offer(offer_for(db, declined), now=NOW)
    services.expire_offers(now=offer.expires_at)

    assert queries.choice_status_label(expired) == "Offer expired"
    assert queries.choice_status_label(declined) == "Place declined"


def test_a_line_break_in_a_subject_cannot_add_mail_headers(db, make_workshop, apply, create_user):
    workshop = make_workshop(capacity=1)
    choice = apply(create_user(), workshop, status=ChoiceStatus.ACCEPTED)
    organiser = create_user(name="Olive Organiser")

    attendance.email_attendees(
        workshop, subject="Lunch\r\nBcc: all@example.org", message="Hi", actor=organiser, now=NOW
    )

    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == choice.eoi.user.email)
    ).one()
    assert message.subject == "Lunch Bcc: all@example.org"


def test_cells_like_formulas_after_spaces_or_in_full_width_stay_text(
    db, make_workshop, apply, create_user
):
    workshop = make_workshop(capacity=3)
    for needs in (" =1+1", "\uff1d1+1", "Zoë\u2019s café"):
        choice = apply(create_user(), workshop, status=ChoiceStatus.ACCEPTED)
        choice.eoi.access_needs = needs

    rows = list(csv.reader(io.StringIO(queries.attendees_csv(workshop).lstrip("\ufeff"))))

    assert sorted(row[5] for row in rows[1:]) == ["' =1+1", "'\uff1d1+1", "Zoë\u2019s café"]


def test_downloads_name_unicode_files_safely(
    db, client, login_as, make_workshop, apply, organiser, member
):
    workshop = make_workshop(capacity=1, slug="café-zoë")
    choice = apply(member, workshop)
    services.make_offers([choice], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, choice), now=NOW)
    db.session.commit()

    login_as(member)
    response = client.get(f"/workshops/places/{choice.id}/invitation.ics")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    assert "filename*=UTF-8''caf%C3%A9-zo%C3%AB.ics" in disposition


def test_a_workshop_nobody_applied_for_has_working_organiser_pages(
    db, client, login_as, make_workshop, organiser
):
    workshop = make_workshop(title="Atelier numérique ✨")
    db.session.commit()
    login_as(organiser)
    base = f"/workshops/{workshop.slug}"

    page = check_page(client.get(f"{base}/attendees"))
    assert "Nobody has confirmed a place yet" in page.get_text()
    assert client.post(f"{base}/attendees/fill").status_code == 302
    assert client.get(f"{base}/attendees.csv").get_data().decode("utf-8-sig").startswith("Name,")
    check_page(client.get(f"{base}/attendance"))
    check_page(client.post(f"{base}/attendance"))
    page = check_page(
        client.post(f"{base}/attendees/email", data={"subject": "Hi", "message": "x"}), errors=True
    )
    assert "Nobody has a confirmed place yet" in page.get_text()
    assert services.expire_offers(now=NOW).expired == []


def test_people_who_cannot_come_are_not_promised_the_waiting_list(
    db, make_workshop, apply, create_user, organiser
):
    workshop = make_workshop()
    choice = apply(create_user(), workshop, status=ChoiceStatus.APPLIED, available=False)

    services.notify_not_selected([choice], actor=organiser, now=NOW)

    (message,) = mail_to(db, choice.eoi.user)
    assert message.subject == "Workshop places: thank you for your interest"
    assert "You are on the waiting list" not in message.body_text
    assert f"cannot come on the date of {workshop.title}" in message.body_text
    assert "/frameworks" in message.body_text


def test_every_page_can_label_an_expired_offer(
    app, db, make_workshop, apply, create_user, organiser
):
    workshop = make_workshop(capacity=1)
    choice = apply(create_user(), workshop)
    (offer,) = services.make_offers([choice], actor=organiser, now=NOW)
    services.expire_offers(now=offer.expires_at)

    with app.test_request_context():
        rendered = render_template_string("{{ choice_status_label(choice) }}", choice=choice)

    assert rendered == "Offer expired"
