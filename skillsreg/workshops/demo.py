"""Demo workshops for `make run`: the 27 November London workshop and two breakfast events."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import sqlalchemy as sa

from skillsreg.accounts.rules import Sector
from skillsreg.extensions import db
from skillsreg.workshops import services
from skillsreg.workshops.models import Workshop, WorkshopStatus
from skillsreg.workshops.services import LONDON, WorkshopDetails

DEMO_WORKSHOPS = [
    WorkshopDetails(
        title="Drafting the web professionals skills framework",
        description=(
            "The first stage in a project to define a professional skills framework for people "
            "who work on public sector websites.\n\n"
            "We are looking for people with experience of managing web teams in the public "
            "sector. There are a limited number of places; if you cannot attend you can help "
            "evaluate and give feedback on the draft framework instead."
        ),
        day=date(2026, 11, 27),
        start=time(10, 0),
        end=time(16, 0),
        venue="London",
        capacity=24,
        closes_on=date(2026, 11, 24),
        eligible_sectors=[s.value for s in Sector],
        prefer_managers=True,
        max_share_per_sector=60,
        max_per_organisation=2,
        one_place_per_person=True,
    ),
    WorkshopDetails(
        title="Breakfast event: Brighton and Hove",
        description=(
            "Local authorities get together over a croissant and a cup of tea to hear how real "
            "change can be achieved in councils with the right blend of technology and people."
        ),
        day=date(2026, 11, 25),
        start=time(9, 30),
        end=time(12, 30),
        venue="Brighton and Hove City Council, Hove Town Hall",
        capacity=40,
        closes_on=date(2026, 11, 23),
        eligible_sectors=[Sector.PUBLIC.value, Sector.THIRD.value],
        max_per_organisation=3,
    ),
    WorkshopDetails(
        title="Breakfast event: Barnsley",
        description=(
            "A breakfast meeting for local authorities: stories of how councils achieve real "
            "change with technology and people-focused work."
        ),
        day=date(2026, 12, 1),
        start=time(9, 30),
        end=time(12, 30),
        venue="Barnsley Town Hall",
        capacity=40,
        closes_on=date(2026, 11, 29),
        eligible_sectors=[Sector.PUBLIC.value, Sector.THIRD.value],
        max_per_organisation=3,
    ),
]


def next_occurrence(details: WorkshopDetails, today: date) -> WorkshopDetails:
    """The same workshop in the first year whose closing date has not passed.

    The seed's events are dated 25 and 27 November and 1 December; keeping the day and month
    but rolling the year means a newcomer can always try applying, whenever they run the demo.
    """
    lead = details.day - details.closes_on
    year = today.year
    while date(year, details.day.month, details.day.day) - lead < today:
        year += 1
    day = date(year, details.day.month, details.day.day)
    return dataclasses.replace(details, day=day, closes_on=day - lead)


def load_demo_workshops(now: datetime) -> list[Workshop]:
    """Create and publish the demo workshops that do not exist yet (found by title and date)."""
    workshops = []
    today = now.astimezone(LONDON).date()
    for template in DEMO_WORKSHOPS:
        details = next_occurrence(template, today)
        slug = services.slug_for(details.title, details.day)
        workshop = db.session.scalar(sa.select(Workshop).where(Workshop.slug == slug))
        if workshop is None:
            workshop = services.create_workshop(actor=None, details=details, now=now)
            if workshop.closes_at > now:
                services.publish_workshop(workshop, now=now)
            else:  # demo data loaded after the closing date still shows a published event
                workshop.status = WorkshopStatus.PUBLISHED
                workshop.published_at = now
        workshops.append(workshop)
    db.session.flush()
    return workshops
