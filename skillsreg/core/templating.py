"""Values every template receives (service name, navigation, CSP nonce) and shared filters."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, g, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_login import current_user


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals over the environment's, whose keys are a plain set.

    Jinja compares the importing template's global names with the imported one's
    (`ctx.globals_keys - template.globals.keys()`) on every `{% from ... import %}`, and the
    GOV.UK macros import each other on every call: with ChainMap's keys view each comparison
    looked every name up in both maps in Python, about a tenth of a page's CPU.
    """

    def keys(self) -> set[str]:  # type: ignore[override]
        """The names in any of the maps, now (a copy: later changes are not seen in it)."""
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, with globals that are quick to compare."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Any template's own globals over the environment's, as Jinja's own method does."""
        return TemplateGlobals({} if d is None else d, self.globals)


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


LONDON = ZoneInfo("Europe/London")


def govuk_date(value: date | datetime | None, *, time: bool = False) -> str:
    """A date the GOV.UK way, "1 December 2027" (in London), with "at 2:30pm" if asked."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(LONDON) if value.tzinfo else value
        text = f"{local.day} {local:%B %Y}"
        if not time:
            return text
        hour = local.hour % 12 or 12
        minutes = f":{local.minute:02d}" if local.minute else ""
        return f"{text} at {hour}{minutes}{'am' if local.hour < 12 else 'pm'}"
    return f"{value.day} {value:%B %Y}"


def pluralise(count: int, singular: str, plural: str | None = None) -> str:
    """The word that goes with a number: 1 place, 2 places, 0 places."""
    return singular if count == 1 else (plural or f"{singular}s")


FILTERS = {"govuk_date": govuk_date, "pluralise": pluralise}
