"""The documented score of giving an applicant a place at a workshop, and the round's limits.

For applicant a and workshop w that a ranked at rank r, with weights W:

    preference  = W.preference * max(0, H + 1 - r) / H            H = W.rank_horizon
    management  = W.manages_web_team * [a manages a web team]
                + W.years_managing * min(a.years_managing, Y) / Y  Y = W.years_cap
    role match  = W.role_match * [a has at least one of w's target roles]
    skill match = W.skill_match * mean over w's target skills s of min(level_s, L) / L
                                                                    L = W.skill_level_cap,
                                                                    a missing skill is level 0
    newcomer    = W.newcomer * [a has not attended a workshop before]

    score(a, w) = round(preference + management + role match + skill match + newcomer, 2)

The optimiser maximises the sum of the scores of the places it gives minus
round(W.role_shortfall, 2) for every person a workshop is short of its minimum for a target role.
Scores are rounded to hundredths so that equal scores are exactly equal and the seeded tie-breaker
(worth less than 0.01 in total) can only choose between allocations of the same objective.

A sector's share is a share of the workshop's capacity, not of the places filled: at most
floor(max_sector_share * capacity) places go to one sector. A share of places filled would punish
the applicants from a sector for the absence of applicants from other sectors (with one sector
applying, nobody could be given a place), and a fixed number is predictable and easy to explain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from skillsreg.workshops.allocation.model import Applicant, Choice, Round, Weights, Workshop


def sector_limit(workshop: Workshop) -> int | None:
    """Return the most places one sector may hold at the workshop, or None for no limit."""
    if workshop.max_sector_share is None:
        return None
    # Rounding first stops 0.29 * 100 = 28.999999999999996 from losing a place.
    return math.floor(round(workshop.max_sector_share * workshop.capacity, 9))


def organisation_limit(workshop: Workshop) -> int | None:
    """Return the most places one organisation may hold at the workshop, or None for no limit."""
    return workshop.max_per_organisation


def personal_points(applicant: Applicant, weights: Weights) -> float:
    """Return the part of the score that does not depend on the workshop or the rank."""
    years = min(max(applicant.years_managing, 0), weights.years_cap) / max(weights.years_cap, 1)
    return (
        weights.manages_web_team * applicant.manages_web_team
        + weights.years_managing * years
        + weights.newcomer * (not applicant.attended_before)
    )


def _match(
    applicant: Applicant, roles: frozenset[str], skills: tuple[str, ...], weights: Weights
) -> float:
    points = 0.0
    if roles and not roles.isdisjoint(applicant.roles):
        points += weights.role_match
    if skills:
        cap = max(weights.skill_level_cap, 1)
        levels = applicant.skills
        total = sum(min(max(levels.get(skill, 0), 0), cap) for skill in skills)
        points += weights.skill_match * total / (cap * len(skills))
    return points


def match_points(applicant: Applicant, workshop: Workshop, weights: Weights) -> float:
    """Return the part of the score for the match with the workshop's target roles and skills."""
    return _match(applicant, frozenset(workshop.target_roles), workshop.target_skills, weights)


def preference_points(rank: int, weights: Weights) -> float:
    """Return the part of the score for how highly the applicant ranked the workshop."""
    horizon = max(weights.rank_horizon, 1)
    return weights.preference * max(0, horizon + 1 - rank) / horizon


def score(applicant: Applicant, workshop: Workshop, rank: int, weights: Weights) -> float:
    """Return the score of giving the applicant a place at a workshop they ranked at `rank`."""
    return round(
        preference_points(rank, weights)
        + personal_points(applicant, weights)
        + match_points(applicant, workshop, weights),
        2,
    )


def shortfall_penalty(weights: Weights) -> float:
    """Return the objective's penalty for each missing person of a target role."""
    return round(weights.role_shortfall, 2)


