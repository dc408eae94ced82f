"""Read models of selection: the round as the optimiser sees it, and runs as organisers read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment
from skillsreg.extensions import db
from skillsreg.workshops import allocation
from skillsreg.workshops.models import (
    PLACE_HOLDING,
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)
from skillsreg.workshops.selection import rules
from skillsreg.workshops.selection.models import (
    LockKind,
    RoundStatus,
    SelectionRound,
    SelectionRun,
    round_workshops,
)

# Choices that no longer ask for a place: the person withdrew or turned an offer down.
GONE = (ChoiceStatus.WITHDRAWN, ChoiceStatus.DECLINED)


def find_round(round_id: int) -> SelectionRound | None:
    """Return a selection round by id."""
    return db.session.get(SelectionRound, round_id)


def all_rounds() -> Sequence[SelectionRound]:
    """Return every round, newest first."""
    return db.session.scalars(
        sa.select(SelectionRound).order_by(SelectionRound.created_at.desc(), SelectionRound.id)
    ).all()


def workshops_in_open_rounds() -> set[int]:
    """Return the ids of workshops already in an open round."""
    rows = db.session.scalars(
        sa.select(round_workshops.c.workshop_id)
        .join(SelectionRound, SelectionRound.id == round_workshops.c.round_id)
        .where(SelectionRound.status == RoundStatus.OPEN)
    )
    return set(rows)


def eligible_workshops(now: datetime) -> list[Workshop]:
    """Return published workshops whose closing date has passed, not yet started, not in a round."""
    taken = workshops_in_open_rounds()
    workshops = db.session.scalars(
        sa.select(Workshop)
        .where(
            Workshop.status == WorkshopStatus.PUBLISHED,
            Workshop.closes_at <= now,
            Workshop.starts_at > now,
        )
        .order_by(Workshop.starts_at, Workshop.id)
    ).all()
    return [workshop for workshop in workshops if workshop.id not in taken]


def workshops_by_ids(ids: Iterable[int]) -> list[Workshop]:
    """Return the workshops with these ids, in date order."""
    return list(
        db.session.scalars(
            sa.select(Workshop)
            .where(Workshop.id.in_(list(ids)))
            .order_by(Workshop.starts_at, Workshop.id)
        )
    )


def workshop_by_slug(slug: str) -> Workshop | None:
    """Return a workshop by its slug."""
    return db.session.scalar(sa.select(Workshop).where(Workshop.slug == slug))


def live_workshops(round_: SelectionRound) -> list[Workshop]:
    """Return the round's workshops still taking place: one cancelled later gets no places."""
    return [w for w in round_.workshops if w.status is WorkshopStatus.PUBLISHED]


def round_choices(round_: SelectionRound) -> list[Choice]:
    """Return the live choices of submitted, not withdrawn, interest in the round's workshops."""
    ids = [workshop.id for workshop in live_workshops(round_)]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Choice)
            .join(ExpressionOfInterest, ExpressionOfInterest.id == Choice.eoi_id)
            .join(User, User.id == ExpressionOfInterest.user_id)
            .where(
                Choice.workshop_id.in_(ids),
                Choice.status.not_in(GONE),
                ExpressionOfInterest.submitted_at.is_not(None),
                ExpressionOfInterest.withdrawn_at.is_(None),
                # Unconfirmed people are not selected; a place already held stays counted.
                sa.or_(User.email_confirmed_at.is_not(None), Choice.status.in_(PLACE_HOLDING)),
            )
            .options(selectinload(Choice.eoi).selectinload(ExpressionOfInterest.user))
            .order_by(Choice.id)
        )
    )


def applicants_of(workshop: Workshop) -> list[Choice]:
    """Return the choices of everyone who submitted interest in a workshop, by submission time."""
    choices = db.session.scalars(
        sa.select(Choice)
        .join(ExpressionOfInterest, ExpressionOfInterest.id == Choice.eoi_id)
        .where(Choice.workshop_id == workshop.id, ExpressionOfInterest.submitted_at.is_not(None))
        .options(
            selectinload(Choice.eoi).selectinload(ExpressionOfInterest.user),
            selectinload(Choice.eoi)
            .selectinload(ExpressionOfInterest.choices)
            .selectinload(Choice.workshop),
        )
        .order_by(ExpressionOfInterest.submitted_at, Choice.id)
    )
    return list(choices)


