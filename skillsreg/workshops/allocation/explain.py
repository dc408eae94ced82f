"""Explanations, computed from the final allocation, of why each applicant got what they got."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from skillsreg.workshops.allocation.model import Applicant, Choice, Explanation, Place, Reason
from skillsreg.workshops.allocation.scoring import RoundView, organisation_limit, sector_limit


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class Tally:
    """Who holds which places, counted the ways the round's limits count them."""

    view: RoundView
    assignments: Mapping[str, Sequence[str]]
    holders: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sectors: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    organisations: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    roles: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    _lowest: dict[tuple[str, str, str], str | None] = field(default_factory=dict)
    _limits: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Count the places held."""
        self._limits = {
            key: (sector_limit(workshop), organisation_limit(workshop))
            for key, workshop in self.view.workshops.items()
        }
        for person, held in self.assignments.items():
            applicant = self.view.applicants[person]
            for workshop_id in held:
                self.holders[workshop_id].append(person)
                self.sectors[workshop_id, applicant.sector].append(person)
                self.organisations[workshop_id, applicant.organisation].append(person)
                for role in set(applicant.roles):
                    self.roles[workshop_id, role] += 1

    def lowest(self, code: str, group: str, workshop_id: str) -> str | None:
        """Return the lowest-scoring holder (ties by id) of a group's places at a workshop."""
        key = (code, group, workshop_id)
        if key not in self._lowest:
            people = {
                "organisation_cap": self.organisations.get((workshop_id, group), []),
                "sector_cap": self.sectors.get((workshop_id, group), []),
            }.get(code, self.holders.get(workshop_id, []))
            self._lowest[key] = min(
                people,
                key=lambda person: (self.view.score(person, workshop_id), person),
                default=None,
            )
        return self._lowest[key]

    def is_full(self, workshop_id: str) -> bool:
        """Tell whether every place at the workshop is taken."""
        return len(self.holders[workshop_id]) >= self.view.workshops[workshop_id].capacity

    def sector_reached(self, applicant: Applicant, workshop_id: str) -> bool:
        """Tell whether the applicant's sector already has its share of the workshop."""
        limit = self._limits[workshop_id][0]
        return limit is not None and len(self.sectors[workshop_id, applicant.sector]) >= limit

    def organisation_reached(self, applicant: Applicant, workshop_id: str) -> bool:
        """Tell whether the applicant's organisation already has its most places at the workshop."""
        limit = self._limits[workshop_id][1]
        key = (workshop_id, applicant.organisation)
        return limit is not None and len(self.organisations[key]) >= limit

    def needed_role(self, person: str, workshop_id: str) -> str | None:
        """Return a target role the person holds that the workshop needs them for, if any."""
        workshop = self.view.workshops[workshop_id]
        for role in workshop.target_roles:
            needed = self.roles[workshop_id, role] <= workshop.min_per_target_role
            if needed and role in self.view.applicants[person].roles:
                return role
        return None


def _competitor_reason(tally: Tally, applicant: Applicant, choice: Choice, code: str) -> Reason:
    """Explain a limit reached at a workshop by naming the lowest-scoring person within it."""
    where = choice.workshop_id
    own = tally.view.score(applicant.id, where)
    group = {"organisation_cap": applicant.organisation, "sector_cap": applicant.sector}
    rival = tally.lowest(code, group.get(code, ""), where)
    opening = {
        "organisation_cap": f"{where} already had its most people from {applicant.organisation}",
        "sector_cap": f"{where} already had its largest share of places for the "
        f"{applicant.sector} sector",
        "full": f"{where} was full",
    }[code]
    if rival is None:
        return Reason(where, choice.rank, code, f"{opening}.", score=own)
    rival_score = tally.view.score(rival, where)
    text = (
        f"{opening}; the lowest-scoring person given a place there, {rival} (their choice "
        f"{tally.view.rank(rival, where)}), scored {rival_score:.2f} against {own:.2f}."
    )
    if rival_score == own:
        text += " Equal scores are settled by the round's recorded random tie-break."
    elif rival_score < own:
        text += " " + _inversion(tally, applicant, rival, where)
    return Reason(where, choice.rank, code, text, rival, rival_score, own)


