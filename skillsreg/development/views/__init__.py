"""The development blueprint: plans from assessment gaps, goals, activities and commitments."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("development", __name__, url_prefix="/development")

# Each module adds its routes to `bp`.
from skillsreg.development.views import commitments, goals, plans  # noqa: E402, F401
