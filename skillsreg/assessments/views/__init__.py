"""The self-assessment blueprint: members rate themselves against the framework and see gaps."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments")

# Each module adds its routes to `bp`.
from skillsreg.assessments.views import answering, results  # noqa: E402, F401