def _attended_before(user_ids: set[int]) -> set[int]:
    """Return the people recorded as having attended any workshop."""
    if not user_ids:
        return set()
    # Read through getattr so this works before and after attendance recording exists.
    attended = getattr(Choice, "attended", None)
    if attended is None:
        return set()
    rows = db.session.scalars(
        sa.select(ExpressionOfInterest.user_id)
        .join(Choice, Choice.eoi_id == ExpressionOfInterest.id)
        .where(ExpressionOfInterest.user_id.in_(user_ids), attended.is_(True))
    )
    return set(rows)


def _shared_assessments(eois: Iterable[ExpressionOfInterest]) -> dict[int, Assessment]:
    """Return, by expression of interest, the assessment its author agreed to share."""
    wanted = {
        eoi.id: eoi.shared_assessment_id
        for eoi in eois
        if eoi.share_assessment and eoi.shared_assessment_id is not None and eoi.user.is_confirmed
    }
    if not wanted:
        return {}
    found = db.session.scalars(
        sa.select(Assessment)
        .where(Assessment.id.in_(set(wanted.values())))
        .options(selectinload(Assessment.ratings))
    )
    by_id = {assessment.id: assessment for assessment in found}
    return {eoi_id: by_id[key] for eoi_id, key in wanted.items() if key in by_id}


def _applicant(
    user: User,
    choices: list[Choice],
    *,
    attended: bool,
    assessment: Assessment | None,
) -> allocation.Applicant:
    eoi = choices[0].eoi
    roles = list(user.web_groups or [])
    skills: dict[str, int] = {}
    if assessment is not None:
        roles.append(assessment.role_code)
        skills = {code: level for code, level in assessment.levels().items() if level is not None}
    return allocation.Applicant(
        id=rules.person_key(user.id),
        sector=user.sector.value,
        organisation=rules.organisation_key(user.organisation),
        roles=tuple(sorted(set(roles))),
        manages_web_team=bool(eoi.manages_web_team),
        years_managing=eoi.years_managing or 0,
        attended_before=attended,
        skills=skills,
        choices=tuple(
            allocation.Choice(
                workshop_id=choice.workshop.slug,
                rank=choice.rank,
                # Someone holding a place has said yes to it, whatever they answered before.
                available=choice.is_available is True or choice.status in PLACE_HOLDING,
            )
            for choice in sorted(choices, key=lambda c: (c.rank, c.id))
        ),
        submitted_at=eoi.submitted_at.isoformat() if eoi.submitted_at else "",
    )


def _locks(
    round_: SelectionRound, choices: list[Choice]
) -> tuple[list[tuple[str, str]], list[tuple[str, str | None]]]:
    """Return the lock-ins (organisers' and places already held) and the lock-outs."""
    present = {choice.eoi.user_id for choice in choices}
    locked_in = [
        (rules.person_key(choice.eoi.user_id), choice.workshop.slug)
        for choice in choices
        if choice.status in PLACE_HOLDING
    ]
    live = {workshop.id for workshop in live_workshops(round_)}
    locked_out: list[tuple[str, str | None]] = []
    for lock in round_.locks:
        if lock.user_id not in present:
            continue  # they withdrew since the lock was made
        if lock.workshop_id is not None and lock.workshop_id not in live:
            continue  # the workshop was cancelled since
        where = lock.workshop.slug if lock.workshop is not None else None
        if lock.kind is LockKind.IN and where is not None:
            locked_in.append((rules.person_key(lock.user_id), where))
        elif lock.kind is LockKind.OUT:
            locked_out.append((rules.person_key(lock.user_id), where))
    return sorted(set(locked_in)), locked_out


