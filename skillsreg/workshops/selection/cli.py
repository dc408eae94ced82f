"""`flask workshops ...` commands of the selection part."""

from __future__ import annotations

from flask.cli import AppGroup


def add_commands(group: AppGroup) -> None:
    """Attach this part's commands to `flask workshops`."""
