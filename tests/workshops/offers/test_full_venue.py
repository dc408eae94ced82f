"""Offers and invitations give the full address of the venue, not just its name."""

from __future__ import annotations

import icalendar

from skillsreg.workshops.models import ChoiceStatus
from skillsreg.workshops.offers import services

from .conftest import NOW
from .test_services import mail_to

ADDRESS = "Church Street\nBarnsley\nS70 2TA"


def test_the_full_venue_joins_the_name_and_each_line_of_the_address(make_workshop):
    workshop = make_workshop(venue="Barnsley Town Hall", address=ADDRESS)

    assert workshop.full_venue == "Barnsley Town Hall, Church Street, Barnsley, S70 2TA"
    workshop.is_online = True
    assert workshop.full_venue == "Online"


def test_the_offer_and_the_invitation_give_the_full_address(
    db, app, make_workshop, apply, member, organiser
):
    workshop = make_workshop(venue="Barnsley Town Hall", address=ADDRESS)
    choice = apply(member, workshop, status=ChoiceStatus.SELECTED)
    (offer,) = services.make_offers([choice], actor=organiser, now=NOW)

    (offered,) = mail_to(db, member)
    assert "Where: Barnsley Town Hall, Church Street, Barnsley, S70 2TA" in offered.body_text

    services.accept_offer(offer, now=NOW)
    invitation = next(m for m in mail_to(db, member) if m.attachment)
    event = icalendar.Calendar.from_ical(invitation.attachment).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "Barnsley Town Hall, Church Street, Barnsley, S70 2TA"
    assert "Where: Barnsley Town Hall, Church Street, Barnsley, S70 2TA" in invitation.body_text
