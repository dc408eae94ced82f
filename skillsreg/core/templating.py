"""Values every template receives (service name, navigation, CSP nonce) and shared filters."""

from __future__ import annotations

import threading
from collections import ChainMap, OrderedDict
from collections.abc import Callable, Hashable, MutableMapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, g, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_login import current_user
from markupsafe import Markup


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


# Layout parts kept per process (the phase banner, the service navigation for each person's links).
KEPT_MACROS = 1024
_kept: OrderedDict[Hashable, Markup] = OrderedDict()
_kept_lock = threading.Lock()


class _UnkeepableError(Exception):
    """A parameter this module cannot tell apart reliably from another; render afresh."""


def _frozen(value: Any) -> Hashable:
    """A hashable copy of a macro's parameters; Markup (shown as is) apart from text (escaped)."""
    if isinstance(value, Markup):
        return ("markup", str(value))
    if value is None or isinstance(value, str | bool | int):
        return (type(value).__name__, value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _frozen(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_frozen(v) for v in value))
    raise _UnkeepableError


def kept_macro(macro: Callable[[Any], Markup], params: dict[str, Any]) -> Markup:
    """A GOV.UK macro's HTML for these parameters, made once per process and then kept.

    For the layout's parts, which most pages repeat with the same parameters. GOV.UK macros
    read nothing but their parameters, and everything in them is the key, so the HTML kept for
    one person's links (their name, their form token) is only ever shown for the same ones.
    """
    return _kept_html(getattr(macro, "name", None), params, lambda: macro(params))


def _kept_html(name: Hashable, params: dict[str, Any], make: Callable[[], Markup]) -> Markup:
    try:
        key = (name, _frozen(params))
    except _UnkeepableError:
        return make()
    with _kept_lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    made = make()
    with _kept_lock:
        _kept[key] = made
        while len(_kept) > KEPT_MACROS:
            _kept.popitem(last=False)
    return made


# govuk-frontend-wtf's fields whose HTML is kept like kept_macro's: each is a template that only
# calls a GOV.UK macro with the parameters the field gives it, and none holds anything typed
# (choices, their ticks, an error, a button's text). Text boxes are made afresh each time.
KEPT_WIDGETS = frozenset(
    f"govuk_frontend_wtf/{name}.html" for name in ("radios", "checkboxes", "select", "button")
)


def keep_form_widgets() -> None:
    """Have govuk-frontend-wtf keep the HTML of the fields in KEPT_WIDGETS, as kept_macro does.

    They were most of the CPU of a form page such as the expression of interest's questions
    (a checkbox field rendered through the GOV.UK macro took about 7 ms under the profiler).
    """
    from govuk_frontend_wtf.gov_form_base import GovFormBase

    plain = GovFormBase.render
    if getattr(plain, "keeps", False):
        return

    def render(self: GovFormBase, params: dict[str, Any]) -> Markup:
        if self.template not in KEPT_WIDGETS:
            return plain(self, params)
        return _kept_html(self.template, params, lambda: plain(self, params))

    render.keeps = True  # type: ignore[attr-defined]
    GovFormBase.render = render  # type: ignore[method-assign]


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
        "kept_macro": kept_macro,
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
