"""Parts of the answer page rendered once per process: a skill's level radios.

The radios of a skill (one per descriptor, each with its text as a hint) were most of the
answer page's CPU. Without an error message they depend only on the version's content and on
which level is checked, so they are kept with the version's structure (frameworks.structure,
whose published content never changes) and forgotten when it is.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from flask import current_app
from markupsafe import Markup

from skillsreg.frameworks.structure import SkillItem, VersionStructure

RADIOS = "govuk_frontend_jinja/components/radios/macro.html"
NOT_APPLICABLE = "na"

_kept: weakref.WeakKeyDictionary[VersionStructure, dict[tuple[Any, ...], Markup]] = (
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


def skill_radios(structure: VersionStructure, skill: SkillItem, field: Any) -> Markup:
    """The level radios of a skill on the answer page, as govukRadios renders them."""
    radios = current_app.jinja_env.get_template(RADIOS).module.govukRadios  # type: ignore[attr-defined]
    data = field.data
    if field.errors:  # the message is the field's own, so such radios are never kept
        return radios(radios_params(skill, field, structure.level_names, checked=data))
    values = {*(str(level) for level in skill.levels), NOT_APPLICABLE}
    checked = data if data in values else None  # anything else checks nothing
    key = (skill.code, field.name, field.id, checked)
    with _lock:
        found = _kept.get(structure, {}).get(key)
    if found is not None:
        return found
    html = radios(radios_params(skill, field, structure.level_names, checked=checked))
    with _lock:
        _kept.setdefault(structure, {})[key] = html
    return html
