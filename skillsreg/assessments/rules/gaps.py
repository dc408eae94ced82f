"""Gaps between a member's ratings and a role profile, and workshops that close them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

GapStatus = Literal["below", "meets", "above", "not-applicable", "not-required"]


@dataclass(frozen=True)
class Gap:
    """How a self-rating compares with the level a role expects."""

    status: GapStatus
    difference: int | None


def gap(rating_level: int | None, expected: int | None) -> Gap:
    """Compare a rating (None: not applicable) with an expected level (None: not required)."""
    if expected is None:
        return Gap("not-required", None)
    if rating_level is None:
        return Gap("not-applicable", None)
    difference = rating_level - expected
    if difference < 0:
        return Gap("below", difference)
    return Gap("above" if difference > 0 else "meets", difference)


@dataclass
class GapCounts:
    """Counts of gap statuses for a group of skills, and how many levels short they fall."""

    below: int = 0
    meets: int = 0
    above: int = 0
    not_applicable: int = 0
    not_required: int = 0
    unrated: int = 0
    shortfall: int = 0

    @property
    def expected(self) -> int:
        """How many skills the profile expects in this group."""
        return self.below + self.meets + self.above + self.not_applicable + self.unrated

    def add(self, status: GapStatus | Literal["unrated"], difference: int | None) -> None:
        name = status.replace("-", "_")
        setattr(self, name, getattr(self, name) + 1)
        if difference is not None and difference < 0:
            self.shortfall -= difference


@dataclass
class GapSummary:
    """Gap counts per category code, in the order categories were given, and in total."""

    by_category: dict[str, GapCounts]
    total: GapCounts


def summarise_gaps(
    ratings: dict[str, int | None], profile: Mapping[str, int], skill_categories: Mapping[str, str]
) -> GapSummary:
    """Count, per category, the profile skills rated below, at or above the expected level."""
    by_category = {category: GapCounts() for category in dict.fromkeys(skill_categories.values())}
    total = GapCounts()
    # Ratings of skills this version does not have cannot be placed in a category, so skip them.
    codes = [code for code in dict.fromkeys([*profile, *ratings]) if code in skill_categories]
    for code in codes:
        status: GapStatus | Literal["unrated"]
        if code in ratings:
            result = gap(ratings[code], profile.get(code))
            status, difference = result.status, result.difference
        else:
            status, difference = "unrated", None
        by_category[skill_categories[code]].add(status, difference)
        total.add(status, difference)
    return GapSummary(by_category, total)


@dataclass(frozen=True)
class WorkshopSuggestion:
    """A workshop to suggest: the gap skills it targets and the total shortfall they cover."""

    workshop_id: int
    skill_codes: list[str]
    covered: int


def suggest_workshops(
    gaps: dict[str, int], workshops: list[tuple[int, list[str]]], *, limit: int = 3
) -> list[WorkshopSuggestion]:
    """Workshops targeting the member's gaps, covering the largest total shortfall first.

    `gaps` maps skill codes to how many levels short the member is; `workshops` are
    (id, target skill codes) pairs, soonest first, which breaks ties.
    """
    suggestions = []
    for workshop_id, targets in workshops:
        codes = [code for code in dict.fromkeys(targets) if gaps.get(code, 0) > 0]
        if codes:
            covered = sum(gaps[code] for code in codes)
            suggestions.append(WorkshopSuggestion(workshop_id, codes, covered))
    return sorted(suggestions, key=lambda s: -s.covered)[:limit]
