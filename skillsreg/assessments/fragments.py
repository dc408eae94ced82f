"""Parts of the self-assessment pages rendered once per process: a skill's level radios and
evidence box on the answer page, and the role level radios of the start and carry-forward pages.

The radios of a skill (one per descriptor, each with its text as a hint) were most of the
answer page's CPU. Without an error message they depend only on the version's content and on
which level is checked, and the evidence box only on its field and the text in it, so both are
kept with the version's structure (frameworks.structure, whose published content never changes)
and forgotten with it. The role level radios (every role and level, with what each role does)
were four fifths of the start page's; they depend on the version, the member's kinds of web work
and the level checked. A field with an error message is always rendered afresh.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, request
from markupsafe import Markup

from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.structure import (
    SkillItem,
    VersionStructure,
    is_cacheable,
    version_structure,
)

RADIOS = "govuk_frontend_jinja/components/radios/macro.html"
TEXTAREA = "govuk_frontend_jinja/components/textarea/macro.html"
EVIDENCE_HINT = (
    "What you have done that shows this level. Only you, and anyone you share your profile"
    " with, can see it."
)
# Stands for the evidence when the box is rendered once: the text is escaped into its place.
_VALUE = "\x00evidence\x00"
NOT_APPLICABLE = "na"

_kept: weakref.WeakKeyDictionary[VersionStructure, dict[tuple[Any, ...], Any]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def radios_params(
    skill: SkillItem, field: Any, level_names: Any, *, checked: str | None
) -> dict[str, Any]:
    """govukRadios' parameters for a skill's level field: each level, then not applicable."""
    items: list[dict[str, Any]] = [
        {
            "value": str(descriptor.level),
            "text": f"{descriptor.level} {level_names.get(descriptor.level, '')}",
            "hint": {"text": descriptor.text},
            "checked": checked == str(descriptor.level),
        }
        for descriptor in skill.descriptors
    ]
    items.append({"divider": "or"})
    items.append(
        {"value": NOT_APPLICABLE, "text": "Not applicable to me", "checked": checked == "na"}
    )
    return {
        "name": field.name,
        "idPrefix": field.id,
        "fieldset": {
            "legend": {
                "text": f"Your level in {skill.name}",
                "classes": "govuk-fieldset__legend--s",
            }
        },
        "items": items,
        "errorMessage": {"text": field.errors[0]} if field.errors else None,
    }


def _macro(template: str, name: str) -> Any:
    """A GOV.UK macro, called from Python; it returns Markup, its values escaped as in a page."""
    return getattr(current_app.jinja_env.get_template(template).module, name)


def _kept_or_made(structure: VersionStructure, key: tuple[Any, ...], make: Any) -> Any:
    with _lock:
        found = _kept.get(structure, {}).get(key)
    if found is not None:
        return found
    made = make()
    with _lock:
        _kept.setdefault(structure, {})[key] = made
    return made


def evidence_params(field: Any, *, value: str) -> dict[str, Any]:
    """govukTextarea's parameters for a skill's evidence field."""
    return {
        "name": field.name,
        "id": field.id,
        "label": {"text": "Evidence (optional)"},
        "hint": {"text": EVIDENCE_HINT},
        "value": value,
        "rows": 3,
        "errorMessage": {"text": field.errors[0]} if field.errors else None,
    }


def skill_evidence(structure: VersionStructure, field: Any) -> Markup:
    """The evidence box of a skill on the answer page, as govukTextarea renders it."""
    textarea = _macro(TEXTAREA, "govukTextarea")
    value = field.data or ""
    if field.errors:
        return textarea(evidence_params(field, value=value))

    def make() -> tuple[Markup, Markup]:
        before, after = textarea(evidence_params(field, value=_VALUE)).split(_VALUE)
        return before, after

    before, after = _kept_or_made(structure, ("evidence", field.name, field.id), make)
    return before + value + after  # Markup escapes the value, as the macro does


def skill_radios(structure: VersionStructure, skill: SkillItem, field: Any) -> Markup:
    """The level radios of a skill on the answer page, as govukRadios renders them."""
    radios = _macro(RADIOS, "govukRadios")
    data = field.data
    if field.errors:
        return radios(radios_params(skill, field, structure.level_names, checked=data))
    values = {*(str(level) for level in skill.levels), NOT_APPLICABLE}
    checked = data if data in values else None  # anything else checks nothing
    return _kept_or_made(
        structure,
        ("radios", skill.code, field.name, field.id, checked),
        lambda: radios(radios_params(skill, field, structure.level_names, checked=checked)),
    )


def kept_role_choice(
    version: FrameworkVersion,
    field: Any,
    web_groups: Iterable[str],
    *,
    caller: Callable[[], Markup],
) -> Markup:
    """`{% call kept_role_choice(...) %}` around the role level radios: kept per version once made.

    Only for a public version and a field without an error whose value is blank or one of its
    choices (so what a visitor posts never fills the cache); the key holds everything the radios
    show: the framework's address and version number, the field, the member's kinds of web work,
    the level checked and the site's prefix.
    """
    choices = {str(value) for value, _label in field.choices or ()}
    if field.errors or not is_cacheable(version) or (field.data and field.data not in choices):
        return caller()
    key = (
        "role-choice",
        version.framework.slug,
        version.number,
        field.name,
        field.id,
        field.data or None,
        tuple(web_groups or ()),
        request.script_root,
    )
    made: Markup = _kept_or_made(version_structure(version), key, caller)
    return made
