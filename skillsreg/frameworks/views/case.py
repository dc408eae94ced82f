"""The CASE 1.1 item URIs of the framework export, resolved to each item's JSON."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify

from skillsreg.core.auth import public
from skillsreg.frameworks.case_items import find_case_item
from skillsreg.frameworks.exchange import CASE_PATH

case_bp = Blueprint("case", __name__, url_prefix=f"/{CASE_PATH}")


@case_bp.get("/CFItems/<uuid:identifier>")
@public
def show_case_item(identifier):
    item = find_case_item(str(identifier), base_url=current_app.config["BASE_URL"])
    if item is None:
        abort(404)
    response = jsonify(item)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
