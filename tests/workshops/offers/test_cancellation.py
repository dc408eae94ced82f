"""Cancelling a workshop: calendars cleared, offers withdrawn, everyone waiting told."""

from __future__ import annotations

import icalendar
import pytest

from skillsreg.workshops.models import ChoiceStatus, WorkshopStatus
from skillsreg.workshops.offers import cancellation, queries, services
from skillsreg.workshops.offers.models import OfferStatus
from skillsreg.workshops.offers.replacement import WorkshopRound
from skillsreg.workshops.offers.services import OfferError
from tests.pages import check_page

from .conftest import NOW
from .test_services import mail_to, offer_for


@pytest.fixture
def running(db, make_workshop, apply, create_user, organiser):
    """A two-place workshop: one place accepted, one offered, one person waiting."""
    workshop = make_workshop(capacity=2)
    accepted, offered, waiting = (apply(create_user(), workshop) for _ in range(3))
    services.make_offers([accepted, offered], actor=organiser, now=NOW)
    services.accept_offer(offer_for(db, accepted), now=NOW)
    return workshop, accepted, offered, waiting


def test_cancelling_a_workshop_cancels_invitations_and_withdraws_offers(db, running):
    workshop, accepted, offered, waiting = running
    invitation = icalendar.Calendar.from_ical(mail_to(db, accepted.eoi.user)[-1].attachment)
    workshop.status = WorkshopStatus.CANCELLED

    result = cancellation.cancel_places(workshop, now=NOW)

    assert (result.attendees, result.offers, result.others) == (1, 1, 1)
    message = mail_to(db, accepted.eoi.user)[-1]
    assert message.subject == f"Workshop cancelled: {workshop.title}"
    calendar = icalendar.Calendar.from_ical(message.attachment)
    assert str(calendar["method"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    (original,) = invitation.walk("VEVENT")
    assert event["uid"] == original["uid"]
    assert int(event["sequence"]) > int(original["sequence"])
    assert offer_for(db, offered).status is OfferStatus.WITHDRAWN
    assert "offer of a place we sent you has been withdrawn" in (
        mail_to(db, offered.eoi.user)[-1].body_text
    )
    assert "do not need to do anything" in mail_to(db, waiting.eoi.user)[-1].body_text
    assert {c.status for c in (accepted, offered, waiting)} == {ChoiceStatus.WITHDRAWN}
    assert queries.choice_status_label(accepted) == "Workshop cancelled"


def test_cancelling_twice_tells_nobody_twice(db, running):
    workshop, *choices = running
    workshop.status = WorkshopStatus.CANCELLED
    cancellation.cancel_places(workshop, now=NOW)
    sent = [len(mail_to(db, c.eoi.user)) for c in choices]

    result = cancellation.cancel_places(workshop, now=NOW)

    assert (result.attendees, result.offers, result.others) == (0, 0, 0)
    assert [len(mail_to(db, c.eoi.user)) for c in choices] == sent


def test_places_are_closed_only_for_a_cancelled_workshop(running):
    workshop, *_ = running
    with pytest.raises(OfferError, match="Cancel the workshop"):
        cancellation.cancel_places(workshop, now=NOW)


def test_an_offer_of_a_cancelled_workshop_cannot_be_accepted(db, running):
    workshop, _, offered, _ = running
    workshop.status = WorkshopStatus.CANCELLED
    db.session.flush()
    with pytest.raises(OfferError, match="cancelled"):
        services.accept_offer(offer_for(db, offered), now=NOW)


def test_a_cancelled_workshop_offers_nothing_to_its_waiting_list(db, running, organiser):
    workshop, _, _, waiting = running
    workshop.status = WorkshopStatus.CANCELLED
    workshop.capacity = 5
    db.session.flush()
    assert services.fill_places(workshop, now=NOW) == []
    with pytest.raises(OfferError, match="not open"):
        services.make_offers([waiting], actor=organiser, now=NOW)


def test_a_place_at_a_cancelled_workshop_no_longer_blocks_one_elsewhere(
    db, make_workshop, apply, create_user, organiser, running
):
    workshop, accepted, *_ = running
    other = make_workshop(capacity=1, one_place_per_person=True)
    there = apply(accepted.eoi.user, other)
    assert WorkshopRound(other, now=NOW).best_next() is None
    workshop.status = WorkshopStatus.CANCELLED
    cancellation.cancel_places(workshop, now=NOW)

    assert WorkshopRound(other, now=NOW).best_next() is there


def test_members_see_a_cancelled_workshop_without_invitation_or_withdraw_links(
    db, client, login_as, running
):
    workshop, accepted, *_ = running
    workshop.status = WorkshopStatus.CANCELLED
    cancellation.cancel_places(workshop, now=NOW)
    db.session.commit()
    login_as(accepted.eoi.user)

    page = check_page(client.get("/workshops/places"))

    assert page.select_one("main .govuk-tag").get_text(strip=True) == "Workshop cancelled"
    assert "Download the calendar invitation" not in page.get_text()
    assert "Withdraw" not in page.get_text()
    url = f"/workshops/places/{accepted.id}/invitation.ics"
    assert client.get(url).status_code == 404


def test_an_organiser_cancels_a_workshop_from_its_page_and_everyone_is_told(
    db, client, login_as, organiser, running
):
    workshop, accepted, offered, waiting = running
    login_as(organiser)
    shown = check_page(client.get(f"/workshops/{workshop.slug}"))
    assert shown.find("a", href=f"/workshops/{workshop.slug}/cancel") is not None
    check_page(client.get(f"/workshops/{workshop.slug}/cancel"), title="Cancel workshop")

    assert client.post(f"/workshops/{workshop.slug}/cancel").status_code == 302

    assert workshop.status is WorkshopStatus.CANCELLED
    assert mail_to(db, accepted.eoi.user)[-1].subject == f"Workshop cancelled: {workshop.title}"
    assert {c.status for c in (accepted, offered, waiting)} == {ChoiceStatus.WITHDRAWN}
    again = check_page(client.post(f"/workshops/{workshop.slug}/cancel"), errors=True)
    assert "This workshop is already cancelled" in again.get_text()


def test_members_cannot_cancel_a_workshop(db, client, login_as, member, running):
    workshop, *_ = running
    login_as(member)
    assert client.post(f"/workshops/{workshop.slug}/cancel").status_code == 403
    assert workshop.status is WorkshopStatus.PUBLISHED


def test_a_workshop_that_has_started_cannot_be_cancelled(db, running):
    from skillsreg.workshops import services as workshop_services

    workshop, *_ = running
    with pytest.raises(workshop_services.WorkshopError, match="already started"):
        workshop_services.cancel_workshop(workshop, now=workshop.starts_at)
    assert workshop.status is WorkshopStatus.PUBLISHED
