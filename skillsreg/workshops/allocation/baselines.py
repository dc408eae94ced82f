"""Waiting-list replacement, the simple allocation rules to compare with, and quality measures."""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from skillsreg.workshops.allocation.explain import Tally
from skillsreg.workshops.allocation.model import Quality, Round
from skillsreg.workshops.allocation.scoring import (
    RoundView,
    organisation_limit,
    sector_limit,
    shortfall_penalty,
)


def _can_join(tally: Tally, person: str, workshop_id: str, exclude: set[str]) -> bool:
    """Tell whether adding this person to the workshop keeps every hard rule of the round."""
    view = tally.view
    held = tally.assignments.get(person, ())
    applicant = view.applicants[person]
    return (
        person not in exclude
        and workshop_id not in held
        and len(held) < view.round.settings.max_places_per_person
        and view.is_candidate(person, workshop_id)
        and not tally.sector_reached(applicant, workshop_id)
        and not tally.organisation_reached(applicant, workshop_id)
    )


def _gain(tally: Tally, person: str, workshop_id: str) -> float:
    """Return how much the round's objective rises if this person joins the workshop."""
    workshop = tally.view.workshops[workshop_id]
    roles = set(tally.view.applicants[person].roles)
    filled = sum(
        1
        for role in dict.fromkeys(workshop.target_roles)
        if role in roles and tally.roles[workshop_id, role] < workshop.min_per_target_role
    )
    return tally.view.score(person, workshop_id) + shortfall_penalty(tally.view.weights) * filled


def best_replacement(
    round: Round,
    assignments: Mapping[str, Sequence[str]],
    workshop_id: str,
    *,
    exclude: set[str],
) -> str | None:
    """Choose who should be offered a freed place, moving nobody who already holds one.

    Candidates asked for the workshop, can attend, are not locked out or excluded, and still
    have room under the person limit (with one place per person: hold no place). The chosen
    one raises the objective most (score plus any role minimum they help meet) while keeping
    the sector share and organisation limits; ties go to the earliest expression of interest.
    """
    view = RoundView(round)
    tally = Tally(view, assignments)
    if workshop_id not in view.workshops or tally.is_full(workshop_id):
        return None
    candidates = [
        person for person in view.applicants if _can_join(tally, person, workshop_id, exclude)
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda person: (
            -_gain(tally, person, workshop_id),
            view.applicants[person].submitted_at,
            person,
        ),
    )


def _serve(round_: Round, order: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Give each person in turn their best available choices that still have room."""
    view = RoundView(round_)
    remaining = {workshop.id: workshop.capacity for workshop in round_.workshops}
    limit = round_.settings.max_places_per_person
    result: dict[str, tuple[str, ...]] = dict.fromkeys(sorted(view.applicants), ())
    for person in order:
        held: list[str] = []
        for choice in sorted(view.applicants[person].choices, key=lambda choice: choice.rank):
            if (
                len(held) < limit
                and view.is_candidate(person, choice.workshop_id)
                and (remaining[choice.workshop_id] > 0)
            ):
                remaining[choice.workshop_id] -= 1
                held.append(choice.workshop_id)
        result[person] = tuple(held)
    return result


def first_come_first_served(round: Round) -> dict[str, tuple[str, ...]]:
    """Allocate by order of expression of interest, ignoring balance and scores."""
    order = sorted(round.applicants, key=lambda applicant: (applicant.submitted_at, applicant.id))
    return _serve(round, [applicant.id for applicant in order])


def random_serial_dictatorship(round: Round, seed: int) -> dict[str, tuple[str, ...]]:
    """Allocate in a seeded random order of people, ignoring balance and scores."""
    order = sorted(applicant.id for applicant in round.applicants)
    random.Random(seed).shuffle(order)  # noqa: S311 - reproducible, not secret
    return _serve(round, order)


_GroupKey = TypeVar("_GroupKey", bound=Hashable)


def _excess(groups: Mapping[_GroupKey, Sequence[str]], limit_of: Mapping[str, int | None]) -> int:
    """Count the places held beyond each group's limit."""
    total = 0
    for key, people in groups.items():
        workshop_id = key[0] if isinstance(key, tuple) else key
        limit = limit_of[str(workshop_id)]
        if limit is not None:
            total += max(len(people) - limit, 0)
    return total


def _hard_violations(tally: Tally) -> dict[str, int]:
    """Count places given against capacity, availability, locks and the person limit."""
    view = tally.view
    limit = view.round.settings.max_places_per_person
    held = [(person, where) for person, places in tally.assignments.items() for where in places]
    return {
        "capacity": _excess(tally.holders, {key: w.capacity for key, w in view.workshops.items()}),
        "availability": sum(
            1
            for person, where in held
            if (choice := view.choices.get((person, where))) is None or not choice.available
        ),
        "locked_out": sum(1 for person, where in held if view.is_locked_out(person, where)),
        "locked_in": sum(
            1 for person, where in view.locked_in if where not in tally.assignments.get(person, ())
        ),
        "person_limit": sum(max(len(p) - limit, 0) for p in tally.assignments.values()),
    }


def evaluate(round: Round, assignments: Mapping[str, Sequence[str]]) -> Quality:
    """Measure an allocation by the optimiser's objective and count the rules it breaks.

    Violations count places beyond a limit (sector share, organisation, capacity, person limit),
    places against availability or a lock, and people missing from role minimums.
    """
    view = RoundView(round)
    tally = Tally(view, {person: tuple(places) for person, places in assignments.items()})
    violations = _hard_violations(tally)
    violations["sector_share"] = _excess(
        tally.sectors, {key: sector_limit(w) for key, w in view.workshops.items()}
    )
    violations["organisation_cap"] = _excess(
        tally.organisations, {key: organisation_limit(w) for key, w in view.workshops.items()}
    )
    violations["role_minimum"] = sum(view.shortfalls(tally.assignments).values())
    first = sum(
        1
        for person, places in tally.assignments.items()
        if any(view.rank(person, where) == 1 for where in places)
    )
    assigned = sum(1 for places in tally.assignments.values() if places)
    return Quality(
        objective=view.objective(tally.assignments),
        first_choice_share=_share(first, len(view.applicants)),
        assigned_share=_share(assigned, len(view.applicants)),
        violations=violations,
    )


def _share(part: int, whole: int) -> float:
    """Return part / whole to four places (0 for an empty round)."""
    return round(part / whole, 4) if whole else 0.0
