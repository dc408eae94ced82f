"""Workshop services: organisers create and publish workshops; members express interest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from skillsreg.accounts.confirmed import require_confirmed
from skillsreg.accounts.models import User
from skillsreg.accounts.rules import Sector
from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.workshops.models import (
    PLACE_HOLDING,
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)
from skillsreg.workshops.offers.cancellation import cancel_places
from skillsreg.workshops.offers.emails import send_closing_date_changed, send_updated_invitations
from skillsreg.workshops.offers.services import release_places

LONDON = ZoneInfo("Europe/London")


class WorkshopError(DomainError):
    """A workshop cannot be created, changed or published as asked."""


class InterestError(DomainError):
    """An expression of interest cannot be made, changed or withdrawn as asked."""


@dataclass
class WorkshopDetails:
    """What an organiser enters about a workshop, with dates and times as in London."""

    title: str
    day: date
    start: time
    end: time
    capacity: int
    closes_on: date
    description: str = ""
    venue: str = ""
    address: str = ""
    is_online: bool = False
    eligible_sectors: list[str] = field(default_factory=lambda: [s.value for s in Sector])
    target_version_id: int | None = None
    target_role_codes: list[str] = field(default_factory=list)
    target_skill_codes: list[str] = field(default_factory=list)
    prefer_managers: bool = False
    max_share_per_sector: int | None = None
    max_per_organisation: int | None = None
    one_place_per_person: bool = True

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> WorkshopDetails:
        """Keep only the fields a workshop form shares with these details."""
        names = cls.__dataclass_fields__.keys()
        return cls(**{name: data[name] for name in names if name in data})


def london_time(day: date, at: time) -> datetime:
    """A wall-clock time in London as an aware datetime."""
    return datetime.combine(day, at, tzinfo=LONDON)


def closing_time(closes_on: date) -> datetime:
    """Expressions of interest close at the end of the closing date, London time."""
    return london_time(closes_on + timedelta(days=1), time(0, 0))


def slug_for(title: str, day: date) -> str:
    """A readable, stable URL part: the title and the date."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:90].rstrip("-")
    return f"{words or 'workshop'}-{day.isoformat()}"


def _check_details(details: WorkshopDetails) -> None:
    if details.end <= details.start:
        raise WorkshopError("End time must be after the start time", field="end")
    if details.closes_on >= details.day:
        raise WorkshopError(
            "Closing date must be before the day of the workshop", field="closes_on"
        )
    if not details.is_online and not details.venue.strip():
        raise WorkshopError("Enter the venue, or say the workshop is online", field="venue")
    unknown = set(details.eligible_sectors) - {s.value for s in Sector}
    if unknown or not details.eligible_sectors:
        raise WorkshopError("Select who may apply", field="eligible_sectors")
    _check_targets(details)


def _check_targets(details: WorkshopDetails) -> None:
    if details.target_version_id is None:
        if details.target_role_codes or details.target_skill_codes:
            raise WorkshopError(
                "Select the framework version the roles and skills come from",
                field="target_version_id",
            )
        return
    version = db.session.get(FrameworkVersion, details.target_version_id)
    if version is None:
        raise WorkshopError("Select a framework version", field="target_version_id")
    roles = {role.code for role in version.roles}
    skills = {skill.code for skill in version.skills}
    for codes, known, name in (
        (details.target_role_codes, roles, "target_role_codes"),
        (details.target_skill_codes, skills, "target_skill_codes"),
    ):
        missing = [code for code in codes if code not in known]
        if missing:
            raise WorkshopError(f"Version {version.number} has no {', '.join(missing)}", field=name)


def _apply(workshop: Workshop, details: WorkshopDetails) -> None:
    workshop.title = details.title.strip()
    workshop.description = details.description.strip()
    workshop.starts_at = london_time(details.day, details.start)
    workshop.ends_at = london_time(details.day, details.end)
    workshop.closes_at = closing_time(details.closes_on)
    workshop.venue = details.venue.strip()
    workshop.address = details.address.strip()
    workshop.is_online = details.is_online
    workshop.capacity = details.capacity
    workshop.eligible_sectors = list(details.eligible_sectors)
    workshop.target_version_id = details.target_version_id
    workshop.target_role_codes = list(details.target_role_codes)
    workshop.target_skill_codes = list(details.target_skill_codes)
    workshop.prefer_managers = details.prefer_managers
    workshop.max_share_per_sector = details.max_share_per_sector
    workshop.max_per_organisation = details.max_per_organisation
    workshop.one_place_per_person = details.one_place_per_person


def create_workshop(*, actor: User | None, details: WorkshopDetails, now: datetime) -> Workshop:
    """Create a draft workshop; it is not listed until it is published."""
    _check_details(details)
    slug = slug_for(details.title, details.day)
    if db.session.scalar(sa.select(Workshop.id).where(Workshop.slug == slug)) is not None:
        raise WorkshopError("A workshop with this title already exists on that date", field="title")
    workshop = Workshop(slug=slug, created_by=actor, created_at=now, updated_at=now)
    _apply(workshop, details)
    db.session.add(workshop)
    db.session.flush()
    return workshop


