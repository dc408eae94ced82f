"""`flask reminders send`: email the reminders due this period (safe to run from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from skillsreg.core.db import utcnow
from skillsreg.extensions import db

reminders_cli = AppGroup("reminders", help="Reminder emails about members' development.")


@reminders_cli.command("send")
def send_command() -> None:
    """Queue the reminder of every member due one this month or quarter.

    Safe to run from cron as often as you like: each member gets at most one per period.
    """
    from skillsreg.development.reminders.services import send_reminders

    result = send_reminders(now=utcnow())
    db.session.commit()
    for address in result.sent:
        click.echo(f"queued: {address}")
    click.echo(
        f"{len(result.sent)} reminder{'s' if len(result.sent) != 1 else ''} queued; "
        f"{result.skipped} already sent this period"
    )
