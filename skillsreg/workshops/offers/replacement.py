"""Who is offered a freed place: the best next person on the waiting list who keeps the limits.

When a confirmed selection round covers the workshop, the round itself is rebuilt (its weights,
person limit, role minimum, shared assessments and the organiser's lock-outs). Otherwise an
allocation Round is built from the workshop's own constraint columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from skillsreg.extensions import db
from skillsreg.workshops import allocation
from skillsreg.workshops.models import (
    PLACE_HOLDING,
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
)
from skillsreg.workshops.selection import queries as selection_queries
from skillsreg.workshops.selection.models import RoundStatus, SelectionRound, round_workshops
from skillsreg.workshops.selection.rules import organisation_key, person_key

# Without the person limit a person may hold a place at every workshop they asked for.
NO_PERSON_LIMIT = 1000


def _attended_before(user_ids: set[int], workshop: Workshop) -> set[int]:
    rows = db.session.scalars(
        sa.select(ExpressionOfInterest.user_id)
        .join(Choice, Choice.eoi_id == ExpressionOfInterest.id)
        .where(ExpressionOfInterest.user_id.in_(user_ids))
        .where(Choice.attended.is_(True), Choice.workshop_id != workshop.id)
    )
    return set(rows)


def _applicant(choice: Choice, *, attended: bool) -> allocation.Applicant:
    eoi, user = choice.eoi, choice.eoi.user
    return allocation.Applicant(
        id=str(user.id),
        sector=user.sector.value,
        organisation=organisation_key(user.organisation),
        roles=tuple(user.web_groups or ()),
        manages_web_team=bool(eoi.manages_web_team),
        years_managing=eoi.years_managing or 0,
        attended_before=attended,
        choices=(
            allocation.Choice(
                workshop_id=str(choice.workshop_id),
                rank=choice.rank,
                available=choice.is_available is not False,
            ),
        ),
        submitted_at=eoi.submitted_at.isoformat() if eoi.submitted_at else "",
    )


def _allocation_workshop(workshop: Workshop, capacity: int) -> allocation.Workshop:
    share = workshop.max_share_per_sector
    return allocation.Workshop(
        id=str(workshop.id),
        capacity=capacity,
        target_roles=tuple(workshop.target_role_codes or ()),
        target_skills=tuple(workshop.target_skill_codes or ()),
        max_sector_share=None if share is None else share / 100,
        max_per_organisation=workshop.max_per_organisation,
    )


def _places_elsewhere(user_ids: set[int], workshop: Workshop, now: datetime) -> dict[str, int]:
    """How many places each person holds at other workshops not yet over."""
    rows = db.session.execute(
        sa.select(ExpressionOfInterest.user_id, sa.func.count(Choice.id))
        .join(Choice, Choice.eoi_id == ExpressionOfInterest.id)
        .join(Workshop, Workshop.id == Choice.workshop_id)
        .where(ExpressionOfInterest.user_id.in_(user_ids))
        .where(Choice.workshop_id != workshop.id, Choice.status.in_(PLACE_HOLDING))
        .where(Workshop.ends_at > now)
        .group_by(ExpressionOfInterest.user_id)
    )
    return {str(user_id): count for user_id, count in rows}


def _fresh_choices(workshop: Workshop) -> list[Choice]:
    # Read afresh: another request may have changed these rows before this one took the lock.
    return list(
        db.session.scalars(
            sa.select(Choice)
            .where(Choice.workshop_id == workshop.id)
            .order_by(Choice.id)
            .execution_options(populate_existing=True)
        )
    )


def _confirmed_round_of(workshop: Workshop) -> SelectionRound | None:
    """The latest confirmed selection round over this workshop, if any."""
    return db.session.scalar(
        sa.select(SelectionRound)
        .join(round_workshops, round_workshops.c.round_id == SelectionRound.id)
        .where(round_workshops.c.workshop_id == workshop.id)
        .where(SelectionRound.status == RoundStatus.CONFIRMED)
        .order_by(SelectionRound.confirmed_at.desc(), SelectionRound.id.desc())
        .limit(1)
    )


def _with_capacity(round_: allocation.Round, key: str, capacity: int) -> allocation.Round:
    workshops = tuple(
        dataclasses.replace(w, capacity=capacity) if w.id == key else w for w in round_.workshops
    )
    return dataclasses.replace(round_, workshops=workshops)


class WorkshopRound:
    """One workshop's places and waiting list as an allocation Round, with its current holders."""

    def __init__(self, workshop: Workshop, *, now: datetime, extra_places: int = 0) -> None:
        self.workshop = workshop
        here = [
            c
            for c in _fresh_choices(workshop)
            if c.status in (*PLACE_HOLDING, ChoiceStatus.WAITING) and c.eoi.withdrawn_at is None
        ]
        holders = sum(1 for c in here if c.status in PLACE_HOLDING)
        capacity = max(workshop.capacity, holders) + extra_places
        selection_round = _confirmed_round_of(workshop)
        if selection_round is None:
            self._build_from_workshop(here, capacity, now)
        else:
            self._build_from_round(selection_round, here, capacity)
        waiting = {
            key
            for key, c in self.choices.items()
            if c.status is ChoiceStatus.WAITING and c.eoi.user.is_confirmed
        }
        # Only people waiting for this workshop, with a confirmed address, may be offered it.
        self.ineligible = {a.id for a in self.round.applicants} - waiting

    def _build_from_workshop(self, here: list[Choice], capacity: int, now: datetime) -> None:
        workshop = self.workshop
        self.key = str(workshop.id)
        self.choices = {str(c.eoi.user_id): c for c in here}
        user_ids = {c.eoi.user_id for c in here}
        attended = _attended_before(user_ids, workshop)
        elsewhere = _places_elsewhere(user_ids, workshop, now)
        self.assignments: dict[str, tuple[str, ...]] = {}
        for key, choice in self.choices.items():
            held: tuple[str, ...] = (self.key,) if choice.status in PLACE_HOLDING else ()
            # Places elsewhere count against the person limit; they are named apart from here.
            held += tuple(f"elsewhere-{n}" for n in range(elsewhere.get(key, 0)))
            if held:
                self.assignments[key] = held
        limit = 1 if workshop.one_place_per_person else NO_PERSON_LIMIT
        self.round = allocation.Round(
            id=f"workshop-{workshop.id}",
            workshops=(_allocation_workshop(workshop, capacity),),
            applicants=tuple(_applicant(c, attended=c.eoi.user_id in attended) for c in here),
            settings=allocation.Settings(max_places_per_person=limit),
        )

    def _build_from_round(
        self, selection_round: SelectionRound, here: list[Choice], capacity: int
    ) -> None:
        everyone = selection_queries.round_choices(selection_round)
        round_ = selection_queries.allocation_round(selection_round, everyone)
        self.key = self.workshop.slug
        self.choices = {person_key(c.eoi.user_id): c for c in here}
        held: dict[str, list[str]] = {}
        for choice in everyone:
            if choice.status in PLACE_HOLDING:
                held.setdefault(person_key(choice.eoi.user_id), []).append(choice.workshop.slug)
        self.assignments = {key: tuple(slugs) for key, slugs in held.items()}
        self.round = _with_capacity(round_, self.key, capacity)

    @property
    def free_places(self) -> int:
        holders = sum(1 for c in self.choices.values() if c.status in PLACE_HOLDING)
        return max(self.workshop.capacity - holders, 0)

    def key_of(self, choice: Choice) -> str:
        return next(key for key, c in self.choices.items() if c is choice)

    def best_next(self, *, exclude: set[str] | None = None) -> Choice | None:
        """The waiting-list choice that should be offered a free place, if anyone qualifies."""
        key = allocation.best_replacement(
            self.round, self.assignments, self.key, exclude=self.ineligible | (exclude or set())
        )
        return None if key is None else self.choices[key]


def waiting_list(workshop: Workshop, *, now: datetime) -> tuple[list[Choice], list[Choice]]:
    """The waiting list in the order places would be offered, and those the limits keep out.

    The order is that of one more place freeing up now; who comes next can change with the
    sector and organisation of whoever gives a place back.
    """
    view = WorkshopRound(workshop, now=now, extra_places=1)
    ordered: list[Choice] = []
    exclude: set[str] = set()
    while (choice := view.best_next(exclude=exclude)) is not None:
        ordered.append(choice)
        exclude.add(view.key_of(choice))
    waiting = [c for c in view.choices.values() if c.status is ChoiceStatus.WAITING]
    blocked = sorted(
        (c for c in waiting if c not in ordered),
        key=lambda c: (c.eoi.submitted_at or c.eoi.created_at, c.id),
    )
    return ordered, blocked


def held_places(workshop: Workshop) -> Sequence[Choice]:
    """Choices holding a place at the workshop: offered or accepted."""
    return [c for c in workshop.choices if c.status in PLACE_HOLDING]
