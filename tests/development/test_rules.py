"""Pure development-plan rules: proposing goals, progress, tracing skills across versions."""

from __future__ import annotations

from datetime import date

import pytest

from skillsreg.development.rules import (
    GoalProgress,
    add_months,
    commitment_statement,
    goal_progress,
    is_due_for_answer,
    level_for_goal,
    may_answer,
    next_level_code,
    plan_progress,
    propose_goals,
    trace_skill,
    trace_through,
)


def test_goals_are_the_skills_rated_below_the_profile_biggest_gap_first():
    ratings = {"CONT": 3, "EDIT": 1, "ACCS": 2, "SRCH": None}
    expected = {"CONT": 3, "EDIT": 4, "ACCS": 3, "SRCH": 2, "WEBA": 2}
    goals = propose_goals(ratings, expected, order=["CONT", "EDIT", "ACCS", "SRCH", "WEBA"])

    assert [(g.code, g.start_level, g.target_level, g.shortfall) for g in goals] == [
        ("EDIT", 1, 4, 3),
        ("SRCH", None, 2, 2),
        ("WEBA", None, 2, 2),
        ("ACCS", 2, 3, 1),
    ]


def test_skills_met_or_exceeded_or_outside_the_profile_are_not_goals():
    goals = propose_goals({"CONT": 4, "EDIT": 3}, {"CONT": 3, "EDIT": 3}, order=["CONT", "EDIT"])
    assert goals == []


def test_the_next_role_level_follows_the_role_order_and_stops_at_the_top():
    assert next_level_code(["assistant", "manager", "head"], "assistant") == "manager"
    assert next_level_code(["assistant", "manager", "head"], "head") is None
    assert next_level_code(["assistant"], "unknown") is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_adding_months_keeps_the_day_or_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_goal_progress_reports_reached_progressing_and_not_started():
    reached = goal_progress(1, 3, 3, assessed=True, successor_needed=False)
    progressing = goal_progress(1, 2, 4, assessed=True, successor_needed=False)
    stalled = goal_progress(2, 2, 3, assessed=True, successor_needed=False)

    assert (reached.status, reached.gained, reached.needed) == ("reached", 2, 2)
    assert (progressing.status, progressing.gained, progressing.needed) == ("progressing", 1, 3)
    assert (stalled.status, stalled.gained) == ("not-started", 0)


def test_goal_progress_without_a_later_assessment_or_with_a_split_skill():
    assert goal_progress(1, None, 3, assessed=False, successor_needed=False).status == (
        "not-assessed"
    )
    assert goal_progress(1, None, 3, assessed=True, successor_needed=True).status == (
        "needs-successor"
    )


def test_going_beyond_the_target_counts_only_up_to_the_target():
    assert GoalProgress(1, 5, 3, "reached").gained == 2


def test_plan_progress_adds_up_its_goals():
    progress = plan_progress(
        [
            goal_progress(1, 3, 3, assessed=True, successor_needed=False),
            goal_progress(None, 1, 4, assessed=True, successor_needed=False),
        ]
    )
    assert (progress.goals, progress.reached, progress.gained, progress.needed) == (2, 1, 3, 6)
    assert progress.percent == 50


RELATIONS = {
    "ACCS": ("changed", ["ACCS"]),
    "EDIT": ("split", ["EDIT"]),
    "PUBL": ("split", ["EDIT"]),
    "SORC": ("merged", ["SUPL", "PROC"]),
    "CONT": ("reworded", ["CONT"]),
    "AIUS": ("new", []),
}


def test_a_changed_skill_is_followed_to_its_successor():
    trace = trace_skill("ACCS", RELATIONS)
    assert (trace.code, trace.relation) == ("ACCS", "changed")


def test_a_split_skill_offers_each_part_to_choose_from():
    trace = trace_skill("EDIT", RELATIONS)
    assert trace.code is None
    assert (trace.relation, trace.choices) == ("split", ("EDIT", "PUBL"))


def test_a_merged_skill_is_followed_to_the_skill_combining_it():
    trace = trace_skill("PROC", RELATIONS)
    assert (trace.code, trace.relation, trace.merged_from) == ("SORC", "merged", ("SUPL", "PROC"))


def test_a_retired_skill_has_no_successor():
    trace = trace_skill("DOCA", RELATIONS)
    assert (trace.code, trace.relation) == (None, "retired")


def test_tracing_through_several_versions_keeps_the_strongest_change():
    later = {"ACCS": ("unchanged", ["ACCS"])}
    trace = trace_through("ACCS", [RELATIONS, later])
    assert (trace.code, trace.relation) == ("ACCS", "changed")
    assert trace_through("DOCA", [RELATIONS, later]).code is None
    assert trace_through("ACCS", []).code == "ACCS"


def test_the_level_for_a_goal_comes_from_the_traced_skill():
    trace = trace_skill("PROC", RELATIONS)
    assert level_for_goal(trace, {"SORC": 3}) == (True, 3)
    assert level_for_goal(trace, {"ACCS": 3}) == (False, None)


def test_a_commitment_reads_as_a_promise_with_its_date():
    statement = commitment_statement(date(2027, 3, 31), "Practitioner", "Accessibility")
    assert statement == "By 31 March 2027 I will reach Practitioner in Accessibility"


def test_a_commitment_asks_for_an_answer_from_its_date_while_open():
    due = date(2027, 3, 31)
    assert not is_due_for_answer(due, date(2027, 3, 30), is_open=True)
    assert is_due_for_answer(due, due, is_open=True)
    assert not is_due_for_answer(due, date(2027, 4, 1), is_open=False)


def test_kept_can_be_said_early_but_missed_and_renewed_wait_for_the_date():
    due, early = date(2027, 3, 31), date(2027, 1, 1)
    assert may_answer("kept", due, early, is_open=True)
    assert not may_answer("missed", due, early, is_open=True)
    assert not may_answer("renewed", due, early, is_open=True)
    assert may_answer("missed", due, due, is_open=True)
    assert not may_answer("kept", due, due, is_open=False)
