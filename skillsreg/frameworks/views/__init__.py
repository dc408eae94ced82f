"""The frameworks blueprint: public browsing, consultation, and the organisers' editor."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")

# Each module adds its routes to `bp`.
from skillsreg.frameworks.views import browse, consultation, editor  # noqa: E402, F401
