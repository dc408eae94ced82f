"""`flask data ...`: personal-data housekeeping safe to run from cron."""

from __future__ import annotations

from flask.cli import AppGroup

data_cli = AppGroup("data", help="Personal data housekeeping.")
