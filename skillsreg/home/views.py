"""A signed-in member's own home page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from skillsreg.core.auth import signed_in
from skillsreg.core.db import utcnow
from skillsreg.home.queries import home_page
from skillsreg.workshops import queries as workshop_queries

bp = Blueprint("home", __name__)


@bp.context_processor
def display_helpers() -> dict[str, Any]:
    return {"long_date": workshop_queries.long_date, "clock": workshop_queries.clock}


@bp.get("/home")
@signed_in
def show_home():
    return render_template(
        "home/show_home.html", page=home_page(current_user, now=utcnow()), title="Your home"
    )