def update_workshop(workshop: Workshop, *, details: WorkshopDetails, now: datetime) -> Workshop:
    """Change a workshop; a change of time or place bumps its calendar sequence, and a new
    closing date is emailed to the people who applied."""
    if workshop.status is WorkshopStatus.CANCELLED:
        raise WorkshopError("This workshop has been cancelled and cannot be changed")
    _check_details(details)
    before = (workshop.starts_at, workshop.ends_at, workshop.full_venue)
    closed_before = workshop.closes_at
    _apply(workshop, details)
    if workshop.is_published and workshop.closes_at != closed_before:
        send_closing_date_changed(workshop, now=now)
    changed = before != (workshop.starts_at, workshop.ends_at, workshop.full_venue)
    if changed:
        workshop.sequence += 1
    workshop.updated_at = now
    db.session.flush()
    if changed:
        # Calendars replace the event they hold with the one of the higher sequence.
        send_updated_invitations(workshop, now=now)
    return workshop


def closes_into_the_past(workshop: Workshop, closes_on: date, *, now: datetime) -> bool:
    """Whether this closing date would close a workshop that is still taking interest."""
    return workshop.is_open(now) and closing_time(closes_on) <= now


def publish_workshop(workshop: Workshop, *, now: datetime) -> Workshop:
    """List a draft workshop so members can express interest until it closes."""
    if workshop.status is not WorkshopStatus.DRAFT:
        raise WorkshopError(f"This workshop is {workshop.status.value}, not a draft")
    if workshop.closes_at <= now:
        raise WorkshopError("The closing date has passed: change it before publishing")
    workshop.status = WorkshopStatus.PUBLISHED
    workshop.published_at = now
    workshop.updated_at = now
    db.session.flush()
    return workshop


def cancel_workshop(workshop: Workshop, *, now: datetime) -> Workshop:
    """Cancel a workshop, close its places and offers, and tell everyone concerned."""
    if workshop.status is WorkshopStatus.CANCELLED:
        raise WorkshopError("This workshop is already cancelled")
    if workshop.starts_at <= now:
        raise WorkshopError("This workshop has already started and cannot be cancelled")
    workshop.status = WorkshopStatus.CANCELLED
    workshop.sequence += 1
    workshop.updated_at = now
    db.session.flush()
    cancel_places(workshop, now=now)
    return workshop


def current_interest(user: User, *, now: datetime) -> ExpressionOfInterest | None:
    """The member's live expression of interest: a draft, or one with a workshop still open."""
    query = (
        sa.select(ExpressionOfInterest)
        .where(ExpressionOfInterest.user_id == user.id)
        .where(ExpressionOfInterest.withdrawn_at.is_(None))
        .order_by(ExpressionOfInterest.id.desc())
    )
    for eoi in db.session.scalars(query):
        if not eoi.is_submitted or not eoi.choices:
            return eoi
        if any(choice.workshop.closes_at > now for choice in eoi.choices):
            return eoi
    return None


def start_interest(user: User, *, now: datetime) -> ExpressionOfInterest:
    """The member's live expression of interest, or a new draft one."""
    require_confirmed(user, action="express interest in a workshop")
    eoi = current_interest(user, now=now)
    if eoi is None:
        eoi = ExpressionOfInterest(user=user, created_at=now, updated_at=now)
        db.session.add(eoi)
        db.session.flush()
    return eoi


def refusal(workshop: Workshop, user: User, *, now: datetime) -> str | None:
    """Why this member may not apply to this workshop now, or None."""
    if not workshop.is_published:
        return f"{workshop.title} is not open for expressions of interest"
    if workshop.closes_at <= now:
        return f"The closing date for {workshop.title} has passed"
    if not workshop.admits(user.sector.value):
        return f"{workshop.title} is not open to people in your sector ({user.sector.label})"
    return None


def _ensure_editable(eoi: ExpressionOfInterest, *, now: datetime) -> None:
    if eoi.is_withdrawn:
        raise InterestError("You have withdrawn this expression of interest")
    if not eoi.is_submitted:
        return
    closed = [c.workshop.title for c in eoi.choices if c.workshop.closes_at <= now]
    if closed:
        raise InterestError(
            f"The closing date for {closed[0]} has passed, so you can no longer change your answers"
        )


