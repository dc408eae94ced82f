"""`flask workshops ...` commands of the offers part."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from skillsreg.core.db import utcnow
from skillsreg.extensions import db


def add_commands(group: AppGroup) -> None:
    """Attach this part's commands to `flask workshops`."""
    group.add_command(expire_offers_command)


@click.command("expire-offers")
def expire_offers_command() -> None:
    """Expire unanswered offers past their date and offer the places to the waiting list.

    Safe to run from cron as often as you like: an offer is only ever expired once.
    """
    from skillsreg.workshops.offers.services import expire_offers

    result = expire_offers(now=utcnow(), expiry_days=current_app.config.get("OFFER_EXPIRY_DAYS", 5))
    db.session.commit()
    for offer in result.expired:
        choice = offer.choice
        click.echo(
            f"expired: offer {offer.id} to {choice.eoi.user.email} for {choice.workshop.slug}"
        )
    for offer in result.offered:
        choice = offer.choice
        click.echo(f"offered: {choice.workshop.slug} to {choice.eoi.user.email} (offer {offer.id})")
    click.echo(
        f"{len(result.expired)} expired, {len(result.offered)} offered from waiting lists; "
        "their emails are queued for delivery"
    )
