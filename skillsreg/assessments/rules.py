"""Pure self-assessment logic: gaps against a role profile, carrying ratings to a new version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

Doc = dict[str, Any]
GapStatus = Literal["below", "meets", "above", "not-applicable", "not-required"]
CarryStatus = Literal["kept", "check-wording", "changed", "split", "merged", "new", "not-rated"]

_STATUS_FOR_RELATION: dict[str, CarryStatus] = {
    "unchanged": "kept",
    "reworded": "check-wording",
    "changed": "changed",
    "split": "split",
    "merged": "merged",
    "new": "new",
}
_NOTES: dict[CarryStatus, str] = {
    "kept": "",
    "check-wording": "The wording of this skill has changed: check the new wording",
    "changed": "This skill has changed: confirm your level",
    "split": "This skill was split from {sources}: confirm your level for this part",
    "merged": "This skill combines {sources}: your highest level is proposed",
    "new": "This skill is new: rate yourself",
    "not-rated": "You had not rated {sources}: rate yourself",
}


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
    ratings: dict[str, int | None], profile: dict[str, int], skill_categories: dict[str, str]
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
class RatingIn:
    """A rating from an earlier assessment: a level (None: not applicable) and its evidence."""

    level: int | None
    evidence: str = ""


@dataclass(frozen=True)
class ProposedRating:
    """What to pre-fill for one skill of the new version, and whether the person must confirm."""

    code: str
    status: CarryStatus
    prefilled: bool
    level: int | None
    evidence: str
    sources: list[tuple[str, int | None]]
    needs_confirmation: bool
    note: str = ""


@dataclass(frozen=True)
class DroppedRating:
    """A rating that does not carry forward because its skill is no longer in the framework."""

    code: str
    level: int | None
    evidence: str
    note: str = ""


@dataclass(frozen=True)
class CarryForwardPlan:
    """Proposed ratings for every skill of the new version, plus the ratings dropped."""

    ratings: list[ProposedRating]
    dropped: list[DroppedRating] = field(default_factory=list)

    @property
    def to_confirm(self) -> list[ProposedRating]:
        return [rating for rating in self.ratings if rating.needs_confirmation]


def carry_forward(old_ratings: dict[str, RatingIn], new_doc: Doc) -> CarryForwardPlan:
    """Plan how an assessment against the parent version carries forward to `new_doc`."""
    proposals = [_propose(skill, old_ratings) for skill in new_doc["skills"]]
    used = {code for proposal in proposals for code, _ in proposal.sources}
    notes = {entry["code"]: entry.get("note", "") for entry in new_doc.get("retired") or []}
    dropped = [
        DroppedRating(code, rating.level, rating.evidence, notes.get(code, ""))
        for code, rating in old_ratings.items()
        if code not in used
    ]
    return CarryForwardPlan(proposals, dropped)


def _relation_of(skill: Doc) -> tuple[str, list[str]]:
    relation = skill.get("relation")
    if relation is None:
        # A version without a parent has no relations; the same code is the same skill.
        return "unchanged", [skill["code"]]
    return relation["type"], list(relation["from"])


def _propose(skill: Doc, old_ratings: dict[str, RatingIn]) -> ProposedRating:
    kind, codes = _relation_of(skill)
    rated = [(code, old_ratings[code]) for code in codes if code in old_ratings]
    sources = [(code, rating.level) for code, rating in rated]
    status = _STATUS_FOR_RELATION[kind]
    if kind != "new" and not rated:
        status = "not-rated"
    note = _NOTES[status].format(sources=" and ".join(codes))
    if status in ("new", "not-rated"):
        return ProposedRating(skill["code"], status, False, None, "", sources, True, note)
    level = _highest(rating.level for _, rating in rated)
    applicable = _applicable_level(level, [d["level"] for d in skill["descriptors"]])
    if applicable != level:
        note = _join(note, _adjusted_note(level, applicable))
    confirm = status not in ("kept", "check-wording") or applicable != level
    return ProposedRating(
        code=skill["code"],
        status=status,
        prefilled=applicable is not None or level is None,
        level=applicable,
        evidence=_evidence(rated),
        sources=sources,
        needs_confirmation=confirm,
        note=note,
    )


def _highest(levels: Iterable[int | None]) -> int | None:
    # Not applicable only wins when every source was not applicable.
    numbers = [level for level in levels if level is not None]
    return max(numbers, default=None)


def _applicable_level(level: int | None, descriptor_levels: list[int]) -> int | None:
    """The level itself if the skill describes it, else the nearest lower level it describes."""
    if level is None:
        return None
    lower = [candidate for candidate in descriptor_levels if candidate <= level]
    return max(lower, default=None)


def _adjusted_note(level: int | None, applicable: int | None) -> str:
    if applicable is None:
        return f"Your previous level {level} is below every level this skill describes"
    return (
        f"This skill has no descriptor at your previous level {level}, "
        f"so the nearest lower level {applicable} is proposed"
    )


def _evidence(rated: list[tuple[str, RatingIn]]) -> str:
    texts = [(code, rating.evidence) for code, rating in rated if rating.evidence]
    if len(texts) == 1:
        return texts[0][1]
    return "\n\n".join(f"{code}: {text}" for code, text in texts)


def _join(first: str, second: str) -> str:
    return f"{first}. {second}" if first else second


@dataclass(frozen=True)
class RatingDelta:
    """One skill's rating in two assessments (None: not applicable)."""

    code: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class AssessmentComparison:
    """How ratings moved between two assessments."""

    rose: list[RatingDelta]
    fell: list[RatingDelta]
    same: list[RatingDelta]
    added: list[RatingDelta]
    removed: list[RatingDelta]


def compare_assessments(a: dict[str, int | None], b: dict[str, int | None]) -> AssessmentComparison:
    """Sort skills into rose, fell, same, added (only in b) and removed (only in a)."""
    result = AssessmentComparison([], [], [], [], [])
    for code, after in b.items():
        if code not in a:
            result.added.append(RatingDelta(code, None, after))
            continue
        delta = RatingDelta(code, a[code], after)
        # Not applicable counts as below every level, so becoming applicable is a rise.
        before_rank, after_rank = a[code] or 0, after or 0
        if after_rank > before_rank:
            result.rose.append(delta)
        elif after_rank < before_rank:
            result.fell.append(delta)
        else:
            result.same.append(delta)
    result.removed.extend(
        RatingDelta(code, level, None) for code, level in a.items() if code not in b
    )
    return result


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


T = TypeVar("T")

# Kinds of web work asked at sign-up whose role has another code in the framework.
WEB_GROUP_ROLES = {"content-manager": "content-editor", "analytics": "measurement"}


def split_roles(roles: Sequence[T], web_groups: Iterable[str]) -> tuple[list[T], list[T]]:
    """A framework's roles (anything with a `code`) split into the person's own kinds of web
    work, given at sign-up, and the others; each part keeps the framework's order."""
    own = {WEB_GROUP_ROLES.get(code, code) for code in web_groups}
    mine = [role for role in roles if getattr(role, "code", None) in own]
    return mine, [role for role in roles if role not in mine]
