"""Demo CPD record for `make run`: a year of Mina Member's learning, an attended workshop waiting
for reflections, a yearly target and monthly reminders."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.accounts.services import find_user_by_email
from skillsreg.development.cpd import services
from skillsreg.development.cpd.models import CpdActivity, CpdKind
from skillsreg.development.cpd.queries import skill_version
from skillsreg.development.cpd.services import ActivityDetails
from skillsreg.development.models import Goal, Plan
from skillsreg.development.reminders.models import Rhythm
from skillsreg.development.reminders.services import set_rhythm
from skillsreg.extensions import db
from skillsreg.workshops import services as workshops
from skillsreg.workshops.models import Workshop
from skillsreg.workshops.offers import attendance
from skillsreg.workshops.offers import services as offers
from skillsreg.workshops.offers.models import Offer
from skillsreg.workshops.queries import in_london

DEMO_MEMBER = "member@example.gov.uk"
DEMO_ORGANISER = "organiser@example.gov.uk"
PAST_WORKSHOP = "Accessible forms clinic"

# (days ago, kind, title, hours, what was learned, how it will be applied, skills)
ENTRIES = [
    (12, CpdKind.COURSE, "GOV.UK content design course", 14,
     "Writing for user needs and testing content with real users",
     "Rewrite the council tax pages with the revenues team", ("CONT", "EDIT")),
    (33, CpdKind.READING, "Inclusive Design Patterns (Heydon Pickering)", 6,
     "Accessible components start with semantic HTML",
     "Review our button and form components this quarter", ("ACCS",)),
    (58, CpdKind.MENTORING, "Mentoring a new web editor", 4,
     "Explaining our style guide made its gaps plain", "Update the style guide", ("TEAM",)),
    (84, CpdKind.CONFERENCE, "UKGovCamp", 7,
     "How other councils run content audits", "Run a content audit in the spring",
     ("CMGT", "STAK")),
    (121, CpdKind.ON_THE_JOB, "Led the website's accessibility statement review", 5,
     "Where our PDFs fail WCAG 2.2", "Replace the worst PDFs with HTML pages", ("ACCS", "DOCA")),
    (170, CpdKind.COURSE, "Google Analytics 4 essentials", 3,
     "Setting up events for form completion", "Measure drop-out on the bin collection form",
     ("WEBA",)),
    (230, CpdKind.READING, "Content Strategy for the Web", 5,
     "Governance keeps content from decaying", "Propose a content owner for each section",
     ("CMGT",)),
    (300, CpdKind.OTHER, "Shadowed the customer contact centre", 3,
     "The top five reasons people phone instead of using the site",
     "Fix the pages behind the top two", ("URES",)),
]  # fmt: skip


def load_demo_cpd_record(now: datetime) -> int:
    """Give the demo member a year of CPD, a past workshop they attended, a target and reminders.

    Idempotent: nothing is added for a member who already has a CPD record.
    """
    member = find_user_by_email(DEMO_MEMBER)
    organiser = find_user_by_email(DEMO_ORGANISER)
    if member is None or organiser is None or skill_version() is None:
        return 0
    if db.session.scalar(sa.select(CpdActivity.id).where(CpdActivity.user_id == member.id)):
        return 0
    known = {skill.code for skill in skill_version().skills}  # type: ignore[union-attr]
    today = in_london(now).date()
    for days, kind, title, hours, learned, application, codes in ENTRIES:
        details = ActivityDetails(
            done_on=today - timedelta(days=days), minutes=hours * 60, kind=kind, title=title,
            learned=learned, application=application,
            skill_codes=tuple(code for code in codes if code in known),
        )  # fmt: skip
        services.log_activity(member, details=details, now=now)
    _link_a_goal(member)
    _attended_workshop(member, organiser, now=now)
    services.set_target(member, yearly_hours=35, now=now)
    set_rhythm(member, rhythm=Rhythm.MONTHLY, source="demo", now=now)
    db.session.flush()
    return len(ENTRIES)


def _link_a_goal(member: User) -> None:
    """Link the latest activity to the member's first goal, if the demo made them a plan."""
    goal = db.session.scalar(
        sa.select(Goal).join(Plan).where(Plan.user_id == member.id).order_by(Goal.id).limit(1)
    )
    latest = db.session.scalar(
        sa.select(CpdActivity)
        .where(CpdActivity.user_id == member.id)
        .order_by(CpdActivity.done_on.desc())
        .limit(1)
    )
    if goal is not None and latest is not None:
        latest.goal_id = goal.id


def _attended_workshop(member: User, organiser: User, *, now: datetime) -> None:
    """A workshop three weeks ago that the member had a place at and attended."""
    if db.session.scalar(sa.select(Workshop.id).where(Workshop.title == PAST_WORKSHOP)):
        return
    version = skill_version()
    day = (now - timedelta(days=21)).date()
    opened = now - timedelta(days=45)
    workshop = workshops.create_workshop(
        actor=organiser,
        details=workshops.WorkshopDetails(
            title=PAST_WORKSHOP, day=day, start=time(10), end=time(13), capacity=12,
            closes_on=day - timedelta(days=10), venue="Leeds Civic Hall",
            description="A morning of fixing real council forms with assistive technology.",
            target_version_id=version.id if version else None,
            target_skill_codes=["ACCS", "INCL"],
        ),
        now=opened,
    )  # fmt: skip
    workshops.publish_workshop(workshop, now=opened)
    eoi = workshops.start_interest(member, now=opened)
    workshops.choose_workshops(
        eoi, workshop_ids=[workshop.id], wants_to_comment_on_draft=False, now=opened
    )
    workshops.rank_choices(
        eoi, ranks={workshop.id: 1}, availability={workshop.id: True}, now=opened
    )
    workshops.answer_questions(
        eoi, experience="I manage the council's web team", manages_web_team=True,
        years_managing=4, share_assessment=False, access_needs=None, now=opened,
    )  # fmt: skip
    workshops.submit_interest(eoi, now=opened)
    [choice] = eoi.choices
    offered = now - timedelta(days=33)
    offers.make_offers([choice], actor=organiser, now=offered)
    offer = db.session.scalars(sa.select(Offer).where(Offer.choice_id == choice.id)).one()
    offers.accept_offer(offer, now=offered)
    attendance.record_attendance(
        workshop, attended={choice.id: True}, actor=organiser, now=now - timedelta(days=20)
    )
