"""Reading a reviewer's answers and making the validated ratings: plain functions."""

from __future__ import annotations

import pytest

from skillsreg.reviews.rules import (
    AnswerError,
    Level,
    ReviewedSkill,
    read_answer,
    validated_ratings,
)

LEVELS = [1, 2, 3, 4, 5]


def test_agreeing_keeps_the_members_level():
    answer = read_answer("CONT", Level(3), "agree", "", LEVELS)

    assert (answer.agrees, answer.level) == (True, Level(3))


def test_choosing_the_members_own_level_counts_as_agreeing():
    assert read_answer("CONT", Level(3), "3", "", LEVELS).agrees
    assert read_answer("CONT", Level.na(), "na", "", LEVELS).agrees


def test_another_level_is_kept_with_its_comment():
    answer = read_answer("CONT", Level(3), "4", "  Leads the team ", LEVELS)

    assert (answer.agrees, answer.level, answer.comment) == (False, Level(4), "Leads the team")
    assert read_answer("CONT", Level(3), "na", "Not their job", LEVELS).level == Level.na()


@pytest.mark.parametrize(
    ("choice", "comment", "message"),
    [
        (None, "", "Say whether you agree"),
        ("", "", "Say whether you agree"),
        ("4", "", "Say why"),
        ("4", "   ", "Say why"),
        ("9", "Why", "Choose one of the levels shown"),
        ("four", "Why", "Choose one of the levels shown"),
        ("4", "x" * 2001, "2,000 characters"),
    ],
)
def test_unusable_answers_are_refused_naming_the_skill(choice, comment, message):
    with pytest.raises(AnswerError, match=message) as caught:
        read_answer("CONT", Level(3), choice, comment, LEVELS)

    assert caught.value.code == "CONT"


def _reviewed(**answers):
    return {
        code: ReviewedSkill(code, level is None, level or Level(0), "")
        for code, level in answers.items()
    }


def test_validated_ratings_take_agreed_and_accepted_levels_only():
    own = {"A": Level(3), "B": Level(2), "C": Level.na(), "D": Level(4)}
    reviewed = _reviewed(A=None, B=Level(3), C=Level(1))

    result = validated_ratings(own, reviewed, accepted=["B", "D"])

    assert [(r.code, r.level, r.is_validated) for r in result] == [
        ("A", Level(3), True),
        ("B", Level(3), True),
        ("C", Level.na(), False),
        ("D", Level(4), False),  # not reviewed: accepting it means nothing
    ]
