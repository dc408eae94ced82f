"""Changing a member's CPD record: log, edit and remove activities, reflect on workshops."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core import audit
from skillsreg.core.errors import DomainError
from skillsreg.development.cpd.models import MAX_MINUTES, CpdActivity, CpdKind, CpdTarget
from skillsreg.development.cpd.queries import attended_choice, own_goal, skill_version
from skillsreg.development.cpd.rules import workshop_minutes
from skillsreg.extensions import db
from skillsreg.workshops.models import Workshop
from skillsreg.workshops.queries import in_london

EARLIEST_DAY = date(1950, 1, 1)
MAX_TARGET_HOURS = 2000


class CpdError(DomainError):
    """The CPD record cannot be changed as asked."""


@dataclass(frozen=True)
class ActivityDetails:
    """What a member says about one activity."""

    done_on: date
    minutes: int
    kind: CpdKind
    title: str
    learned: str = ""
    application: str = ""
    skill_codes: tuple[str, ...] = ()
    goal_id: int | None = None


def _check(details: ActivityDetails, *, now: datetime) -> None:
    if details.done_on > in_london(now).date():
        raise CpdError("The date must be today or in the past", field="done_on")
    if details.done_on < EARLIEST_DAY:
        raise CpdError("The date must be after 1 January 1950", field="done_on")
    if not 0 < details.minutes <= MAX_MINUTES:
        raise CpdError("Hours must be more than 0 and no more than 1000", field="hours")
    if not details.title.strip():
        raise CpdError("Enter what you did", field="title")


def _apply(activity: CpdActivity, details: ActivityDetails, *, now: datetime) -> None:
    version = skill_version()
    known = {skill.code for skill in version.skills} if version else set()
    unknown = [code for code in details.skill_codes if code not in known]
    # A skill kept from before the framework's latest version stays; a new pick must exist now.
    added = [code for code in unknown if code not in (activity.skill_codes or [])]
    if added:
        raise CpdError("Select skills from the list shown", field="skill_codes")
    if details.goal_id is not None and own_goal(activity.user, details.goal_id) is None:
        raise CpdError("Select one of your goals", field="goal_id")
    activity.goal_id = details.goal_id
    activity.done_on = details.done_on
    activity.minutes = details.minutes
    activity.kind = details.kind
    activity.title = details.title.strip()
    activity.learned = details.learned.strip()
    activity.application = details.application.strip()
    activity.skill_codes = list(dict.fromkeys(details.skill_codes))
    if version is not None and details.skill_codes:
        activity.framework_version_id = version.id
    activity.updated_at = now


def log_activity(user: User, *, details: ActivityDetails, now: datetime) -> CpdActivity:
    """Add an activity to the member's CPD record."""
    _check(details, now=now)
    activity = CpdActivity(user=user, created_at=now, skill_codes=[])
    _apply(activity, details, now=now)
    db.session.add(activity)
    db.session.flush()
    audit.record("cpd.log", actor=user, subject_type="cpd_activity", subject_id=activity.id)
    return activity


def update_activity(activity: CpdActivity, *, details: ActivityDetails, now: datetime) -> None:
    """Change what the member said about an activity."""
    _check(details, now=now)
    _apply(activity, details, now=now)
    db.session.flush()


def remove_activity(activity: CpdActivity, *, actor: User) -> None:
    """Delete an activity; an attended workshop's entry goes back to waiting for reflections."""
    audit.record("cpd.remove", actor=actor, subject_type="cpd_activity", subject_id=activity.id)
    db.session.delete(activity)
    db.session.flush()


def reflect_on_workshop(
    user: User,
    *,
    workshop_id: int,
    minutes: int,
    title: str,
    learned: str,
    application: str,
    skill_codes: tuple[str, ...],
    goal_id: int | None = None,
    now: datetime,
) -> CpdActivity:
    """Record the member's reflections on a workshop they attended (one entry per workshop).

    Asking again for a workshop already in the record changes that entry instead, so a double
    submission never makes two.
    """
    choice = attended_choice(user, workshop_id)
    if choice is None:
        raise CpdError("You can only add reflections on workshops you attended")
    details = ActivityDetails(
        done_on=workshop_day(choice.workshop),
        minutes=minutes,
        kind=CpdKind.WORKSHOP,
        title=title,
        learned=learned,
        application=application,
        skill_codes=skill_codes,
        goal_id=goal_id,
    )
    existing = db.session.scalar(
        sa.select(CpdActivity).where(
            CpdActivity.user_id == user.id, CpdActivity.workshop_id == workshop_id
        )
    )
    if existing is not None:
        update_activity(existing, details=details, now=now)
        return existing
    activity = log_activity(user, details=details, now=now)
    activity.workshop_id = workshop_id
    db.session.flush()
    return activity


def workshop_day(workshop: Workshop) -> date:
    """The day a workshop took place, in London."""
    return in_london(workshop.starts_at).date()


def workshop_hours(workshop: Workshop) -> int:
    """Minutes of a workshop, counted from its start and end."""
    return workshop_minutes(workshop.starts_at, workshop.ends_at)


def set_target(user: User, *, yearly_hours: int | None, now: datetime) -> None:
    """Set or clear the hours of CPD the member aims for each year."""
    target = db.session.get(CpdTarget, user.id)
    if yearly_hours is None:
        if target is not None:
            db.session.delete(target)
        db.session.flush()
        return
    if not 0 < yearly_hours <= MAX_TARGET_HOURS:
        raise CpdError(
            f"The yearly target must be between 1 and {MAX_TARGET_HOURS} hours",
            field="yearly_hours",
        )
    if target is None:
        target = CpdTarget(user_id=user.id, yearly_hours=yearly_hours)
        db.session.add(target)
    target.yearly_hours = yearly_hours
    target.updated_at = now
    db.session.flush()


def erase_cpd_record(user: User) -> None:
    """Delete every activity and the target of a member whose account is being erased."""
    db.session.execute(sa.delete(CpdActivity).where(CpdActivity.user_id == user.id))
    db.session.execute(sa.delete(CpdTarget).where(CpdTarget.user_id == user.id))
