"""Pages of the offers domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("offers", __name__, url_prefix="/workshops")
