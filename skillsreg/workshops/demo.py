"""Demo workshops for `make run`: the 27 November London workshop, two breakfast events, and
two closed round tables with applicants for trying a selection round."""

from __future__ import annotations

import dataclasses
import random
import secrets
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from skillsreg.accounts.rules import Sector
from skillsreg.accounts.services import register_user
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.workshops import services
from skillsreg.workshops.models import Workshop, WorkshopStatus
from skillsreg.workshops.services import LONDON, WorkshopDetails

DEMO_FRAMEWORK = "web-professionals"
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
        venue="Local Government House",
        address="18 Smith Square\nLondon\nSW1P 3HZ",
        capacity=24,
        closes_on=date(2026, 11, 24),
        eligible_sectors=[s.value for s in Sector],
        prefer_managers=True,
        max_share_per_sector=60,
        max_per_organisation=2,
        one_place_per_person=True,
        target_skill_codes=["STRA", "TEAM", "STAK", "WPOL"],
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
        address="Norton Road\nHove\nBN3 3BQ",
        capacity=40,
        closes_on=date(2026, 11, 23),
        eligible_sectors=[Sector.PUBLIC.value, Sector.THIRD.value],
        max_per_organisation=3,
        target_skill_codes=["CONT", "EDIT", "PUBL", "ACCS", "CMGT"],
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
        address="Church Street\nBarnsley\nS70 2TA",
        capacity=40,
        closes_on=date(2026, 11, 29),
        eligible_sectors=[Sector.PUBLIC.value, Sector.THIRD.value],
        max_per_organisation=3,
        target_skill_codes=["WEBA", "SRCH", "INFG", "HELP", "SUPL", "SORC"],
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
    version = _demo_framework_version()
    for template in DEMO_WORKSHOPS:
        details = _with_targets(next_occurrence(template, today), version)
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


def _demo_framework_version() -> FrameworkVersion | None:
    framework = find_framework(DEMO_FRAMEWORK)
    return latest_published(framework) if framework else None


def _with_targets(details: WorkshopDetails, version: FrameworkVersion | None) -> WorkshopDetails:
    """Target the skills the loaded framework version has, so results can suggest workshops."""
    if version is None:
        return dataclasses.replace(details, target_skill_codes=[])
    known = {skill.code for skill in version.skills}
    codes = [code for code in details.target_skill_codes if code in known]
    return dataclasses.replace(details, target_version_id=version.id, target_skill_codes=codes)


# Two round tables whose closing date has just passed, with demo applicants, so an organiser can
# open a selection round over both straight after `make run`. Dates follow the day of loading.
ROUND_TABLES = [
    ("Round table: leading web teams, Manchester", "Manchester Central Library", 10),
    ("Round table: leading web teams, Bristol", "Bristol City Hall", 17),
]
ROUND_TABLE_ADDRESSES = [
    "St Peter's Square\nManchester\nM2 5PD",
    "College Green\nBristol\nBS1 5TR",
]
ROUND_TABLE_PLACES = 8
DEMO_APPLICANTS = 36
FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Gareth", "Hana", "Isla", "Jamal", "Kirsty",
    "Liam", "Maya", "Niall", "Olu", "Priya", "Quinn", "Rhys", "Sana", "Tom", "Una", "Vik",
    "Wendy", "Xander", "Yasmin", "Zac",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Brown", "Campbell", "Dhillon", "Evans", "Fraser", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Murray", "Nowak", "O'Brien", "Patel", "Roberts", "Singh",
]  # fmt: skip
ORGANISATIONS = [
    ("Leeds City Council", Sector.PUBLIC), ("Kent County Council", Sector.PUBLIC),
    ("Cardiff Council", Sector.PUBLIC), ("NHS Lothian", Sector.PUBLIC),
    ("Department for Education", Sector.PUBLIC), ("Historic England", Sector.PUBLIC),
    ("Glasgow City Council", Sector.PUBLIC), ("Bristol City Council", Sector.PUBLIC),
    ("Citizens Advice", Sector.THIRD), ("Age UK", Sector.THIRD),
    ("Digital Agency Ltd", Sector.SUPPLIER), ("Public Web Partners", Sector.SUPPLIER),
    ("Independent consultant", Sector.FREELANCE),
]  # fmt: skip
JOBS = ["Web manager", "Head of digital", "Content designer", "Digital team leader",
        "Web developer", "User researcher"]  # fmt: skip


def load_demo_round_tables(now: datetime) -> list[Workshop]:
    """Create the two closed round tables and their applicants, once (found by title)."""
    existing = db.session.scalars(
        sa.select(Workshop).where(Workshop.title.in_([title for title, _, _ in ROUND_TABLES]))
    ).all()
    if existing:
        return list(existing)
    today = now.astimezone(LONDON).date()
    opened = now - timedelta(days=14)  # when the workshops were published and people applied
    workshops = []
    for (title, venue, in_days), address in zip(ROUND_TABLES, ROUND_TABLE_ADDRESSES, strict=True):
        details = WorkshopDetails(
            title=title,
            description=(
                "A day for people who lead public-sector web teams to compare how they recruit, "
                "develop and keep web professionals, using the skills framework."
            ),
            day=today + timedelta(days=in_days),
            start=time(10, 0),
            end=time(15, 30),
            venue=venue,
            address=address,
            capacity=ROUND_TABLE_PLACES,
            closes_on=today - timedelta(days=2),
            prefer_managers=True,
            max_share_per_sector=60,
            max_per_organisation=1,
        )
        workshop = services.create_workshop(actor=None, details=details, now=opened)
        services.publish_workshop(workshop, now=opened)
        workshops.append(workshop)
    _load_demo_applicants(workshops, now=opened)
    db.session.flush()
    return workshops


def _load_demo_applicants(workshops: list[Workshop], *, now: datetime) -> None:
    """Demo people from several sectors and organisations who applied for one or both."""
    draw = random.Random(2026)  # noqa: S311 - reproducible demo data, not security
    for number in range(DEMO_APPLICANTS):
        first, last = FIRST_NAMES[number % len(FIRST_NAMES)], draw.choice(LAST_NAMES)
        organisation, sector = draw.choice(ORGANISATIONS)
        user = register_user(
            name=f"{first} {last}",
            email=f"demo.applicant.{number + 1}@example.org",
            password=secrets.token_urlsafe(24),
            organisation=organisation,
            sector=sector,
            job_title=draw.choice(JOBS),
            web_groups=["web-manager"],
            now=now,
            is_demo=True,
            confirmed=True,
        )
        chosen = draw.sample(workshops, k=draw.choice([1, 2, 2]))
        manages = draw.random() < 0.55
        eoi = services.start_interest(user, now=now)
        services.choose_workshops(
            eoi,
            workshop_ids=[workshop.id for workshop in chosen],
            wants_to_comment_on_draft=draw.random() < 0.3,
            now=now,
        )
        services.rank_choices(
            eoi,
            ranks={workshop.id: rank for rank, workshop in enumerate(chosen, start=1)},
            availability={workshop.id: draw.random() < 0.85 for workshop in chosen},
            now=now,
        )
        services.answer_questions(
            eoi,
            experience=f"{user.job_title} at {organisation}; runs the website and its content.",
            manages_web_team=manages,
            years_managing=draw.randint(1, 12) if manages else None,
            share_assessment=False,
            access_needs=None,
            now=now,
        )
        services.submit_interest(eoi, now=now)
