"""`flask data ...`: personal-data housekeeping safe to run from cron."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from skillsreg.accounts.confirmation import purge_unconfirmed_accounts
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.register.personal_data import purge_access_needs

data_cli = AppGroup("data", help="Personal data housekeeping.")


@data_cli.command("purge")
def purge() -> None:
    """Clear access needs once all their workshops have ended; remove never-confirmed accounts."""
    cleared, kept = purge_access_needs(now=utcnow())
    db.session.commit()
    click.echo(f"Access needs cleared: {cleared}")
    click.echo(f"Access needs kept for workshops still to come: {kept}")
    days = current_app.config["UNCONFIRMED_ACCOUNT_DAYS"]
    removed = purge_unconfirmed_accounts(now=utcnow(), days=days)
    db.session.commit()
    click.echo(f"Accounts never confirmed within {days} days removed: {removed}")
