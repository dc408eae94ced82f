"""`flask users ...` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from skillsreg.accounts import services
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
@click.password_option(prompt="Password (12 characters or more)", confirmation_prompt=True)
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account, or make an existing account an administrator."""
    try:
        user = services.create_administrator(
            email=email, password=password, name=name, now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")
