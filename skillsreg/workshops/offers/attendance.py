"""What organisers do about a workshop's attendees: record attendance and email them."""

from __future__ import annotations

from datetime import datetime

from skillsreg.accounts.models import User
from skillsreg.core import audit
from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db
from skillsreg.workshops.models import ChoiceStatus, Workshop
from skillsreg.workshops.offers.emails import mail_helpers, subject_line
from skillsreg.workshops.offers.services import OfferError


def record_attendance(
    workshop: Workshop, *, attended: dict[int, bool | None], actor: User, now: datetime
) -> int:
    """Record who came to the workshop (by choice id); return how many answers were recorded."""
    if workshop.starts_at > now:
        raise OfferError("You can record attendance once the workshop has started")
    attendees = {c.id: c for c in workshop.choices if c.status is ChoiceStatus.ACCEPTED}
    unknown = set(attended) - set(attendees)
    if unknown:
        raise OfferError("Record attendance only for people with a confirmed place")
    recorded = 0
    for choice_id, value in attended.items():
        choice = attendees[choice_id]
        if choice.attended != value:
            choice.attended = value
            choice.attendance_recorded_at = now if value is not None else None
        recorded += value is not None
    db.session.flush()
    audit.record(
        "workshop.attendance_recorded",
        actor=actor,
        subject_type="workshop",
        subject_id=workshop.id,
        recorded=recorded,
    )
    return recorded


def email_attendees(
    workshop: Workshop, *, subject: str, message: str, actor: User, now: datetime
) -> int:
    """Queue an organiser's message to everyone with a confirmed place; return how many."""
    subject, message = subject_line(subject), message.strip()
    if not subject:
        raise OfferError("Enter a subject", field="subject")
    if not message:
        raise OfferError("Enter a message", field="message")
    attendees = [c for c in workshop.choices if c.status is ChoiceStatus.ACCEPTED]
    if not attendees:
        raise OfferError("Nobody has a confirmed place yet", field="subject")
    for choice in attendees:
        queue_mail(
            to=choice.eoi.user.email,
            subject=subject,
            template="offer_attendee_message",
            user=choice.eoi.user,
            workshop=workshop,
            message=message,
            **mail_helpers(),
        )
    audit.record(
        "workshop.attendees_emailed",
        actor=actor,
        subject_type="workshop",
        subject_id=workshop.id,
        count=len(attendees),
        subject=subject,
        at=now.isoformat(),
    )
    return len(attendees)
