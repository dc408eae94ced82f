"""Selection services: open a round, run the optimiser, lock people in or out, confirm."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from skillsreg.accounts.models import User
from skillsreg.core import audit
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.services import start_job
from skillsreg.extensions import db
from skillsreg.workshops import allocation
from skillsreg.workshops.models import PLACE_HOLDING, Choice, Workshop, WorkshopStatus
from skillsreg.workshops.selection import queries, rules
from skillsreg.workshops.selection.models import (
    LockKind,
    RoundStatus,
    SelectionLock,
    SelectionRound,
    SelectionRun,
)

SEED_LIMIT = 2**31


class SelectionError(DomainError):
    """A selection round cannot be opened, run, changed or confirmed as asked."""


def open_round(
    *,
    workshops: Sequence[Workshop],
    title: str,
    max_places_per_person: int,
    min_per_target_role: int,
    time_limit: float,
    weights: Mapping[str, Any],
    actor: User,
    now: datetime,
) -> SelectionRound:
    """Open a selection round over published workshops whose closing date has passed."""
    if not workshops:
        raise SelectionError("Select at least one workshop", field="workshop_ids")
    taken = queries.workshops_in_open_rounds()
    for workshop in workshops:
        if workshop.status is not WorkshopStatus.PUBLISHED:
            raise SelectionError(f"{workshop.title} is not published", field="workshop_ids")
        if workshop.closes_at > now:
            raise SelectionError(
                f"{workshop.title} is still taking expressions of interest", field="workshop_ids"
            )
        if workshop.starts_at <= now:
            raise SelectionError(f"{workshop.title} has already started", field="workshop_ids")
        if workshop.id in taken:
            raise SelectionError(
                f"{workshop.title} is already in an open selection round", field="workshop_ids"
            )
    if max_places_per_person < 1:
        raise SelectionError(
            "Each person must be allowed at least 1 place", field="max_places_per_person"
        )
    if time_limit <= 0:
        raise SelectionError("Enter a time limit of more than 0 seconds", field="time_limit")
    round_ = SelectionRound(
        title=title.strip() or ", ".join(workshop.title for workshop in workshops),
        status=RoundStatus.OPEN,
        max_places_per_person=max_places_per_person,
        min_per_target_role=max(min_per_target_role, 0),
        time_limit=time_limit,
        weights=asdict(rules.score_weights(weights)),
        created_by=actor,
        created_at=now,
    )
    round_.workshops = list(workshops)
    db.session.add(round_)
    db.session.flush()
    audit.record(
        "selection.round_opened",
        actor=actor,
        subject_type="selection_round",
        subject_id=round_.id,
        workshops=[workshop.id for workshop in workshops],
    )
    return round_


def _lock_round(round_: SelectionRound) -> None:
    """Lock the round's row, so runs are numbered and a round confirmed one request at a time."""
    # On PostgreSQL a second request waits here until the first commits; SQLite has one writer.
    db.session.refresh(round_, with_for_update=True)
    db.session.expire(round_, ["runs", "locks"])


def _ensure_open(round_: SelectionRound) -> None:
    if not round_.is_open:
        raise SelectionError("This round has been confirmed and can no longer change")


def _ensure_can_run(round_: SelectionRound, now: datetime) -> None:
    live = queries.live_workshops(round_)
    if not live:
        raise SelectionError(
            "Every workshop in this round has been cancelled or unpublished: there is nothing "
            "to select for"
        )
    started = [workshop.title for workshop in live if workshop.starts_at <= now]
    if started:
        raise SelectionError(f"{', '.join(started)} has already started: it cannot be selected for")


def current_input(round_: SelectionRound) -> tuple[allocation.Round, dict[str, Any], str]:
    """Return the round as it stands now, its input document and the document's hash."""
    problem = queries.allocation_round(round_)
    document = allocation.input_document(problem)
    return problem, document, allocation.input_hash(document)


def run_round(
    round_: SelectionRound, *, seed: int | None, actor: User | None, now: datetime
) -> SelectionRun:
    """Solve the round as it stands and record the run; a missing seed is drawn and recorded."""
    _lock_round(round_)
    _ensure_open(round_)
    _ensure_can_run(round_, now)
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    elif not 0 <= seed < SEED_LIMIT:
        raise SelectionError(f"Enter a seed from 0 to {SEED_LIMIT - 1}", field="seed")
    problem, document, digest = current_input(round_)
    try:
        result = allocation.allocate(problem, seed=seed)
    except allocation.AllocationError as error:
        raise SelectionError(error.message) from error
    run = SelectionRun(
        round=round_,
        number=len(round_.runs) + 1,
        input_document=document,
        input_hash=digest,
        seed=seed,
        solver=result.solver,
        solver_version=result.solver_version,
        status=result.status,
        objective=result.objective,
        mip_gap=result.mip_gap,
        solve_seconds=round(result.build_seconds + result.solve_seconds, 4),
        result=result.to_dict(),
        created_by=actor,
        created_at=now,
    )
    db.session.add(run)
    db.session.flush()
    audit.record(
        "selection.round_run",
        actor=actor,
        subject_type="selection_round",
        subject_id=round_.id,
        run=run.number,
        seed=seed,
        input_hash=digest,
        objective=result.objective,
    )
    return run


