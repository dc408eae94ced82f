"""The demo CPD record: a year of entries, an attended workshop, a target and reminders."""

from __future__ import annotations

from datetime import timedelta

from skillsreg.accounts.services import find_user_by_email
from skillsreg.core.db import utcnow
from skillsreg.core.demo import load_demo_accounts
from skillsreg.development.cpd.demo import DEMO_MEMBER, ENTRIES, load_demo_cpd_record
from skillsreg.development.cpd.queries import cpd_record
from skillsreg.development.reminders.models import Rhythm
from skillsreg.development.reminders.services import rhythm_of
from skillsreg.workshops.queries import in_london


def test_the_demo_member_has_a_year_of_cpd_loaded_once(db, published):
    load_demo_accounts()
    now = utcnow()
    assert load_demo_cpd_record(now) == len(ENTRIES)
    assert load_demo_cpd_record(now) == 0
    member = find_user_by_email(DEMO_MEMBER)
    record = cpd_record(member)
    today = in_london(now).date()
    logged = [row for row in record.rows if not row.awaits_reflection]
    assert len(logged) == len(ENTRIES)
    assert all(today - timedelta(days=366) < row.done_on <= today for row in record.rows)
    [waiting] = [row for row in record.rows if row.awaits_reflection]
    assert (waiting.title, waiting.minutes) == ("Accessible forms clinic", 180)
    assert record.target_hours == 35
    assert rhythm_of(member) is Rhythm.MONTHLY
