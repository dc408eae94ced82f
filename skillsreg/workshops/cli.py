"""`flask workshops ...`: selection rounds and offers (see selection/cli.py, offers/cli.py)."""

from __future__ import annotations

import functools

import click
from flask.cli import AppGroup

from skillsreg.core.lazy import LazyCommand, finish_app_setup

workshops_cli = AppGroup("workshops", help="Workshop selection rounds and offers.")


def _offer_command(name: str) -> click.Command:
    """Load an offers command with the finished app (it works on the database)."""
    from skillsreg.workshops.offers import cli

    finish_app_setup()
    command: click.Command = {
        "expire-offers": cli.expire_offers_command,
        "process-replies": cli.process_replies_command,
    }[name]
    return command


def register_commands() -> None:
    """Attach the commands each part of the workshops domain defines.

    `allocate` solves a file and never needs the database or the web pages, so it runs without
    them (its start-up is part of the time it is measured by).
    """
    from skillsreg.workshops.selection.cli import add_commands as add_selection_commands

    add_selection_commands(workshops_cli)
    for name, short_help in (
        ("expire-offers", "Expire unanswered offers; offer the places to the waiting list."),
        (
            "process-replies",
            "Act on calendar replies: a decline gives up the place.",
        ),
    ):
        load = functools.partial(_offer_command, name)
        workshops_cli.add_command(LazyCommand(name, load, short_help=short_help))


register_commands()
