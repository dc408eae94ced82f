"""When a workshop is cancelled: close its offers, clear calendars and tell everyone waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from skillsreg.core import audit
from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db
from skillsreg.workshops.models import ChoiceStatus, Workshop, WorkshopStatus
from skillsreg.workshops.offers.emails import (
    consultation_url,
    mail_helpers,
    send_cancellation,
    subject_line,
)
from skillsreg.workshops.offers.models import OfferStatus
from skillsreg.workshops.offers.services import OfferError, lock_workshop, open_offer_of

# Choices still in the running for a place; a cancellation closes them all.
LIVE = (
    ChoiceStatus.APPLIED,
    ChoiceStatus.SELECTED,
    ChoiceStatus.WAITING,
    ChoiceStatus.OFFERED,
    ChoiceStatus.ACCEPTED,
)


@dataclass(frozen=True)
class CancellationResult:
    """Who a cancellation reached: calendars cleared, offers withdrawn, others told."""

    attendees: int
    offers: int
    others: int


def cancel_places(workshop: Workshop, *, now: datetime) -> CancellationResult:
    """Close every place and offer of a cancelled workshop and tell the people concerned.

    Confirmed attendees get a METHOD:CANCEL calendar update, open offers are withdrawn and
    everyone else still asking for a place is told. Their choices end as withdrawn, so places
    held there stop counting against the person limit of other workshops. Safe to repeat.
    """
    workshop = lock_workshop(workshop.id)
    if workshop.status is not WorkshopStatus.CANCELLED:
        raise OfferError("Cancel the workshop before closing its places")
    attendees = offers = others = 0
    for choice in sorted(workshop.choices, key=lambda c: c.id):
        if choice.status not in LIVE or choice.eoi.is_withdrawn:
            continue
        user = choice.eoi.user
        if choice.status is ChoiceStatus.ACCEPTED:
            send_cancellation(choice, now=now, workshop_cancelled=True)
            attendees += 1
        else:
            offer = open_offer_of(choice)
            if offer is not None:
                offer.status = OfferStatus.WITHDRAWN
                offer.responded_at = now
                offers += 1
            else:
                others += 1
            queue_mail(
                to=user.email,
                subject=subject_line(f"Workshop cancelled: {workshop.title}"),
                template="offer_workshop_cancelled",
                user=user,
                workshop=workshop,
                had_offer=offer is not None,
                consultation_url=consultation_url(),
                **mail_helpers(),
            )
        choice.status = ChoiceStatus.WITHDRAWN
    db.session.flush()
    audit.record(
        "workshop.places_cancelled",
        actor=None,
        subject_type="workshop",
        subject_id=workshop.id,
        attendees=attendees,
        offers=offers,
        others=others,
    )
    return CancellationResult(attendees=attendees, offers=offers, others=others)
