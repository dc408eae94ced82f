"""Calendar replies (iTIP METHOD:REPLY, RFC 5546) sent to the organisers' mailbox.

A calendar app's "Decline" on an invitation gives the place up, exactly as withdrawing on the
site does: the attendee gets the cancellation and the place goes to the waiting list.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.utils import parseaddr

import icalendar
import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.extensions import db
from skillsreg.workshops.models import Choice, ChoiceStatus, ExpressionOfInterest
from skillsreg.workshops.offers.calendar import UID_DOMAIN, uid_signature
from skillsreg.workshops.offers.models import Offer
from skillsreg.workshops.offers.services import OfferError, withdraw_choice

CALENDAR_TYPES = ("text/calendar", "application/ics")
UID_PATTERN = re.compile(rf"workshop-(\d+)-user-(\d+)-([0-9a-f]{{20}})@{re.escape(UID_DOMAIN)}")


@dataclass(frozen=True)
class ReplyOutcome:
    """What one attendee's reply in one event did: `declined`, or why it was ignored."""

    uid: str
    attendee: str
    result: str
    offers: list[Offer] = field(default_factory=list)

    @property
    def is_declined(self) -> bool:
        return self.result == "declined"


def calendars_in(data: bytes) -> tuple[bytes, str]:
    """The iCalendar objects in an email (.eml) or a calendar file (.ics), and the sender."""
    if data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        return data, ""
    message = message_from_bytes(data, policy=policy.default)
    sender = parseaddr(str(message.get("From", "")))[1]
    for part in message.walk():
        if part.get_content_type() in CALENDAR_TYPES:
            content = part.get_content()
            # The alternative body and the attachment carry the same calendar: read it once.
            return (content.encode() if isinstance(content, str) else content), sender
    return b"", sender


def process_reply(data: bytes, *, now: datetime) -> list[ReplyOutcome]:
    """Act on a calendar reply (an email or a .ics file); a decline gives up the place."""
    ics, sender = calendars_in(data)
    if not ics:
        return [ReplyOutcome("", sender, "ignored: no calendar in the message")]
    try:
        calendar = icalendar.Calendar.from_ical(ics)
    except ValueError:
        return [ReplyOutcome("", sender, "ignored: the calendar cannot be read")]
    if str(calendar.get("method", "")).upper() != "REPLY":
        return [ReplyOutcome("", sender, "ignored: not a calendar reply")]
    outcomes = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("uid", ""))
        attendees = event.get("attendee", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            outcomes.append(_answer(uid, attendee, sender, now=now))
    return outcomes or [ReplyOutcome("", sender, "ignored: no event in the calendar")]


def _answer(
    uid: str, attendee: icalendar.vCalAddress, sender: str, *, now: datetime
) -> ReplyOutcome:
    address = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:").strip()
    partstat = str(attendee.params.get("PARTSTAT", "")).upper()
    match = UID_PATTERN.fullmatch(uid)
    if match is None or not hmac.compare_digest(
        match.group(3), uid_signature(int(match.group(1)), int(match.group(2)))
    ):
        return ReplyOutcome(uid, address, "ignored: not one of our invitations")
    user = db.session.get(User, int(match.group(2)))
    if user is None or user.email.lower() != address.lower():
        return ReplyOutcome(uid, address, "ignored: the attendee is not the person invited")
    if sender and sender.lower() != address.lower():
        return ReplyOutcome(uid, address, "ignored: sent from another address than the attendee")
    if partstat != "DECLINED":
        return ReplyOutcome(uid, address, f"ignored: {partstat.lower() or 'no answer'}")
    choice = _held_place(int(match.group(1)), user)
    if choice is None:
        return ReplyOutcome(uid, address, "ignored: no place is held")
    try:
        offers = withdraw_choice(choice, now=now)
    except OfferError as error:
        return ReplyOutcome(uid, address, f"ignored: {error.message}")
    return ReplyOutcome(uid, address, "declined", offers)


def _held_place(workshop_id: int, user: User) -> Choice | None:
    return db.session.scalar(
        sa.select(Choice)
        .join(ExpressionOfInterest, ExpressionOfInterest.id == Choice.eoi_id)
        .where(
            Choice.workshop_id == workshop_id,
            ExpressionOfInterest.user_id == user.id,
            Choice.status == ChoiceStatus.ACCEPTED,
        )
    )