RUN = "selection.run"  # the kind of job that runs a round (skillsreg/workshops/selection/jobs.py)


def start_run(round_: SelectionRound, *, seed: int | None, actor: User, now: datetime) -> Job:
    """Queue a run of the round; a missing seed is drawn now so a retried job solves the same."""
    _ensure_open(round_)
    _ensure_can_run(round_, now)
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    elif not 0 <= seed < SEED_LIMIT:
        raise SelectionError(f"Enter a seed from 0 to {SEED_LIMIT - 1}", field="seed")
    return start_job(
        RUN,
        actor=actor,
        now=now,
        params={"round_id": round_.id, "seed": seed},
        subject=("selection_round", str(round_.id)),
        message="Waiting for a worker to solve the round",
    )


def _round_choice(round_: SelectionRound, user_id: int, workshop_id: int | None) -> list[Choice]:
    choices = [c for c in queries.round_choices(round_) if c.eoi.user_id == user_id]
    if not choices:
        raise SelectionError("This person has not asked for a place in this round")
    if workshop_id is not None:
        choices = [c for c in choices if c.workshop_id == workshop_id]
        if not choices:
            raise SelectionError("This person did not ask for a place at that workshop")
    return choices


def lock_applicant(
    round_: SelectionRound,
    *,
    user_id: int,
    workshop_id: int | None,
    kind: LockKind,
    actor: User,
    now: datetime,
) -> SelectionLock:
    """Keep a person in or out of a workshop (or out of the whole round) in later runs."""
    _ensure_open(round_)
    if kind is LockKind.IN and workshop_id is None:
        raise SelectionError("Choose the workshop to lock this person in to")
    choices = _round_choice(round_, user_id, workshop_id)
    if kind is LockKind.IN and choices[0].is_available is not True:
        raise SelectionError("This person said they cannot attend that workshop")
    # One lock per person and workshop: a new decision replaces the previous one.
    for lock in list(round_.locks):
        if lock.user_id == user_id and lock.workshop_id == workshop_id:
            round_.locks.remove(lock)
            db.session.delete(lock)
    lock = SelectionLock(
        user_id=user_id,
        workshop_id=workshop_id,
        kind=kind,
        created_by=actor,
        created_at=now,
    )
    round_.locks.append(lock)
    db.session.flush()
    audit.record(
        f"selection.locked_{kind.value}",
        actor=actor,
        subject_type="selection_round",
        subject_id=round_.id,
        user_id=user_id,
        workshop_id=workshop_id,
    )
    return lock


def remove_lock(lock: SelectionLock, *, actor: User, now: datetime) -> None:
    """Undo an organiser's lock, so the optimiser decides about that person again."""
    round_ = lock.round
    _ensure_open(round_)
    round_.locks.remove(lock)
    db.session.delete(lock)
    db.session.flush()
    audit.record(
        "selection.lock_removed",
        actor=actor,
        subject_type="selection_round",
        subject_id=round_.id,
        user_id=lock.user_id,
        workshop_id=lock.workshop_id,
        kind=lock.kind.value,
    )


@dataclass(frozen=True)
class Decision:
    """What confirming a run would do: who is offered a place and who is told they were not."""

    run: SelectionRun
    offered: list[Choice]
    kept: list[Choice]
    not_selected: list[Choice]


def decision(round_: SelectionRound, run: SelectionRun) -> Decision:
    """Return what confirming this run would do, refusing a run that is no longer current."""
    _ensure_open(round_)
    if run.round_id != round_.id:
        raise SelectionError("This run belongs to another round")
    if run is not round_.latest_run:
        raise SelectionError("Only the latest run can be confirmed; run the optimiser again")
    choices = queries.round_choices(round_)
    _, _, digest = current_input(round_)
    if digest != run.input_hash:
        raise SelectionError(
            "Applications or locks have changed since this run; run the optimiser again "
            "before confirming"
        )
    pairs = [(rules.person_key(c.eoi.user_id), c.workshop.slug) for c in choices]
    selected, others = rules.selected_and_others(run.assignments, pairs)
    chosen = [choices[index] for index in selected]
    return Decision(
        run=run,
        offered=[c for c in chosen if c.status not in PLACE_HOLDING],
        kept=[c for c in chosen if c.status in PLACE_HOLDING],
        not_selected=[choices[index] for index in others],
    )


def confirm_round(
    round_: SelectionRound, run: SelectionRun, *, actor: User, now: datetime
) -> Decision:
    """Make the run's allocation final: offer the places and tell everyone else kindly."""
    # Imported here: the offers part depends on workshops, and selection must not need it to load.
    from skillsreg.workshops.offers.services import make_offers, notify_not_selected

    _lock_round(round_)
    outcome = decision(round_, run)
    make_offers(outcome.offered, actor=actor, now=now)
    notify_not_selected(outcome.not_selected, actor=actor, now=now)
    run.confirmed_at = now
    round_.status = RoundStatus.CONFIRMED
    round_.confirmed_at = now
    round_.confirmed_by = actor
    db.session.flush()
    audit.record(
        "selection.round_confirmed",
        actor=actor,
        subject_type="selection_round",
        subject_id=round_.id,
        run=run.number,
        input_hash=run.input_hash,
        offered=len(outcome.offered),
        not_selected=len(outcome.not_selected),
    )
    return outcome
