"""Changes the editor makes to a framework document: plain functions on its dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from skillsreg.core.errors import DomainError

Doc = dict[str, Any]
Change = Callable[[Doc], None]
MAX_LEVELS = 9


def entry(entries: list[Doc], code: str) -> Doc:
    """The entry with this code, or a refusal saying someone else removed it."""
    for found in entries:
        if found["code"] == code:
            return found
    raise DomainError(f"{code} is no longer in this draft: someone else removed it")


def appending(key: str, part: Doc) -> Change:
    """A change adding an entry at the end of one of the document's lists."""
    return lambda doc: doc[key].append(part)


def updating(key: str, code: str, part: Doc) -> Change:
    """A change to some fields of the entry with this code in one of the document's lists."""
    return lambda doc: entry(doc.get(key) or [], code).update(part)


def removing(key: str, code: str) -> Change:
    """A change removing the entry with this code from one of the document's lists."""
    return lambda doc: doc[key].remove(entry(doc[key], code))


def within_role(role: str, change: Change) -> Change:
    """A change to one role's part of the document (its levels)."""
    return lambda doc: change(entry(doc["roles"], role))


def set_release_notes(doc: Doc, notes: str) -> None:
    """Replace the version's release notes."""
    doc["version"]["release_notes"] = notes


def update_levels(doc: Doc, parts: list[Doc]) -> None:
    """Change the names and descriptions of the scale's levels, in order."""
    # The lock version guarantees the scale has not changed since the form was shown.
    for level, part in zip(doc["levels"], parts, strict=False):
        level.update(part)


def add_level(doc: Doc, part: Doc) -> None:
    """Add a level at the top of the scale, up to the most a scale may have."""
    if len(doc["levels"]) >= MAX_LEVELS:
        raise DomainError(f"A level scale has {MAX_LEVELS} levels at most")
    doc["levels"].append(part)


def remove_top_level(doc: Doc) -> None:
    """Remove the top level of the scale unless it is the second or a skill describes it."""
    if len(doc["levels"]) <= 2:
        raise DomainError("A level scale needs 2 levels at least")
    top = doc["levels"][-1]["number"]
    using = [s["code"] for s in doc["skills"] if any(d["level"] == top for d in s["descriptors"])]
    if using:
        raise DomainError(
            f"Level {top} cannot be removed: {', '.join(using)} describe it. "
            f"Empty their level {top} descriptors first"
        )
    doc["levels"].pop()


def remove_category(doc: Doc, code: str) -> None:
    """Remove a category that no skill is in."""
    using = [skill["code"] for skill in doc["skills"] if skill["category"] == code]
    if using:
        raise DomainError(
            f"Category {code} cannot be removed while skills are in it: move "
            f"{', '.join(using)} to another category first"
        )
    doc["categories"].remove(entry(doc["categories"], code))


def remove_skill(doc: Doc, code: str) -> None:
    """Remove a skill and take it out of every role level's profile."""
    doc["skills"].remove(entry(doc["skills"], code))
    for role in doc["roles"]:
        for step in role["levels"]:
            step["profile"].pop(code, None)


def remove_role_level(role: Doc, step: str) -> None:
    """Remove one of a role's levels; a role keeps one at least."""
    steps = role["levels"]
    if len(steps) <= 1:
        raise DomainError("A role needs one role level at least: remove the role instead")
    steps.remove(entry(steps, step))