class _Memo(dict[Any, float]):
    """Values of a function, each computed on first use: a lookup costs less than the call."""

    def __init__(self, function: Callable[[Any], float]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> float:
        value = self[key] = self.function(key)
        return value


@dataclass
class RoundView:
    """Lookups over a round, and every choice's score, shared by all the allocation code."""

    round: Round
    workshops: dict[str, Workshop] = field(init=False)
    applicants: dict[str, Applicant] = field(init=False)
    choices: dict[tuple[str, str], Choice] = field(init=False)
    out_of_round: set[str] = field(init=False)
    out_of_workshop: set[tuple[str, str]] = field(init=False)
    locked_in: set[tuple[str, str]] = field(init=False)
    scores: dict[tuple[str, str], float] = field(init=False)
    candidates: list[tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        """Index the round by id and score every choice once."""
        self.workshops = {workshop.id: workshop for workshop in self.round.workshops}
        self.applicants = {applicant.id: applicant for applicant in self.round.applicants}
        self.out_of_round = {person for person, where in self.round.locked_out if where is None}
        self.out_of_workshop = {
            (person, where) for person, where in self.round.locked_out if where is not None
        }
        self.locked_in = set(self.round.locked_in)
        self._score_choices()

    def _score_choices(self) -> None:
        """Index every choice, score those of known workshops and list those a person can get.

        This is the hot loop of a large round (150,000 choices): it does the arithmetic of
        `score()`, with the same operations in the same order so that the floats agree exactly,
        without its calls and generators.
        """
        weights = self.weights
        cap = max(weights.skill_level_cap, 1)
        role_match, skill_match = weights.role_match, weights.skill_match
        targets = {
            workshop.id: (
                frozenset(workshop.target_roles),
                workshop.target_skills,
                cap * len(workshop.target_skills),
            )
            for workshop in self.round.workshops
        }
        preference = _Memo(lambda rank: preference_points(rank, weights))
        # round(x, 2) is slow and a round's sums take few values: each is rounded once.
        rounded = _Memo(lambda points: round(points, 2))
        choices: dict[tuple[str, str], Choice] = {}
        scores: dict[tuple[str, str], float] = {}
        candidates: list[tuple[str, str]] = []
        out_of_round, out_of_workshop = self.out_of_round, self.out_of_workshop
        for applicant in self.round.applicants:
            personal = personal_points(applicant, weights)
            out = applicant.id in out_of_round
            roles, levels = applicant.roles, applicant.skills
            for choice in applicant.choices:
                key = (applicant.id, choice.workshop_id)
                choices[key] = choice
                target = targets.get(choice.workshop_id)
                if target is None:
                    continue
                target_roles, skills, most = target
                match = 0.0
                if target_roles and not target_roles.isdisjoint(roles):
                    match += role_match
                if skills:
                    total = 0
                    for skill in skills:
                        # min(max(level, 0), cap), as in _match, without the calls.
                        level = levels.get(skill, 0)
                        if level > 0:
                            total += level if level < cap else cap
                    match += skill_match * total / most
                scores[key] = rounded[preference[choice.rank] + personal + match]
                if choice.available and not out and key not in out_of_workshop:
                    candidates.append(key)
        self.choices, self.scores, self.candidates = choices, scores, candidates

    @property
    def weights(self) -> Weights:
        """Return the round's weights."""
        return self.round.settings.weights

    def is_locked_out(self, applicant_id: str, workshop_id: str) -> bool:
        """Tell whether the organiser has kept this person out of this workshop."""
        return (
            applicant_id in self.out_of_round or (applicant_id, workshop_id) in self.out_of_workshop
        )

    def is_candidate(self, applicant_id: str, workshop_id: str) -> bool:
        """Tell whether the person asked for this workshop, can attend and is not locked out."""
        choice = self.choices.get((applicant_id, workshop_id))
        return (
            choice is not None
            and choice.available
            and workshop_id in self.workshops
            and not self.is_locked_out(applicant_id, workshop_id)
        )

    def score(self, applicant_id: str, workshop_id: str) -> float:
        """Return the score of a choice (0 for a workshop the person did not rank)."""
        return self.scores.get((applicant_id, workshop_id), 0.0)

    def rank(self, applicant_id: str, workshop_id: str) -> int | None:
        """Return the rank the person gave the workshop, or None."""
        choice = self.choices.get((applicant_id, workshop_id))
        return None if choice is None else choice.rank

    def shortfalls(self, assignments: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], int]:
        """Return the positive shortfalls against each workshop's minimum per target role."""
        counts: dict[tuple[str, str], int] = {}
        for applicant_id, workshop_ids in assignments.items():
            if not workshop_ids:
                continue  # most of a large round's applicants: no set of roles to build
            roles = set(self.applicants[applicant_id].roles)
            for workshop_id in workshop_ids:
                for role in roles.intersection(self.workshops[workshop_id].target_roles):
                    counts[workshop_id, role] = counts.get((workshop_id, role), 0) + 1
        result = {}
        for workshop in self.round.workshops:
            for role in dict.fromkeys(workshop.target_roles):
                missing = workshop.min_per_target_role - counts.get((workshop.id, role), 0)
                if missing > 0:
                    result[workshop.id, role] = missing
        return result

    def objective(
        self,
        assignments: Mapping[str, Sequence[str]],
        shortfalls: Mapping[tuple[str, str], int] | None = None,
    ) -> float:
        """Return the true objective of an allocation: scores minus role shortfall penalties.

        `shortfalls`, when given, are the allocation's (as `shortfalls()` returns them).
        """
        if shortfalls is None:
            shortfalls = self.shortfalls(assignments)
        total = sum(self.score(a, w) for a, held in assignments.items() for w in held)
        missing = sum(shortfalls.values())
        return round(total - shortfall_penalty(self.weights) * missing, 2)
