"""Checks that a round makes sense and that the organiser's lock-ins can all be honoured."""

from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import attrgetter

from skillsreg.workshops.allocation.model import AllocationError, Round
from skillsreg.workshops.allocation.scoring import RoundView, organisation_limit, sector_limit


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(key for key, count in Counter(ids).items() if count > 1)


def _workshop_problems(round_: Round) -> list[str]:
    problems = [
        f"Workshop {key} appears more than once."
        for key in _duplicates([workshop.id for workshop in round_.workshops])
    ]
    for workshop in round_.workshops:
        if workshop.capacity < 0:
            problems.append(f"Workshop {workshop.id} cannot have a negative number of places.")
        share = workshop.max_sector_share
        if share is not None and not 0 <= share <= 1:
            problems.append(f"Workshop {workshop.id} needs a sector share between 0 and 1.")
        if workshop.max_per_organisation is not None and workshop.max_per_organisation < 0:
            problems.append(f"Workshop {workshop.id} needs a non-negative organisation limit.")
        if workshop.min_per_target_role < 0:
            problems.append(f"Workshop {workshop.id} needs a non-negative minimum per role.")
    return problems


def _applicants_are_sound(view: RoundView, workshop_ids: set[str]) -> bool:
    """Tell at C speed whether _applicant_problems would find nothing (the usual case)."""
    applicants = view.round.applicants
    choices = list(chain.from_iterable(map(attrgetter("choices"), applicants)))
    # With unique ids, the view holds one choice per person and workshop: as many as there are
    # choices exactly when nobody chose a workshop twice.
    return (
        len(view.applicants) == len(applicants)
        and len(view.choices) == len(choices)
        and workshop_ids.issuperset(map(attrgetter("workshop_id"), choices))
        and min(map(attrgetter("rank"), choices), default=1) >= 1
    )


def _applicant_problems(round_: Round, workshop_ids: set[str]) -> list[str]:
    problems = [
        f"Applicant {key} appears more than once."
        for key in _duplicates([applicant.id for applicant in round_.applicants])
    ]
    for applicant in round_.applicants:
        ranked = [choice.workshop_id for choice in applicant.choices]
        if len(set(ranked)) < len(ranked):
            problems.extend(
                f"Applicant {applicant.id} chose workshop {key} more than once."
                for key in _duplicates(ranked)
            )
        if not workshop_ids.issuperset(ranked):
            problems.extend(
                f"Applicant {applicant.id} chose workshop {key}, which is not in this round."
                for key in sorted(set(ranked) - workshop_ids)
            )
        if any(choice.rank < 1 for choice in applicant.choices):
            problems.append(f"Applicant {applicant.id} has a choice ranked below 1.")
    return problems


def _lock_reference_problems(round_: Round, view: RoundView) -> list[str]:
    problems = []
    locks = list(round_.locked_in) + list(round_.locked_out)
    for person, where in locks:
        if person not in view.applicants:
            problems.append(f"Applicant {person} is locked in or out but is not in this round.")
        if where is not None and where not in view.workshops:
            problems.append(f"Workshop {where} has a lock but is not in this round.")
    return problems


def validate_round(view: RoundView) -> None:
    """Raise AllocationError listing everything that makes the round impossible to read."""
    round_ = view.round
    problems = _workshop_problems(round_)
    workshop_ids = set(view.workshops)
    if not _applicants_are_sound(view, workshop_ids):
        problems += _applicant_problems(round_, workshop_ids)
    problems += _lock_reference_problems(round_, view)
    if round_.settings.max_places_per_person < 1:
        problems.append("Each person must be allowed at least one place.")
    if problems:
        raise AllocationError(problems)


def _single_lock_problems(view: RoundView) -> list[str]:
    problems = []
    for person, where in dict.fromkeys(view.round.locked_in):
        choice = view.choices.get((person, where))
        if choice is None:
            problems.append(
                f"{person} cannot be locked in to {where} because they did not ask for a "
                "place there."
            )
        elif not choice.available:
            problems.append(
                f"{person} cannot be locked in to {where} because they said they cannot attend."
            )
        if view.is_locked_out(person, where):
            problems.append(f"{person} is locked both in and out of {where}.")
    return problems


def _group_lock_problems(view: RoundView) -> list[str]:
    problems = []
    locks = list(dict.fromkeys(view.round.locked_in))
    limit = view.round.settings.max_places_per_person
    per_person = Counter(person for person, _ in locks)
    for person, count in sorted(per_person.items()):
        if count > limit:
            problems.append(
                f"{person} is locked in to {count} workshops but a person may hold at most "
                f"{limit} place{'s' if limit != 1 else ''} in this round."
            )
    per_workshop = Counter(where for _, where in locks)
    for where, count in sorted(per_workshop.items()):
        if where in view.workshops and count > view.workshops[where].capacity:
            problems.append(
                f"{where} has {view.workshops[where].capacity} places but {count} people "
                "are locked in."
            )
    problems += _cap_lock_problems(view, locks, "sector")
    problems += _cap_lock_problems(view, locks, "organisation")
    return problems


def _cap_lock_problems(view: RoundView, locks: list[tuple[str, str]], kind: str) -> list[str]:
    counts = Counter(
        (where, getattr(view.applicants[person], kind))
        for person, where in locks
        if person in view.applicants and where in view.workshops
    )
    problems = []
    for (where, group), count in sorted(counts.items()):
        workshop = view.workshops[where]
        limit = sector_limit(workshop) if kind == "sector" else organisation_limit(workshop)
        if limit is not None and count > limit:
            problems.append(
                f"{where} allows at most {limit} people from the {kind} {group}, "
                f"but {count} are locked in."
            )
    return problems


def check_locks(view: RoundView) -> None:
    """Raise AllocationError when the lock-ins cannot all be honoured together."""
    problems = _single_lock_problems(view) + _group_lock_problems(view)
    if problems:
        raise AllocationError(problems)
