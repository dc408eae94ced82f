"""Pure rules of the CPD record: hours, years and the totals by kind, category and skill."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

MINUTES_PER_HOUR = 60


def parse_hours(text: str) -> int | None:
    """Minutes from hours typed as 2, 1.5 or 0.25; None for anything else or not above zero."""
    cleaned = text.strip().lower().removesuffix("hours").removesuffix("hour").strip()
    try:
        hours = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not hours.is_finite() or hours <= 0:
        return None
    minutes = int((hours * MINUTES_PER_HOUR).to_integral_value())
    return minutes if minutes > 0 else None


def format_hours(minutes: int) -> str:
    """Hours for people: 90 minutes is "1.5", 360 is "6", 20 is "0.33"."""
    hours = Decimal(minutes) / MINUTES_PER_HOUR
    text = f"{hours.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


def hours_phrase(minutes: int) -> str:
    """ "1 hour", "2.5 hours"."""
    text = format_hours(minutes)
    return f"{text} hour" if text == "1" else f"{text} hours"


def workshop_minutes(starts_at: datetime, ends_at: datetime) -> int:
    """The length of a workshop in whole minutes, at least one."""
    return max(1, int((ends_at - starts_at).total_seconds() // 60))


@dataclass(frozen=True)
class Entry:
    """What the totals need from one activity."""

    done_on: date
    minutes: int
    kind: str
    skill_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Total:
    key: str
    label: str
    minutes: int


@dataclass(frozen=True)
class YearTotals:
    """One year's hours overall, by kind, by category and by skill, against the target."""

    year: int
    minutes: int
    by_kind: list[Total]
    by_category: list[Total]
    by_skill: list[Total]
    target_hours: int | None = None
    unmatched_skills: list[str] = field(default_factory=list)

    @property
    def target_minutes(self) -> int | None:
        return self.target_hours * MINUTES_PER_HOUR if self.target_hours else None

    @property
    def remaining_minutes(self) -> int | None:
        target = self.target_minutes
        return None if target is None else max(0, target - self.minutes)

    @property
    def percent_of_target(self) -> int | None:
        target = self.target_minutes
        return None if not target else min(100, round(100 * self.minutes / target))

    @property
    def has_met_target(self) -> bool:
        return self.remaining_minutes == 0


def year_totals(
    entries: Iterable[Entry],
    *,
    year: int,
    kind_labels: Mapping[str, str],
    skills: Mapping[str, tuple[str, str]],
    categories: Mapping[str, str],
    target_hours: int | None = None,
) -> YearTotals:
    """Sum one year's entries; `skills` maps a code to (name, category code).

    An activity that developed several skills counts in full toward each of them, and once
    toward each of their categories, so skill and category totals may add up to more than the
    year's hours.
    """
    kinds: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_skill: Counter[str] = Counter()
    unmatched: set[str] = set()
    minutes = 0
    for entry in entries:
        if entry.done_on.year != year:
            continue
        minutes += entry.minutes
        kinds[entry.kind] += entry.minutes
        codes = dict.fromkeys(entry.skill_codes)
        for code in codes:
            by_skill[code] += entry.minutes
            if code not in skills:
                unmatched.add(code)
        for category in dict.fromkeys(skills[c][1] for c in codes if c in skills):
            by_category[category] += entry.minutes
    return YearTotals(
        year=year,
        minutes=minutes,
        by_kind=[Total(k, kind_labels.get(k, k), m) for k, m in _ranked(kinds)],
        by_category=[Total(c, categories.get(c, c), m) for c, m in _ranked(by_category)],
        by_skill=[
            Total(code, skills[code][0] if code in skills else code, m)
            for code, m in _ranked(by_skill)
        ],
        target_hours=target_hours,
        unmatched_skills=sorted(unmatched),
    )


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def years_with_entries(days: Iterable[date], *, this_year: int) -> list[int]:
    """The years to offer, newest first: every year with an entry, and always this one."""
    return sorted({day.year for day in days} | {this_year}, reverse=True)