def allocation_round(
    round_: SelectionRound, choices: list[Choice] | None = None
) -> allocation.Round:
    """Build the optimiser's view of a round from the database."""
    if choices is None:
        choices = round_choices(round_)
    by_user: dict[int, list[Choice]] = {}
    for choice in choices:
        by_user.setdefault(choice.eoi.user_id, []).append(choice)
    attended = _attended_before(set(by_user))
    shared = _shared_assessments(own[0].eoi for own in by_user.values())
    applicants = tuple(
        _applicant(
            own[0].eoi.user,
            own,
            attended=user_id in attended,
            assessment=shared.get(own[0].eoi_id),
        )
        for user_id, own in sorted(by_user.items())
    )
    locked_in, locked_out = _locks(round_, choices)
    return allocation.Round(
        id=f"round-{round_.id}",
        workshops=tuple(
            rules.allocation_workshop(
                key=workshop.slug,
                capacity=workshop.capacity,
                target_roles=workshop.target_role_codes or [],
                target_skills=workshop.target_skill_codes or [],
                max_share_per_sector=workshop.max_share_per_sector,
                max_per_organisation=workshop.max_per_organisation,
                min_per_target_role=round_.min_per_target_role,
            )
            for workshop in live_workshops(round_)
        ),
        applicants=applicants,
        settings=rules.settings(
            max_places_per_person=round_.max_places_per_person,
            time_limit=round_.time_limit,
            weights=round_.weights,
        ),
        locked_in=tuple(locked_in),
        locked_out=tuple(locked_out),
    )


@dataclass
class Proposed:
    """Someone the run gives a place, as listed under a workshop."""

    user: User
    rank: int
    score: float
    locked: bool


@dataclass
class ApplicantRow:
    """One applicant of a run, with what they were given and why not more."""

    user: User
    summary: str
    places: list[dict[str, Any]]
    reasons: list[dict[str, Any]]
    choices: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunView:
    """A recorded run, with ids turned into the names and titles organisers know."""

    run: SelectionRun
    proposed: dict[int, list[Proposed]]
    applicants: list[ApplicantRow]
    shortfalls: list[dict[str, Any]]
    is_current: bool


def _users(keys: Iterable[str]) -> dict[str, User]:
    ids = [user_id for key in keys if (user_id := rules.user_id_of(key)) is not None]
    if not ids:
        return {}
    users = db.session.scalars(sa.select(User).where(User.id.in_(ids)))
    return {rules.person_key(user.id): user for user in users}


def run_view(round_: SelectionRound, run: SelectionRun, *, current_hash: str) -> RunView:
    """Return what the organiser sees of a run: places by workshop and every applicant's why."""
    result = run.result
    explanations: dict[str, Any] = result.get("explanations", {})
    users = _users(explanations)
    workshops = {workshop.slug: workshop for workshop in round_.workshops}
    names = {key: user.name for key, user in users.items()}
    names.update({slug: workshop.title for slug, workshop in workshops.items()})
    locked_in = {(lock["applicant"], lock["workshop"]) for lock in run.input_document["locked_in"]}
    proposed: dict[int, list[Proposed]] = {workshop.id: [] for workshop in round_.workshops}
    rows = []
    asked = {
        applicant["id"]: [
            {**choice, "workshop": workshops[choice["workshop_id"]]}
            for choice in applicant["choices"]
            if choice["workshop_id"] in workshops
        ]
        for applicant in run.input_document["applicants"]
    }
    for key, explanation in sorted(
        explanations.items(), key=lambda item: users[item[0]].name if item[0] in users else ""
    ):
        user = users.get(key)
        if user is None:
            continue
        for place in explanation["places"]:
            workshop = workshops.get(place["workshop_id"])
            if workshop is not None:
                proposed[workshop.id].append(
                    Proposed(
                        user,
                        place["rank"],
                        place["score"],
                        (key, place["workshop_id"]) in locked_in,
                    )
                )
        rows.append(
            ApplicantRow(
                user=user,
                summary=rules.humanise(explanation["summary"], names),
                places=[
                    {**place, "title": names.get(place["workshop_id"], place["workshop_id"])}
                    for place in explanation["places"]
                ],
                reasons=[
                    {
                        **reason,
                        "title": names.get(reason["workshop_id"], reason["workshop_id"]),
                        "text": rules.humanise(reason["message"], names),
                    }
                    for reason in explanation["reasons"]
                ],
                choices=asked.get(key, []),
            )
        )
    for people in proposed.values():
        people.sort(key=lambda person: (-person.score, person.user.name))
    shortfalls = [
        {**item, "title": names.get(item["workshop"], item["workshop"])}
        for item in result.get("shortfalls", [])
    ]
    return RunView(run, proposed, rows, shortfalls, run.input_hash == current_hash)
