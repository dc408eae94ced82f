"""The iCalendar invitation sent when a place is accepted (RFC 5545, METHOD:REQUEST)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from skillsreg.accounts.models import User
from skillsreg.workshops.models import Workshop

LONDON = ZoneInfo("Europe/London")
UID_DOMAIN = "skillsreg"


def invitation_uid(workshop: Workshop, user: User) -> str:
    """The same for every invitation to one person for one workshop, so updates replace it."""
    return f"workshop-{workshop.id}-user-{user.id}@{UID_DOMAIN}"


def _london_timezone(workshop: Workshop) -> icalendar.Timezone:
    start = workshop.starts_at.astimezone(LONDON).replace(tzinfo=None)
    end = workshop.ends_at.astimezone(LONDON).replace(tzinfo=None)
    return icalendar.Timezone.from_tzid(
        "Europe/London", first_date=start - timedelta(days=366), last_date=end + timedelta(days=1)
    )


def build_invitation(
    workshop: Workshop,
    user: User,
    *,
    organiser_email: str,
    organiser_name: str,
    url: str,
    now: datetime,
    cancel: bool = False,
) -> bytes:
    """An invitation to the workshop for this person, at the workshop's current sequence.

    A cancellation (METHOD:CANCEL) carries the same UID and a higher sequence, so calendars
    remove the event they hold.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Web professionals skills register//skillsreg//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(_london_timezone(workshop))
    event = icalendar.Event()
    event.add("uid", invitation_uid(workshop, user))
    event.add("sequence", workshop.sequence + 1 if cancel else workshop.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", workshop.starts_at.astimezone(LONDON))
    event.add("dtend", workshop.ends_at.astimezone(LONDON))
    event.add("summary", workshop.title)
    event.add("description", f"{workshop.description}\n\n{url}".strip())
    event.add("location", workshop.full_venue)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organiser = icalendar.vCalAddress(f"mailto:{organiser_email}")
    organiser.params["cn"] = icalendar.vText(organiser_name)
    event.add("organizer", organiser)
    attendee = icalendar.vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = icalendar.vText(user.name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("DECLINED" if cancel else "ACCEPTED")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()
