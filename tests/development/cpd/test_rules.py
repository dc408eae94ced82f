"""The pure rules of the CPD record: hours typed and shown, and a year's totals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from skillsreg.development.cpd.rules import (
    Entry,
    format_hours,
    hours_phrase,
    parse_hours,
    workshop_minutes,
    year_totals,
    years_with_entries,
)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("2", 120), ("1.5", 90), (" 0.25 ", 15), ("3 hours", 180), ("1 hour", 60), ("0.01", 1)],
)
def test_hours_are_read_as_minutes(typed, minutes):
    assert parse_hours(typed) == minutes


@pytest.mark.parametrize("typed", ["", "two", "0", "-1", "1,5.2", "nan", "inf", "0.001"])
def test_hours_that_are_not_a_positive_number_are_refused(typed):
    assert parse_hours(typed) is None


@pytest.mark.parametrize(
    ("minutes", "shown"), [(90, "1.5"), (360, "6"), (20, "0.33"), (15, "0.25"), (0, "0")]
)
def test_hours_are_shown_without_needless_decimals(minutes, shown):
    assert format_hours(minutes) == shown


def test_one_hour_is_singular():
    assert (hours_phrase(60), hours_phrase(150)) == ("1 hour", "2.5 hours")


def test_a_workshop_lasts_from_its_start_to_its_end():
    start = datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert workshop_minutes(start, start.replace(hour=16)) == 360


SKILLS = {
    "ACCS": ("Accessibility", "accessibility"),
    "INCL": ("Digital inclusion", "accessibility"),
    "TEAM": ("Managing web teams", "leadership"),
}
CATEGORIES = {"accessibility": "Accessibility", "leadership": "Leadership"}


def totals(entries, **kwargs):
    return year_totals(
        entries, year=2026, kind_labels={"course": "Course", "reading": "Reading"},
        skills=SKILLS, categories=CATEGORIES, **kwargs,
    )  # fmt: skip


def test_totals_sum_one_year_by_kind_category_and_skill():
    result = totals(
        [
            Entry(date(2026, 3, 1), 120, "course", ("ACCS", "INCL")),
            Entry(date(2026, 5, 1), 60, "reading", ("TEAM",)),
            Entry(date(2026, 6, 1), 30, "reading", ()),
            Entry(date(2025, 12, 31), 600, "course", ("ACCS",)),  # another year
        ]
    )
    assert result.minutes == 210
    assert [(t.label, t.minutes) for t in result.by_kind] == [("Course", 120), ("Reading", 90)]
    # Two skills of one category count the activity once toward the category...
    assert [(t.label, t.minutes) for t in result.by_category] == [
        ("Accessibility", 120),
        ("Leadership", 60),
    ]
    # ...and in full toward each skill.
    assert [(t.key, t.minutes) for t in result.by_skill] == [
        ("ACCS", 120),
        ("INCL", 120),
        ("TEAM", 60),
    ]


def test_a_skill_the_framework_no_longer_has_is_still_counted_under_its_code():
    result = totals([Entry(date(2026, 1, 2), 45, "course", ("GONE",))])
    assert [(t.key, t.label, t.minutes) for t in result.by_skill] == [("GONE", "GONE", 45)]
    assert result.by_category == []
    assert result.unmatched_skills == ["GONE"]


def test_progress_against_a_target():
    result = totals([Entry(date(2026, 1, 2), 15 * 60, "course")], target_hours=30)
    assert (result.percent_of_target, result.remaining_minutes) == (50, 15 * 60)
    assert not result.has_met_target
    done = totals([Entry(date(2026, 1, 2), 31 * 60, "course")], target_hours=30)
    assert (done.percent_of_target, done.remaining_minutes, done.has_met_target) == (100, 0, True)
    assert totals([]).percent_of_target is None


def test_years_offered_always_include_this_year():
    days = [date(2024, 1, 1), date(2026, 1, 1), date(2024, 6, 1)]
    assert years_with_entries(days, this_year=2027) == [2027, 2026, 2024]
