"""The pure rules of reminders: periods, and when a member is due one."""

from __future__ import annotations

from datetime import date

import pytest

from skillsreg.development.reminders.rules import (
    due_period,
    period_key,
    period_start,
    subject_line,
)


@pytest.mark.parametrize(
    ("day", "monthly", "quarterly", "quarter_start"),
    [
        (date(2026, 1, 1), "2026-01", "2026-Q1", date(2026, 1, 1)),
        (date(2026, 3, 31), "2026-03", "2026-Q1", date(2026, 1, 1)),
        (date(2026, 4, 1), "2026-04", "2026-Q2", date(2026, 4, 1)),
        (date(2026, 12, 6), "2026-12", "2026-Q4", date(2026, 10, 1)),
    ],
)
def test_periods_are_calendar_months_and_quarters(day, monthly, quarterly, quarter_start):
    assert period_key("monthly", day) == monthly
    assert period_key("quarterly", day) == quarterly
    assert period_start("quarterly", day) == quarter_start
    assert period_start("monthly", day) == day.replace(day=1)


def test_a_first_reminder_is_due_at_once():
    assert due_period("monthly", date(2026, 12, 6), None) == "2026-12"


def test_nothing_is_due_twice_in_a_period():
    assert due_period("monthly", date(2026, 12, 20), date(2026, 12, 6)) is None
    assert due_period("monthly", date(2027, 1, 1), date(2026, 12, 6)) == "2027-01"
    assert due_period("quarterly", date(2026, 12, 31), date(2026, 10, 1)) is None
    assert due_period("quarterly", date(2027, 1, 2), date(2026, 12, 31)) == "2027-Q1"


def test_changing_rhythm_mid_period_sends_nothing_twice():
    # A monthly reminder went out on 3 November; switching to quarterly waits for January.
    assert due_period("quarterly", date(2026, 11, 20), date(2026, 11, 3)) is None


def test_no_rhythm_means_no_reminder():
    assert due_period("none", date(2026, 12, 6), None) is None
    with pytest.raises(ValueError, match="no periods"):
        period_key("none", date(2026, 12, 6))


def test_subject_names_the_period():
    assert (
        subject_line("monthly", date(2026, 12, 6)) == "Your development this month: December 2026"
    )
    assert subject_line("quarterly", date(2026, 11, 6)) == (
        "Your development this quarter: October to December 2026"
    )
