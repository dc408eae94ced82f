"""Carrying a self-assessment forward to a new framework version, following the relations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Doc = dict[str, Any]
CarryStatus = Literal["kept", "check-wording", "changed", "split", "merged", "new", "not-rated"]


@dataclass(frozen=True)
class CarryRule:
    """How one relation carries a rating forward: the single source of truth for every page."""

    relation: str
    status: CarryStatus
    proposal: str
    must_confirm: bool
    member_sees: str
    note: str


# The carry-forward rules, in the order the README and the carry-forward page list them.
CARRY_FORWARD_RULES: tuple[CarryRule, ...] = (
    CarryRule(
        "unchanged",
        "kept",
        "Your previous level and evidence",
        False,
        "Nothing new: the skill keeps your answer",
        "",
    ),
    CarryRule(
        "reworded",
        "check-wording",
        "Your previous level and evidence",
        False,
        "A note to check the new wording, with your previous descriptor beside the new one",
        "The wording of this skill has changed: check the new wording",
    ),
    CarryRule(
        "changed",
        "changed",
        "Your previous level and evidence",
        True,
        "A warning to confirm your level, with your previous descriptor beside the new one",
        "This skill has changed: confirm your level",
    ),
    CarryRule(
        "split",
        "split",
        "Your level in the skill it was split from",
        True,
        "A warning to confirm your level, with the previous descriptor of the part this "
        "skill came from",
        "This skill was split from {sources}: confirm your level for this part",
    ),
    CarryRule(
        "merged",
        "merged",
        "The lowest level you gave the skills it combines (none if you rated none of them)",
        True,
        "A warning to confirm your level, naming each combined skill you rated with your level",
        "This skill combines {sources}: the lowest of your levels is proposed",
    ),
    CarryRule(
        "new",
        "new",
        "Nothing: in your role level's profile you rate it; outside it, it is listed as "
        "new in this version, to add if it applies",
        True,
        "The skill to rate, or in the list of new skills you can add",
        "This skill is new: rate yourself",
    ),
    CarryRule(
        "retired",
        "kept",
        "Nothing: the rating is dropped",
        False,
        "The skill named as no longer in the framework on the task list, check your answers "
        "and the result",
        "No longer in the framework",
    ),
)
CARRY_RULES: dict[str, CarryRule] = {rule.relation: rule for rule in CARRY_FORWARD_RULES}
NOT_RATED_NOTE = "You had not rated {sources}: rate yourself"
MERGED_NONE_RATED_NOTE = "This skill combines skills you had not rated: rate yourself"


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
    rule = CARRY_RULES[kind]
    rated = [(code, old_ratings[code]) for code in codes if code in old_ratings]
    sources = [(code, rating.level) for code, rating in rated]
    if kind == "new":
        return ProposedRating(skill["code"], "new", False, None, "", [], True, rule.note)
    if not rated:
        note = NOT_RATED_NOTE.format(sources=codes[0])
        if kind == "merged":
            note = MERGED_NONE_RATED_NOTE
        return ProposedRating(skill["code"], "not-rated", False, None, "", [], True, note)
    # A merged skill proposes the lowest level: the member raises it if they are sure.
    level = lowest_level(level for _, level in sources) if kind == "merged" else sources[0][1]
    note = _merged_note(sources, level) if kind == "merged" else rule.note.format(sources=codes[0])
    applicable = _applicable_level(level, [d["level"] for d in skill["descriptors"]])
    if applicable != level:
        note = _join(note, _adjusted_note(level, applicable))
    return ProposedRating(
        code=skill["code"],
        status=rule.status,
        prefilled=applicable is not None or level is None,
        level=applicable,
        evidence=_evidence(rated),
        sources=sources,
        needs_confirmation=rule.must_confirm or applicable != level,
        note=note,
    )


def _level_text(level: int | None) -> str:
    return "not applicable" if level is None else f"level {level}"


def _source_list(sources: list[tuple[str, int | None]]) -> str:
    parts = [f"{code} ({_level_text(level)})" for code, level in sources]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _merged_note(sources: list[tuple[str, int | None]], level: int | None) -> str:
    listed = _source_list(sources)
    if len(sources) == 1:
        return f"This skill combines {listed} with skills you had not rated: confirm your level"
    if level is None:
        return f"This skill combines {listed}: confirm your level"
    return f"This skill combines {listed}: the lowest of your levels, {level}, is proposed"


def lowest_level(levels: Iterable[int | None]) -> int | None:
    # Not applicable is proposed only when every rated source was not applicable.
    numbers = [level for level in levels if level is not None]
    return min(numbers, default=None)


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


def split_part(descriptor: str, parts: dict[str, str], code: str) -> str:
    """The clauses of a split skill's old descriptor that belong to the part `code`.

    `parts` maps each part's code to its text (name, description and descriptors). Each
    clause goes to the part sharing most of its words; a tie keeps it in `code`.
    """
    pieces = re.split(r"([:;,.]\s+)", descriptor.strip())
    clauses, separators = pieces[::2], [*pieces[1::2], ""]
    words = {part: _words(text) for part, text in parts.items()}
    kept = []
    for index, clause in enumerate(clauses):
        own = _words(clause)
        scores = {part: len(own & vocabulary) for part, vocabulary in words.items()}
        if scores.get(code, 0) == max(scores.values(), default=0):
            kept.append(index)
    text = ""
    for position, index in enumerate(kept):
        text += clauses[index]
        if position + 1 < len(kept):
            text += separators[index] if kept[position + 1] == index + 1 else " … "
    return text.rstrip(".")


def _words(text: str) -> set[str]:
    # Short words (the, and, for) say nothing about which part a clause belongs to.
    return {word for word in re.findall(r"[a-z']+", text.lower()) if len(word) > 3}
