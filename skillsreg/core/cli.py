"""`flask demo ...` and `flask mail ...` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from skillsreg.core.db import utcnow
from skillsreg.core.demo import DEMO_ACCOUNTS, load_demo_accounts, load_shipped_frameworks
from skillsreg.core.mail import requeue_pending_mail
from skillsreg.credentials.demo import load_demo_credentials
from skillsreg.development.cpd.demo import load_demo_cpd_record
from skillsreg.development.demo import load_demo_plan
from skillsreg.extensions import db
from skillsreg.insight.demo import load_demo_community, load_demo_release
from skillsreg.insight.settings import budget
from skillsreg.library.demo import load_demo_documents, load_demo_downloads
from skillsreg.reviews.demo import load_demo_reviews
from skillsreg.workshops.demo import load_demo_round_tables, load_demo_workshops

demo_cli = AppGroup("demo", help="Demonstration data for development.")
mail_cli = AppGroup("mail", help="The email outbox.")


@demo_cli.command("load")
def load_demo() -> None:
    """Load the shipped framework and demo accounts and data (development only; idempotent)."""
    if not current_app.config.get("DEMO_DATA"):
        raise click.ClickException("Demo data is only loaded in development (SKILLSREG_ENV).")
    for message in load_shipped_frameworks(Path(current_app.config["FRAMEWORKS_DIR"])):
        click.echo(message)
    created = load_demo_accounts()
    load_demo_workshops(utcnow())
    round_tables = load_demo_round_tables(utcnow())
    load_demo_documents(utcnow(), base_url=current_app.config["BASE_URL"])
    load_demo_reviews(utcnow())
    load_demo_credentials(utcnow(), config=current_app.config)
    load_demo_plan(utcnow())
    load_demo_cpd_record(utcnow())
    community = load_demo_community(utcnow())
    load_demo_release(utcnow(), budget=budget(), url_base=current_app.config["BASE_URL"])
    load_demo_downloads(utcnow())
    db.session.commit()
    if community:
        click.echo(f"{community} demonstration members with self-assessments added.")
    click.echo(
        f"Demo workshops loaded; {len(round_tables)} closed round tables have applicants "
        "waiting for a selection round."
    )
    click.echo("Demo accounts (development only):")
    for account in DEMO_ACCOUNTS:
        mark = " (new)" if account["email"] in created else ""
        click.echo(
            f"  {account['role'].value:<14} {account['email']:<32} {account['password']}{mark}"
        )


@mail_cli.command("send")
def send_mail() -> None:
    """Queue again every email still waiting in the outbox (after an outage; safe to repeat)."""
    queued = requeue_pending_mail()
    click.echo(f"Queued {queued} email{'s' if queued != 1 else ''} for delivery.")
