"""`flask insight release`: make a differentially private release from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from skillsreg.accounts.services import find_user_by_email
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db

insight_cli = AppGroup("insight", help="Community skills insight and open-data releases.")


@insight_cli.command("release")
@click.option("--by", "email", default=None, help="Organiser making it; pushes go out as them.")
def release_command(email: str | None) -> None:
    """Make a release, publish it to the library and queue pushes to the publishing targets."""
    from skillsreg.insight import queries, services
    from skillsreg.insight.settings import budget

    actor = find_user_by_email(email) if email else None
    if email and (actor is None or not actor.is_organiser):
        raise click.ClickException(f"{email} is not an organiser's account")
    try:
        release = services.make_release(
            budget=budget(), actor=actor, now=utcnow(), url_base=current_app.config["BASE_URL"]
        )
        jobs = services.push_release(release, actor=actor, now=utcnow()) if actor else []
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    left = budget().total - queries.epsilon_spent()
    click.echo(
        f"Release {release.number} published (epsilon {release.epsilon:g}; {left:g} left)"
        + (f"; {len(jobs)} push(es) queued" if jobs else "")
    )
