"""Choosing a reminder rhythm, unsubscribing, and sending the reminders that are due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core import audit
from skillsreg.core.mail import queue_mail
from skillsreg.development.reminders.content import reminder_content
from skillsreg.development.reminders.links import reminder_links
from skillsreg.development.reminders.models import ReminderPreference, ReminderSend, Rhythm
from skillsreg.development.reminders.rules import due_period, subject_line
from skillsreg.extensions import db
from skillsreg.workshops.queries import in_london


def rhythm_of(user: User) -> Rhythm:
    """How often the member wants reminders (none until they choose)."""
    preference = db.session.get(ReminderPreference, user.id)
    return preference.rhythm if preference else Rhythm.NONE


def set_rhythm(user: User, *, rhythm: Rhythm, source: str, now: datetime) -> None:
    """Record how often the member wants reminders; `source` says how they chose."""
    preference = db.session.get(ReminderPreference, user.id)
    if preference is None:
        preference = ReminderPreference(user_id=user.id)
        db.session.add(preference)
    if preference.rhythm is rhythm and preference.changed_at is not None:
        return
    preference.rhythm = rhythm
    preference.changed_at = now
    audit.record(
        "reminders.rhythm", actor=user, subject_type="user", subject_id=user.id,
        rhythm=rhythm.value, source=source,
    )  # fmt: skip
    db.session.flush()


def unsubscribe(user: User, *, now: datetime) -> None:
    """Stop the member's reminders, from the one-click link in one of them."""
    set_rhythm(user, rhythm=Rhythm.NONE, source="unsubscribe link", now=now)


@dataclass(frozen=True)
class SendResult:
    sent: list[str]
    skipped: int


def _last_sent(user_ids: list[int]) -> dict[int, datetime]:
    rows = db.session.execute(
        sa.select(ReminderSend.user_id, sa.func.max(ReminderSend.sent_at).label("last"))
        .where(ReminderSend.user_id.in_(user_ids))
        .group_by(ReminderSend.user_id)
    )
    return {row.user_id: row.last for row in rows}


def _subscribers() -> list[tuple[User, Rhythm]]:
    rows = db.session.execute(
        sa.select(User, ReminderPreference.rhythm)
        .join(ReminderPreference, ReminderPreference.user_id == User.id)
        .where(
            ReminderPreference.rhythm != Rhythm.NONE,
            User.erased_at.is_(None),
            User.email_confirmed_at.is_not(None),
        )
        .order_by(User.id)
    )
    return [(user, rhythm) for user, rhythm in rows]


def send_reminders(*, now: datetime) -> SendResult:
    """Queue the reminder of every member due one in this period; safe to run again.

    Each send is recorded with a unique (member, period) key before its email is queued, in
    the same transaction: a second run, or one running at the same moment, sends nothing twice.
    """
    today = in_london(now).date()
    subscribers = _subscribers()
    last_sent = _last_sent([user.id for user, _ in subscribers])
    sent, skipped = [], 0
    for user, rhythm in subscribers:
        previous = last_sent.get(user.id)
        period = due_period(rhythm.value, today, in_london(previous).date() if previous else None)
        if period is None or not _claim(user, rhythm=rhythm, period=period, now=now):
            skipped += 1
            continue
        _queue_reminder(user, rhythm=rhythm, now=now)
        sent.append(user.email)
    return SendResult(sent=sent, skipped=skipped)


def _claim(user: User, *, rhythm: Rhythm, period: str, now: datetime) -> bool:
    """Record the send for the period; False when another run recorded it first."""
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSend(user_id=user.id, period=period, rhythm=rhythm, sent_at=now))
    except sa.exc.IntegrityError:
        return False
    return True


def _queue_reminder(user: User, *, rhythm: Rhythm, now: datetime) -> None:
    links = reminder_links(user)
    queue_mail(
        to=user.email,
        subject=subject_line(rhythm.value, in_london(now).date()),
        template="development_reminder",
        headers={
            "List-Unsubscribe": f"<{links.one_click_unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        user=user,
        rhythm=rhythm,
        content=reminder_content(user, now=now),
        links=links,
    )


def erase_reminders(user: User) -> None:
    """Delete the rhythm and the record of reminders of a member whose account is erased."""
    db.session.execute(sa.delete(ReminderSend).where(ReminderSend.user_id == user.id))
    db.session.execute(sa.delete(ReminderPreference).where(ReminderPreference.user_id == user.id))
