"""Pure rules of reminders: which period a day falls in, and whether a member is due one."""

from __future__ import annotations

from datetime import date

MONTHLY = "monthly"
QUARTERLY = "quarterly"
RHYTHMS = (MONTHLY, QUARTERLY)


def period_start(rhythm: str, today: date) -> date:
    """The first day of the month or quarter that `today` is in."""
    if rhythm == MONTHLY:
        return today.replace(day=1)
    if rhythm == QUARTERLY:
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    raise ValueError(f"no periods for rhythm {rhythm!r}")


def period_key(rhythm: str, today: date) -> str:
    """The period's name, unique per member in the record of sends: 2026-12 or 2026-Q4."""
    if rhythm == MONTHLY:
        return f"{today:%Y-%m}"
    if rhythm == QUARTERLY:
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    raise ValueError(f"no periods for rhythm {rhythm!r}")


def due_period(rhythm: str, today: date, last_sent_on: date | None) -> str | None:
    """The period to send a reminder for today, or None when none is due.

    One reminder per period: none if one was already sent since the period began, whatever
    the rhythm was then (so changing from monthly to quarterly mid-month sends nothing twice).
    """
    if rhythm not in RHYTHMS:
        return None
    if last_sent_on is not None and last_sent_on >= period_start(rhythm, today):
        return None
    return period_key(rhythm, today)


def subject_line(rhythm: str, today: date) -> str:
    """ "Your development this month: December 2026" or "... this quarter: October to December"."""
    if rhythm == QUARTERLY:
        start = period_start(rhythm, today)
        end = date(start.year, start.month + 2, 1)
        return f"Your development this quarter: {start:%B} to {end:%B %Y}"
    return f"Your development this month: {today:%B %Y}"