def _inversion(tally: Tally, applicant: Applicant, rival: str, where: str) -> str:
    """Say why a lower-scoring person kept a place this applicant wanted."""
    if (rival, where) in tally.view.locked_in:
        return f"{rival} was locked in by the organiser."
    role = tally.needed_role(rival, where)
    if role is not None and role not in applicant.roles:
        return f"{rival} was needed to meet the minimum number of people in the role {role}."
    return (
        "Swapping them would have lowered the round's total score, because of the places "
        "and limits that swap would have changed elsewhere."
    )


def _reason(tally: Tally, applicant: Applicant, choice: Choice, held: Sequence[Place]) -> Reason:
    """Return the most specific reason the applicant did not get this choice."""
    view = tally.view
    where = choice.workshop_id
    limit = view.round.settings.max_places_per_person
    if not choice.available:
        return Reason(where, choice.rank, "unavailable", f"They said they cannot attend {where}.")
    if view.is_locked_out(applicant.id, where):
        scope = "this round" if applicant.id in view.out_of_round else where
        return Reason(
            where, choice.rank, "locked_out", f"The organiser locked them out of {scope}."
        )
    if len(held) >= limit and choice.rank > max(place.rank for place in held):
        return _person_limit(tally, applicant, choice, held)
    if tally.organisation_reached(applicant, where):
        return _competitor_reason(tally, applicant, choice, "organisation_cap")
    if tally.sector_reached(applicant, where):
        return _competitor_reason(tally, applicant, choice, "sector_cap")
    if tally.is_full(where):
        return _competitor_reason(tally, applicant, choice, "full")
    if len(held) >= limit:
        return _person_limit(tally, applicant, choice, held)
    return Reason(
        where,
        choice.rank,
        "not_selected",
        f"{where} had room, but the optimiser stopped before it could place them there.",
    )


def _person_limit(
    tally: Tally, applicant: Applicant, choice: Choice, held: Sequence[Place]
) -> Reason:
    """Explain that the person already holds as many places as one person may."""
    limit = tally.view.round.settings.max_places_per_person
    own = tally.view.score(applicant.id, choice.workshop_id)
    places = ", ".join(f"{place.workshop_id} (choice {place.rank})" for place in held)
    text = f"They already hold {places}, and one person may hold {_plural(limit, 'place')}"
    if choice.rank > max(place.rank for place in held):
        text += " in this round."
    else:
        # A higher choice with room was passed over: their score there was lower, or moving
        # them would have cost someone else more than they gained.
        text += (
            f"; their score here ({own:.2f}) against "
            + ", ".join(f"{place.score:.2f} at {place.workshop_id}" for place in held)
            + " made that the better allocation for the round."
        )
    return Reason(choice.workshop_id, choice.rank, "person_limit", text, score=own)


def _summary(places: Sequence[Place], applicant: Applicant) -> str:
    """Say in one sentence what the applicant was given."""
    if not places:
        if not applicant.choices:
            return "Not given a place: they did not choose any workshop."
        return "Not given a place."
    given = ", ".join(f"{place.workshop_id} (choice {place.rank})" for place in places)
    return f"Given a place at {given}."


def explain(view: RoundView, assignments: Mapping[str, Sequence[str]]) -> dict[str, Explanation]:
    """Explain, for every applicant, the places they got and why not their other choices."""
    tally = Tally(view, assignments)
    result = {}
    for person in sorted(view.applicants):
        applicant = view.applicants[person]
        held = tuple(assignments.get(person, ()))
        places = tuple(
            Place(key, view.rank(person, key) or 0, view.score(person, key)) for key in held
        )
        reasons = tuple(
            _reason(tally, applicant, choice, places)
            for choice in sorted(applicant.choices, key=lambda choice: choice.rank)
            if choice.workshop_id not in held
        )
        result[person] = Explanation(person, places, reasons, _summary(places, applicant))
    return result
