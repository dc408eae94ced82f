"""Pages of the selection domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("selection", __name__, url_prefix="/workshops/organise/rounds")
