"""Pure review logic (no Flask, no SQLAlchemy): reading a reviewer's answers, making the result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

AGREE = "agree"
NOT_APPLICABLE = "na"
COMMENT_LIMIT = 2000


@dataclass(frozen=True)
class Level:
    """A level given to a skill: a number, or not applicable (number None)."""

    number: int | None
    is_not_applicable: bool = False

    @classmethod
    def na(cls) -> Level:
        return cls(None, is_not_applicable=True)


@dataclass(frozen=True)
class ReviewedSkill:
    """What the reviewer said of one skill."""

    code: str
    agrees: bool
    level: Level
    comment: str


@dataclass(frozen=True)
class ResultRating:
    """A skill in the validated assessment: its level and whether the reviewer confirmed it."""

    code: str
    level: Level
    is_validated: bool


class AnswerError(ValueError):
    """A reviewer's answer for a skill cannot be used; `code` names the skill."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_answer(
    code: str, own: Level, choice: str | None, comment: str, levels: Iterable[int]
) -> ReviewedSkill:
    """Turn a reviewer's choice ("agree", a level number or "na") into what they said.

    Choosing the member's own level counts as agreeing; another level needs a comment saying why.
    """
    comment = comment.strip()
    if len(comment) > COMMENT_LIMIT:
        raise AnswerError(code, f"Comment must be {COMMENT_LIMIT:,} characters or fewer")
    if not choice:
        raise AnswerError(code, "Say whether you agree, or choose another level")
    if choice == AGREE:
        return ReviewedSkill(code, True, own, comment)
    if choice == NOT_APPLICABLE:
        level = Level.na()
    elif choice.isdigit() and int(choice) in set(levels):
        level = Level(int(choice))
    else:
        raise AnswerError(code, "Choose one of the levels shown, or not applicable")
    if level == own:
        return ReviewedSkill(code, True, own, comment)
    if not comment:
        raise AnswerError(code, "Say why you chose another level")
    return ReviewedSkill(code, False, level, comment)


def validated_ratings(
    own: Mapping[str, Level], reviewed: Mapping[str, ReviewedSkill], accepted: Iterable[str]
) -> list[ResultRating]:
    """The ratings of a validated assessment, in the order of the member's own.

    A skill the reviewer agreed with keeps its level, validated; a level the member accepts
    from the reviewer replaces theirs, validated; anything else keeps the member's level and
    is not validated.
    """
    chosen = set(accepted)
    result = []
    for code, level in own.items():
        answer = reviewed.get(code)
        if answer is not None and answer.agrees:
            result.append(ResultRating(code, level, True))
        elif answer is not None and code in chosen:
            result.append(ResultRating(code, answer.level, True))
        else:
            result.append(ResultRating(code, level, False))
    return result
