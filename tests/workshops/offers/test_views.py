"""Offer pages: replies from the email links, members' places, organisers' attendee pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.offers import services
from skillsreg.workshops.offers.models import Offer, OfferStatus
from tests.pages import check_page, error_messages

from .conftest import NOW


def offer_and_token(db, choice, organiser) -> tuple[Offer, str]:
    """Offer the choice a place and read the token back from the queued email."""
    from skillsreg.core.mail import OutboxMessage

    (offer,) = services.make_offers([choice], actor=organiser, now=NOW)
    message = db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)
    ).one()
    line = next(x for x in message.body_text.splitlines() if x.endswith("/accept"))
    db.session.commit()
    return offer, line.split("/workshops/offers/")[1].split("/")[0]


@pytest.fixture
def offer(db, make_workshop, apply, member, organiser):
    workshop = make_workshop(capacity=1)
    choice = apply(member, workshop, status=ChoiceStatus.SELECTED)
    return offer_and_token(db, choice, organiser)


def test_the_accept_link_shows_a_confirmation_page_and_changes_nothing(client, offer):
    offer_, token = offer
    page = check_page(client.get(f"/workshops/offers/{token}/accept"), title="Accept your place")
    assert page.find("button", string=lambda s: s and "Accept the place" in s)
    assert offer_.status is OfferStatus.OFFERED
    assert offer_.choice.status is ChoiceStatus.OFFERED


def test_accepting_in_the_browser_confirms_the_place_and_sends_the_invitation(
    client, offer, mailbox, member
):
    offer_, token = offer
    response = client.post(f"/workshops/offers/{token}/accept")
    assert response.status_code == 302
    page = check_page(client.get(response.headers["Location"]))
    assert "Your place is confirmed" in page.get_text()
    assert offer_.status is OfferStatus.ACCEPTED
    # The offer email went too (the queue sent it after the fixture's commit); then this one.
    (message,) = [
        m for m in mailbox.messages if m["To"] == member.email and "confirmed" in m["Subject"]
    ]
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert calendar.walk("VEVENT")[0]["summary"] == offer_.choice.workshop.title


def test_a_used_link_cannot_accept_again(client, offer):
    offer_, token = offer
    client.post(f"/workshops/offers/{token}/decline")
    for response in (
        client.get(f"/workshops/offers/{token}/accept"),
        client.post(f"/workshops/offers/{token}/accept"),
    ):
        assert response.status_code == 302
        page = check_page(client.get(response.headers["Location"]))
        assert "You have declined this place" in page.get_text()
    assert offer_.status is OfferStatus.DECLINED


def test_the_last_place_taken_meanwhile_is_explained_on_the_form(
    db, client, offer, apply, create_user
):
    offer_, token = offer
    rival = apply(create_user(), offer_.choice.workshop)
    # More people offered than places, as an organiser may do: accepting still counts.
    rival_offer = services._offer_place(rival, actor=None, now=NOW, days=5, replacement=True)
    services.accept_offer(rival_offer, now=NOW)
    db.session.commit()
    page = check_page(client.post(f"/workshops/offers/{token}/accept"), errors=True)
    assert error_messages(page) == ["Sorry, every place at this workshop has now been taken"]
    assert offer_.status is OfferStatus.OFFERED


def test_an_unknown_token_is_not_found(client):
    check_page(client.get("/workshops/offers/not-a-token/accept"), status=404)
    check_page(client.post("/workshops/offers/not-a-token/decline"), status=404)


def test_declining_gives_the_place_to_the_waiting_list(db, client, offer, apply, create_user):
    offer_, token = offer
    waiting = apply(create_user(), offer_.choice.workshop)
    db.session.commit()
    check_page(client.get(f"/workshops/offers/{token}/decline"), title="Decline your place")
    response = client.post(f"/workshops/offers/{token}/decline")
    assert response.status_code == 302
    assert offer_.choice.status is ChoiceStatus.DECLINED
    assert waiting.status is ChoiceStatus.OFFERED


def test_the_accept_form_needs_its_csrf_token(app, client, offer, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    offer_, token = offer
    response = client.post(f"/workshops/offers/{token}/accept")
    assert response.status_code == 400
    assert offer_.status is OfferStatus.OFFERED


def test_members_see_their_places_and_download_the_invitation(client, login_as, offer, member):
    _, token = offer
    client.post(f"/workshops/offers/{token}/accept")
    login_as(member)
    page = check_page(client.get("/workshops/places"), title="Your workshop places")
    assert "Place accepted" in page.get_text()
    link = page.select_one("a[href$='invitation.ics']")
    response = client.get(link["href"])
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["method"]) == "REQUEST"
    assert f"user-{member.id}" in str(calendar.walk("VEVENT")[0]["uid"])


def test_there_is_no_invitation_before_the_place_is_accepted(client, login_as, offer, member):
    offer_, _ = offer
    login_as(member)
    assert client.get(f"/workshops/places/{offer_.choice_id}/invitation.ics").status_code == 404


def test_nobody_sees_or_withdraws_another_members_place(client, login_as, offer, create_user):
    offer_, _ = offer
    login_as(create_user())
    assert client.get(f"/workshops/places/{offer_.choice_id}/withdraw").status_code == 404
    assert client.post(f"/workshops/places/{offer_.choice_id}/withdraw").status_code == 404
    assert offer_.choice.status is ChoiceStatus.OFFERED


def test_my_places_needs_signing_in(client):
    response = client.get("/workshops/places")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_member_withdraws_from_one_workshop(db, client, login_as, offer, member):
    offer_, _ = offer
    login_as(member)
    url = f"/workshops/places/{offer_.choice_id}/withdraw"
    check_page(client.get(url), title="Withdraw from a workshop")
    response = client.post(url)
    assert response.status_code == 302
    assert offer_.choice.status is ChoiceStatus.WITHDRAWN
    assert offer_.status is OfferStatus.WITHDRAWN
    page = check_page(client.post(url), errors=True)
    assert error_messages(page) == ["You have already withdrawn from this workshop"]


@pytest.fixture
def attended(db, make_workshop, apply, create_user, organiser):
    """A workshop with two confirmed places and one person waiting."""
    workshop = make_workshop(capacity=2)
    holders = [apply(create_user(name=f"Attendee {n}"), workshop) for n in (1, 2)]
    holders[1].eoi.user.organisation = "=HYPERLINK(1)"
    services.make_offers(holders, actor=organiser, now=NOW)
    for choice in holders:
        services.accept_offer(
            db.session.scalars(sa.select(Offer).filter_by(choice=choice)).one(), now=NOW
        )
    apply(create_user(name="Wendy Waiting"), workshop)
    db.session.commit()
    return workshop, holders


def test_organisers_see_attendees_waiting_list_and_offers(client, login_as, organiser, attended):
    workshop, _ = attended
    login_as(organiser)
    page = check_page(client.get(f"/workshops/{workshop.slug}/attendees"))
    text = page.get_text(" ")
    assert "Attendee 1" in text
    assert "Wendy Waiting" in text
    assert "2 of 2 places confirmed" in text
    assert text.count("Accepted") == 2


def test_members_cannot_see_attendee_pages(client, login_as, member, attended):
    workshop, _ = attended
    login_as(member)
    for path in ("attendees", "attendees.csv", "attendees/email", "attendance"):
        assert client.get(f"/workshops/{workshop.slug}/{path}").status_code == 403
    assert client.post(f"/workshops/{workshop.slug}/attendance").status_code == 403


def test_unknown_workshops_are_not_found_for_organisers(client, login_as, organiser):
    login_as(organiser)
    for path in ("attendees", "attendees.csv", "attendees/email", "attendance"):
        assert client.get(f"/workshops/no-such-workshop/{path}").status_code == 404


def test_the_attendee_list_exports_as_csv_safe_for_spreadsheets(
    client, login_as, organiser, attended
):
    workshop, _ = attended
    login_as(organiser)
    response = client.get(f"/workshops/{workshop.slug}/attendees.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data().startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Name", "Email"]
    assert [row[0] for row in rows[1:]] == ["Attendee 1", "Attendee 2"]
    assert rows[2][2] == "'=HYPERLINK(1)"
    assert rows[1][5] == "Step-free access"


def test_organisers_email_attendees(client, login_as, organiser, attended, mailbox):
    workshop, holders = attended
    login_as(organiser)
    url = f"/workshops/{workshop.slug}/attendees/email"
    check_page(client.get(url), title="Email attendees")
    response = client.post(url, data={"subject": "Lunch", "message": "Lunch is provided."})
    assert response.status_code == 302
    sent = [m for m in mailbox.messages if m["Subject"] == "Lunch"]
    assert sorted(m["To"] for m in sent) == sorted(c.eoi.user.email for c in holders)
    assert "Lunch is provided." in sent[0].get_content()


def test_an_empty_message_is_refused_and_the_subject_kept(client, login_as, organiser, attended):
    workshop, _ = attended
    login_as(organiser)
    url = f"/workshops/{workshop.slug}/attendees/email"
    page = check_page(client.post(url, data={"subject": "Lunch", "message": ""}), errors=True)
    assert error_messages(page) == ["Enter a message"]
    assert page.find("input", {"name": "subject"})["value"] == "Lunch"


def test_attendance_is_recorded_after_the_event(db, client, login_as, organiser, attended):
    workshop, holders = attended
    workshop.starts_at = NOW - timedelta(days=1)
    workshop.ends_at = NOW - timedelta(hours=20)
    db.session.commit()
    login_as(organiser)
    url = f"/workshops/{workshop.slug}/attendance"
    check_page(client.get(url), title="Record attendance")
    data = {f"attended_{holders[0].id}": "yes", f"attended_{holders[1].id}": "no"}
    assert client.post(url, data=data).status_code == 302
    assert (holders[0].attended, holders[1].attended) == (True, False)


def test_attendance_needs_an_answer_for_everyone(client, login_as, organiser, attended):
    workshop, holders = attended
    login_as(organiser)
    url = f"/workshops/{workshop.slug}/attendance"
    page = check_page(client.post(url, data={f"attended_{holders[0].id}": "yes"}), errors=True)
    assert error_messages(page) == ["Select whether Attendee 2 attended"]


def test_attendance_cannot_be_recorded_before_the_workshop(client, login_as, organiser, attended):
    workshop, holders = attended
    login_as(organiser)
    data = {f"attended_{c.id}": "yes" for c in holders}
    page = check_page(client.post(f"/workshops/{workshop.slug}/attendance", data=data), errors=True)
    assert error_messages(page) == ["You can record attendance once the workshop has started"]
    assert holders[0].attended is None


def test_a_member_sees_when_their_offer_expired(db, client, login_as, offer, member):
    offer_, _ = offer
    services.expire_offers(now=offer_.expires_at)
    db.session.commit()
    login_as(member)
    page = check_page(client.get("/workshops/places"))
    assert "Offer expired" in page.select_one("main .govuk-summary-list .govuk-tag").get_text()
    assert "reply by" not in page.get_text()


def test_organisers_offer_free_places_to_the_waiting_list(
    db, client, login_as, organiser, attended
):
    workshop, _ = attended
    workshop.capacity = 3
    db.session.commit()
    login_as(organiser)
    page = check_page(client.get(f"/workshops/{workshop.slug}/attendees"))
    assert "1 place is free" in page.get_text()
    response = client.post(f"/workshops/{workshop.slug}/attendees/fill")
    assert response.status_code == 302
    page = check_page(client.get(response.headers["Location"]))
    assert "1 place offered to the waiting list" in page.get_text()
    offers = db.session.scalars(sa.select(Offer).order_by(Offer.id)).all()
    assert offers[-1].choice.eoi.user.name == "Wendy Waiting"


def test_members_cannot_offer_places(client, login_as, member, attended):
    workshop, _ = attended
    login_as(member)
    assert client.post(f"/workshops/{workshop.slug}/attendees/fill").status_code == 403


def test_a_signed_in_member_answers_an_offer_from_their_places(db, client, login_as, offer, member):
    offer_, _ = offer
    login_as(member)
    page = check_page(client.get("/workshops/places"))
    link = page.select_one(f"a[href='/workshops/places/{offer_.choice_id}/accept']")
    assert link.get_text(" ", strip=True).startswith("Accept the place")
    page = check_page(client.get(link["href"]), title="Accept your place")
    decline = page.find("a", string="I cannot come: decline the place")["href"]
    assert decline == f"/workshops/places/{offer_.choice_id}/decline"

    response = client.post(link["href"])

    assert response.headers["Location"] == "/workshops/places"
    assert offer_.status is OfferStatus.ACCEPTED
    assert offer_.choice.status is ChoiceStatus.ACCEPTED
    # Answered: the page has nothing more to ask.
    assert client.get(link["href"]).headers["Location"] == "/workshops/places"


def test_nobody_answers_another_members_offer(client, login_as, offer, create_user):
    offer_, _ = offer
    login_as(create_user())
    for action in ("accept", "decline"):
        url = f"/workshops/places/{offer_.choice_id}/{action}"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert offer_.status is OfferStatus.OFFERED
