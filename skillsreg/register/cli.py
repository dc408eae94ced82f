"""`flask data ...`: personal-data housekeeping safe to run from cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.register.personal_data import purge_access_needs

data_cli = AppGroup("data", help="Personal data housekeeping.")


@data_cli.command("purge")
def purge() -> None:
    """Clear access needs from expressions of interest once all their workshops have ended."""
    cleared, kept = purge_access_needs(now=utcnow())
    db.session.commit()
    click.echo(f"Access needs cleared: {cleared}")
    click.echo(f"Access needs kept for workshops still to come: {kept}")
