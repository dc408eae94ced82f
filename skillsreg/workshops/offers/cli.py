"""`flask workshops ...` commands of the offers part."""

from __future__ import annotations

import mailbox
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from skillsreg.core.db import utcnow
from skillsreg.extensions import db


def add_commands(group: AppGroup) -> None:
    """Attach this part's commands to `flask workshops`."""
    group.add_command(expire_offers_command)
    group.add_command(process_replies_command)


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


def _reply_sources(files: tuple[str, ...], maildir: str | None) -> list[tuple[str, bytes]]:
    sources = [(name, Path(name).read_bytes()) for name in files]
    if maildir:
        box = mailbox.Maildir(maildir, factory=None, create=False)
        sources += [(f"{maildir}:{key}", box.get_bytes(key)) for key in sorted(box.keys())]
    return sources


@click.command("process-replies")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--maildir",
    type=click.Path(exists=True, file_okay=False),
    help="Read every message of this Maildir (the organisers' mailbox).",
)
def process_replies_command(files: tuple[str, ...], maildir: str | None) -> None:
    """Act on calendar replies (.eml or .ics): a decline gives up the place.

    The place goes to the waiting list as when someone withdraws on the site. Safe to run
    again on the same messages: a place already given up is left alone.
    """
    from skillsreg.workshops.offers.replies import process_reply

    sources = _reply_sources(files, maildir)
    if not sources:
        raise click.UsageError("Give reply files or --maildir DIR")
    declined = 0
    for name, data in sources:
        for outcome in process_reply(data, now=utcnow()):
            declined += outcome.is_declined
            who = outcome.attendee or "unknown sender"
            click.echo(f"{name}: {who}: {outcome.result}")
            for offer in outcome.offers:
                choice = offer.choice
                click.echo(f"offered: {choice.workshop.slug} to {choice.eoi.user.email}")
    db.session.commit()
    click.echo(
        f"{len(sources)} messages read, {declined} places given up; "
        "their emails are queued for delivery"
    )