def choose_workshops(
    eoi: ExpressionOfInterest,
    *,
    workshop_ids: list[int],
    wants_to_comment_on_draft: bool,
    now: datetime,
) -> ExpressionOfInterest:
    """Replace the chosen workshops, keeping ranks and availability of those still chosen."""
    _ensure_editable(eoi, now=now)
    if not workshop_ids and not wants_to_comment_on_draft:
        raise InterestError(
            "Select at least one workshop, or say you would like to comment on the draft framework",
            field="workshop_ids",
        )
    workshops = db.session.scalars(sa.select(Workshop).where(Workshop.id.in_(workshop_ids))).all()
    if len(workshops) != len(set(workshop_ids)):
        raise InterestError("Select workshops from the list", field="workshop_ids")
    for workshop in workshops:
        reason = refusal(workshop, eoi.user, now=now)
        if reason:
            raise InterestError(reason, field="workshop_ids")
    kept = {c.workshop_id: c for c in eoi.choices if c.workshop_id in workshop_ids}
    eoi.choices = [c for c in eoi.choices if c.workshop_id in kept]
    db.session.flush()
    ordered = sorted(workshops, key=lambda w: (kept[w.id].rank if w.id in kept else 999, w.id))
    for position, workshop in enumerate(ordered, start=1):
        choice = kept.get(workshop.id) or Choice(workshop=workshop)
        choice.rank = position
        if choice not in eoi.choices:
            eoi.choices.append(choice)
    eoi.wants_to_comment_on_draft = wants_to_comment_on_draft
    eoi.updated_at = now
    db.session.flush()
    return eoi


def rank_choices(
    eoi: ExpressionOfInterest,
    *,
    ranks: dict[int, int],
    availability: dict[int, bool],
    now: datetime,
) -> ExpressionOfInterest:
    """Record the member's order of preference (1 = most wanted) and availability per date."""
    _ensure_editable(eoi, now=now)
    chosen = {c.workshop_id for c in eoi.choices}
    if set(ranks) != chosen or set(availability) != chosen:
        raise InterestError("Rank every workshop you chose and say if you can attend each")
    if sorted(ranks.values()) != list(range(1, len(chosen) + 1)):
        raise InterestError(
            f"Give each workshop a different rank from 1 to {len(chosen)}", field="ranks"
        )
    for choice in eoi.choices:
        choice.rank = ranks[choice.workshop_id]
        choice.is_available = availability[choice.workshop_id]
    eoi.choices.sort(key=lambda c: c.rank)
    eoi.updated_at = now
    db.session.flush()
    return eoi


def answer_questions(
    eoi: ExpressionOfInterest,
    *,
    experience: str,
    manages_web_team: bool,
    years_managing: int | None,
    share_assessment: bool,
    access_needs: str | None,
    now: datetime,
) -> ExpressionOfInterest:
    """Record the member's skills and experience, management experience and access needs."""
    _ensure_editable(eoi, now=now)
    if manages_web_team and years_managing is None:
        raise InterestError(
            "Enter how many years you have managed web teams", field="years_managing"
        )
    eoi.experience = experience.strip()
    eoi.manages_web_team = manages_web_team
    eoi.years_managing = years_managing if manages_web_team else None
    eoi.share_assessment = share_assessment
    eoi.access_needs = (access_needs or "").strip() or None
    eoi.updated_at = now
    db.session.flush()
    return eoi


def missing_answers(eoi: ExpressionOfInterest) -> list[str]:
    """What the member still has to answer before submitting."""
    missing = []
    if not eoi.choices and not eoi.wants_to_comment_on_draft:
        missing.append("Choose the workshops you are interested in")
    if any(c.is_available is None for c in eoi.choices):
        missing.append("Rank the workshops and say whether you can attend each")
    if not eoi.experience or eoi.manages_web_team is None:
        missing.append("Tell us about your skills and experience")
    return missing


def latest_submitted_assessment(user: User) -> Assessment | None:
    """The member's most recently submitted self-assessment, if any."""
    return db.session.scalar(
        sa.select(Assessment)
        .where(Assessment.user_id == user.id, Assessment.status == AssessmentStatus.SUBMITTED)
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def submit_interest(eoi: ExpressionOfInterest, *, now: datetime) -> ExpressionOfInterest:
    """Send the expression of interest to organisers (again, after an edit)."""
    _ensure_editable(eoi, now=now)
    require_confirmed(eoi.user, action="express interest in a workshop")
    missing = missing_answers(eoi)
    if missing:
        raise InterestError(missing[0])
    for choice in eoi.choices:
        reason = refusal(choice.workshop, eoi.user, now=now)
        if reason:
            raise InterestError(reason)
    shared = latest_submitted_assessment(eoi.user) if eoi.share_assessment else None
    eoi.shared_assessment_id = shared.id if shared else None
    eoi.submitted_at = eoi.submitted_at or now
    eoi.updated_at = now
    db.session.flush()
    return eoi


def withdraw_interest(eoi: ExpressionOfInterest, *, now: datetime) -> ExpressionOfInterest:
    """Withdraw from every workshop in this expression of interest; allowed at any time."""
    if eoi.is_withdrawn:
        raise InterestError("You have already withdrawn this expression of interest")
    eoi.withdrawn_at = now
    held = [choice for choice in eoi.choices if choice.status in PLACE_HOLDING]
    for choice in eoi.choices:
        choice.status = ChoiceStatus.WITHDRAWN
    db.session.flush()
    # Places the member held go to the best next people on the waiting lists.
    release_places(held, now=now)
    return eoi
