"""Pure rules of selection: the ids a round document uses, its settings, and readable reasons."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from skillsreg.workshops import allocation

PERSON_PREFIX = "person-"

# Weights an organiser may change when opening a round, with their labels.
WEIGHT_LABELS = {
    "preference": "Preference (points for a first choice)",
    "manages_web_team": "Manages a web team",
    "years_managing": "Years managing (points at the cap)",
    "role_match": "Has one of the workshop's target roles",
    "skill_match": "Skills match the workshop's target skills",
    "newcomer": "Has not attended a workshop before",
    "role_shortfall": "Penalty per person missing from a role minimum",
}


def person_key(user_id: int) -> str:
    """Return the id a person has in round documents (their user id, not their name)."""
    return f"{PERSON_PREFIX}{user_id}"


def user_id_of(key: str) -> int | None:
    """Return the user id inside a person key, or None if it is not one."""
    number = key.removeprefix(PERSON_PREFIX)
    if key == number or not number.isdigit():
        return None
    return int(number)


def organisation_key(name: str) -> str:
    """Return the organisation as limits count it: the same name however it was typed."""
    return " ".join(name.split()).casefold()


def allocation_workshop(
    *,
    key: str,
    capacity: int,
    target_roles: Sequence[str],
    target_skills: Sequence[str],
    max_share_per_sector: int | None,
    max_per_organisation: int | None,
    min_per_target_role: int,
) -> allocation.Workshop:
    """Return the optimiser's workshop; the sector share is stored as a whole percentage."""
    return allocation.Workshop(
        id=key,
        capacity=capacity,
        target_roles=tuple(target_roles),
        target_skills=tuple(target_skills),
        max_sector_share=None if max_share_per_sector is None else max_share_per_sector / 100,
        max_per_organisation=max_per_organisation,
        min_per_target_role=min_per_target_role if target_roles else 0,
    )


def score_weights(values: Mapping[str, Any]) -> allocation.Weights:
    """Return score weights from stored values, ignoring unknown names."""
    known = {item.name for item in fields(allocation.Weights)}
    return allocation.Weights(**{key: value for key, value in values.items() if key in known})


def settings(
    *, max_places_per_person: int, time_limit: float, weights: Mapping[str, Any]
) -> allocation.Settings:
    """Return the optimiser's settings of a round."""
    return allocation.Settings(
        max_places_per_person=max_places_per_person,
        weights=score_weights(weights),
        time_limit=float(time_limit),
    )


def humanise(text: str, names: Mapping[str, str]) -> str:
    """Replace the ids in an explanation by the names and titles organisers know."""
    if not names:
        return text
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(key) for key in sorted(names, key=len, reverse=True))
        + r")(?![\w-])"
    )
    return pattern.sub(lambda match: names[match.group(1)], text)


def selected_and_others(
    assignments: Mapping[str, Sequence[str]], choices: Sequence[tuple[str, str]]
) -> tuple[list[int], list[int]]:
    """Split (person, workshop) choices, by index, into those given a place and the rest."""
    given = {(person, where) for person, held in assignments.items() for where in held}
    selected: list[int] = []
    others: list[int] = []
    for index, pair in enumerate(choices):
        (selected if pair in given else others).append(index)
    return selected, others
