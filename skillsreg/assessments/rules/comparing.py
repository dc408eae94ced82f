"""Comparing two self-assessments, across versions through the skills' relations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from skillsreg.assessments.rules.carrying import lowest_level

Missing = Literal["", "not-in-version", "not-rated"]


@dataclass(frozen=True)
class RatingDelta:
    """One skill's rating in two assessments (None: not applicable or missing).

    `sources` are the earlier skills it is compared with (through its relation), each with the
    earlier level; `before_missing`/`after_missing` say why a side has no rating.
    """

    code: str
    before: int | None
    after: int | None
    relation: str = "unchanged"
    sources: tuple[tuple[str, int | None], ...] = ()
    before_missing: Missing = ""
    after_missing: Missing = ""


@dataclass(frozen=True)
class AssessmentComparison:
    """How ratings moved between two assessments."""

    rose: list[RatingDelta]
    fell: list[RatingDelta]
    same: list[RatingDelta]
    added: list[RatingDelta]
    removed: list[RatingDelta]


Relations = dict[str, tuple[str, list[str]]]


def compare_assessments(
    a: dict[str, int | None],
    b: dict[str, int | None],
    *,
    relations: Relations | None = None,
    before_skills: set[str] | None = None,
    after_skills: set[str] | None = None,
) -> AssessmentComparison:
    """Sort skills into rose, fell, same, added (only in b) and removed (only in a).

    `relations` maps each skill of b's version to its (relation, earlier codes) when b is on a
    newer version than a; without it a skill is compared with the same code. `before_skills` and
    `after_skills` are the skill codes of each version, to tell "not in version" from "not rated".
    """
    result = AssessmentComparison([], [], [], [], [])
    used: set[str] = set()
    for code, after in b.items():
        kind, codes = (relations or {}).get(code, ("unchanged", [code]))
        used.update(codes)
        sources = tuple((old, a[old]) for old in codes if old in a)
        if not sources:
            known = before_skills is None or any(old in before_skills for old in codes)
            missing: Missing = "not-rated" if known and kind != "new" else "not-in-version"
            result.added.append(RatingDelta(code, None, after, kind, (), missing))
            continue
        # A merged skill is measured from the lowest earlier level, as carrying forward proposes.
        before = lowest_level(level for _, level in sources) if len(sources) > 1 else sources[0][1]
        delta = RatingDelta(code, before, after, kind, sources)
        # Not applicable counts as below every level, so becoming applicable is a rise.
        before_rank, after_rank = before or 0, after or 0
        if after_rank > before_rank:
            result.rose.append(delta)
        elif after_rank < before_rank:
            result.fell.append(delta)
        else:
            result.same.append(delta)
    for code, level in a.items():
        if code in used:
            continue
        gone = after_skills is not None and code not in after_skills
        missing = "not-in-version" if gone else "not-rated"
        result.removed.append(RatingDelta(code, level, None, after_missing=missing))
    return result
