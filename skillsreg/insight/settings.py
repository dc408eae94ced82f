"""The insight settings of the running app, checked: k and the privacy budget."""

from __future__ import annotations

from flask import current_app

from skillsreg.insight.rules import check_min_cell
from skillsreg.insight.services import Budget


def min_cell() -> int:
    """INSIGHT_MIN_CELL, refused when under 5."""
    return check_min_cell(int(current_app.config["INSIGHT_MIN_CELL"]))


def budget() -> Budget:
    """The privacy budget per release and in total, and the cap on each person's ratings."""
    config = current_app.config
    return Budget(
        per_release=float(config["INSIGHT_EPSILON_PER_RELEASE"]),
        total=float(config["INSIGHT_EPSILON_TOTAL"]),
        max_ratings=int(config["INSIGHT_MAX_RATINGS_PER_PERSON"]),
        shares=str(config["INSIGHT_RELEASE_SHARES"]),
    )
