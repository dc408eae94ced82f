"""The iCalendar invitation sent when a place is accepted (RFC 5545, METHOD:REQUEST)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app

from skillsreg.accounts.models import User
from skillsreg.workshops.models import Workshop

if TYPE_CHECKING:  # imported when an invitation is built, not by every command
    import icalendar

LONDON = ZoneInfo("Europe/London")
UID_DOMAIN = "skillsreg"


def uid_signature(workshop_id: int, user_id: int) -> str:
    """80 bits of an HMAC of the ids under SECRET_KEY: a UID nobody outside can make up.

    Replies to the organisers' mailbox are acted on only for a UID we issued, so a forged
    "Decline" needs an invitation the forger has seen, not just two ids counted up.
    """
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"invitation-uid:{workshop_id}:{user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def invitation_uid(workshop: Workshop, user: User) -> str:
    """The same for every invitation to one person for one workshop, so updates replace it."""
    signature = uid_signature(workshop.id, user.id)
    return f"workshop-{workshop.id}-user-{user.id}-{signature}@{UID_DOMAIN}"


def london_timezone(first: datetime, last: datetime) -> icalendar.Timezone:
    """Europe/London from 1 January of `first`'s year to the end of `last`'s year.

    Every transition of those years is included, so the event's times (and a move to another
    day in the same years) read the same in any calendar.
    """
    import icalendar

    return icalendar.Timezone.from_tzid(
        "Europe/London",
        first_date=date(first.astimezone(LONDON).year, 1, 1),
        last_date=date(last.astimezone(LONDON).year + 1, 1, 1),
    )


def build_invitation(
    workshop: Workshop,
    user: User,
    *,
    organiser_email: str,
    organiser_name: str,
    url: str,
    now: datetime,
    give_up_url: str = "",
    cancel: bool = False,
) -> bytes:
    """An invitation to the workshop for this person, at the workshop's current sequence.

    A cancellation (METHOD:CANCEL) carries the same UID and a higher sequence, so calendars
    remove the event they hold.
    """
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Web professionals skills register//skillsreg//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(london_timezone(workshop.starts_at, workshop.ends_at))
    event = icalendar.Event()
    event.add("uid", invitation_uid(workshop, user))
    event.add("sequence", workshop.sequence + 1 if cancel else workshop.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", workshop.starts_at.astimezone(LONDON))
    event.add("dtend", workshop.ends_at.astimezone(LONDON))
    event.add("summary", workshop.title)
    give_up = f"If you cannot come, give up your place on the site: {give_up_url}"
    parts = [workshop.description, url, "" if cancel or not give_up_url else give_up]
    event.add("description", "\n\n".join(part for part in parts if part).strip())
    event.add("location", workshop.full_venue)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organiser = icalendar.vCalAddress(f"mailto:{organiser_email}")
    organiser.params["cn"] = icalendar.vText(organiser_name)
    event.add("organizer", organiser)
    attendee = icalendar.vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = icalendar.vText(user.name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = icalendar.vText("FALSE" if cancel else "TRUE")
    attendee.params["partstat"] = icalendar.vText("DECLINED" if cancel else "ACCEPTED")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()
