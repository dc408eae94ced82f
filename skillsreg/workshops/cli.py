"""`flask workshops ...`: selection rounds and offers (see selection/cli.py, offers/cli.py)."""

from __future__ import annotations

from flask.cli import AppGroup

workshops_cli = AppGroup("workshops", help="Workshop selection rounds and offers.")


def register_commands() -> None:
    """Attach the commands each part of the workshops domain defines."""
    from skillsreg.workshops.offers.cli import add_commands as add_offer_commands
    from skillsreg.workshops.selection.cli import add_commands as add_selection_commands

    add_selection_commands(workshops_cli)
    add_offer_commands(workshops_cli)


register_commands()
