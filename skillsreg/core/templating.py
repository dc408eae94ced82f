"""Values every template receives: service name, navigation, CSP nonce."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request, url_for
from flask_login import current_user

# (label, endpoint, blueprints whose pages mark the item current)
NAVIGATION: list[tuple[str, str, tuple[str, ...]]] = [
    ("Frameworks", "frameworks.list_frameworks", ("frameworks",)),
    ("Self-assessment", "assessments.list_assessments", ("assessments",)),
    ("Workshops", "workshops.list_workshops", ("workshops", "selection", "offers")),
    ("Register", "register.list_snapshots", ("register",)),
    ("Library", "library.list_documents", ("library",)),
]


def navigation_items() -> list[dict[str, Any]]:
    """The service navigation, with the current section marked."""
    items = []
    for label, endpoint, blueprints in NAVIGATION:
        current = request.blueprint in blueprints
        items.append({"text": label, "href": url_for(endpoint), "active": current})
    if current_user.is_authenticated and current_user.is_administrator:
        items.append(
            {
                "text": "Admin",
                "href": url_for("admin.list_users"),
                "active": request.blueprint == "admin",
            }
        )
    return items


def template_context() -> dict[str, Any]:
    """Context shared by every page."""
    return {
        "service_name": current_app.config["SERVICE_NAME"],
        "csp_nonce": g.get("csp_nonce"),
        "navigation_items": navigation_items,
        "is_demo": current_app.config.get("DEMO_DATA", False),
    }
