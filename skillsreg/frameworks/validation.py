"""The rules a framework document must follow beyond what its JSON Schema can say."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]

# How many parent codes each relation type names in `from`: (fewest, most or None for no limit).
FROM_COUNTS: dict[str, tuple[int, int | None]] = {
    "unchanged": (1, 1),
    "reworded": (1, 1),
    "changed": (1, 1),
    "split": (1, 1),
    "merged": (2, None),
    "new": (0, 0),
}


@dataclass(frozen=True)
class DocumentError:
    """One thing wrong with a document, at a path like `skills[3].descriptors[1].level`."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where = f"{where} line {self.line}, column {self.column}".strip()
        return f"{where}: {self.message}" if where else self.message


def render_path(parts: Iterable[str | int]) -> str:
    """Render path parts as `skills[3].descriptors[1].level`."""
    rendered = ""
    for part in parts:
        if isinstance(part, int):
            rendered += f"[{part}]"
        else:
            rendered += f".{part}" if rendered else str(part)
    return rendered


def semantic_errors(doc: Doc, parent: Doc | None) -> list[DocumentError]:
    """Check a schema-valid document against the framework rules (and its parent, if given)."""
    errors: list[DocumentError] = []
    for check in (
        _check_levels,
        _check_categories,
        _check_skills,
        _check_roles,
        _check_relation_presence,
        _check_relation_shapes,
        _check_parent_codes_used,
    ):
        errors.extend(check(doc))
    if parent is not None and doc["version"].get("parent") is not None:
        errors.extend(_check_parent_identity(doc, parent))
        errors.extend(_check_against_parent(doc, parent))
        errors.extend(_check_relation_meaning(doc, parent))
    return errors


def _and_list(values: Iterable[Any]) -> str:
    items = [str(value) for value in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _duplicates(
    entries: list[Doc], where: str, label: str, scope: str = ""
) -> Iterator[DocumentError]:
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        code = entry["code"]
        if code in first_seen:
            yield DocumentError(
                f"{where}[{index}].code",
                f"{label} {code} is used twice{scope} (also at {where}[{first_seen[code]}])",
            )
        else:
            first_seen[code] = index


def _check_levels(doc: Doc) -> Iterator[DocumentError]:
    for index, level in enumerate(doc["levels"]):
        if level["number"] != index + 1:
            yield DocumentError(
                f"levels[{index}].number",
                "Levels must be numbered 1, 2, 3 and so on, in order: "
                f"expected {index + 1} here, found {level['number']}",
            )


def _check_categories(doc: Doc) -> Iterator[DocumentError]:
    yield from _duplicates(doc["categories"], "categories", "Category code")


def _check_skills(doc: Doc) -> Iterator[DocumentError]:
    categories = {category["code"] for category in doc["categories"]}
    scale = [level["number"] for level in doc["levels"]]
    yield from _duplicates(doc["skills"], "skills", "Skill code")
    for index, skill in enumerate(doc["skills"]):
        where = f"skills[{index}]"
        if skill["category"] not in categories:
            yield DocumentError(
                f"{where}.category",
                f"Category {skill['category']} is not one of this version's categories",
            )
        yield from _check_descriptors(skill, where, scale)


def _check_descriptors(skill: Doc, where: str, scale: list[int]) -> Iterator[DocumentError]:
    seen: dict[int, int] = {}
    previous: int | None = None
    for index, descriptor in enumerate(skill["descriptors"]):
        level = descriptor["level"]
        path = f"{where}.descriptors[{index}].level"
        if level not in scale:
            yield DocumentError(
                path, f"Level {level} is not on the level scale (levels 1 to {len(scale)})"
            )
        if level in seen:
            yield DocumentError(
                path,
                f"Level {level} has two descriptors in skill {skill['code']} "
                f"(also at {where}.descriptors[{seen[level]}])",
            )
        elif previous is not None and level < previous:
            yield DocumentError(
                path,
                "Descriptors must go up in level order: "
                f"level {level} comes after level {previous}",
            )
        seen.setdefault(level, index)
        previous = level


def _check_roles(doc: Doc) -> Iterator[DocumentError]:
    skill_levels: dict[str, list[int]] = {}
    for skill in doc["skills"]:
        levels = [descriptor["level"] for descriptor in skill["descriptors"]]
        skill_levels.setdefault(skill["code"], levels)
    yield from _duplicates(doc["roles"], "roles", "Role code")
    for index, role in enumerate(doc["roles"]):
        where = f"roles[{index}].levels"
        yield from _duplicates(role["levels"], where, "Role level code", " in this role")
        for step_index, step in enumerate(role["levels"]):
            yield from _check_profile(
                step["profile"], f"{where}[{step_index}].profile", skill_levels
            )


def _check_profile(
    profile: dict[str, int], where: str, skill_levels: dict[str, list[int]]
) -> Iterator[DocumentError]:
    for code, expected in profile.items():
        path = f"{where}.{code}"
        if code not in skill_levels:
            yield DocumentError(path, f"Skill {code} is not in this version")
        elif expected not in skill_levels[code]:
            yield DocumentError(
                path,
                f"Skill {code} has no descriptor at level {expected} "
                f"(it has {_descriptor_levels(skill_levels[code])})",
            )


def _descriptor_levels(levels: list[int]) -> str:
    if len(levels) == 1:
        return f"a descriptor at level {levels[0]} only"
    return f"descriptors at levels {_and_list(levels)}"


def _check_relation_presence(doc: Doc) -> Iterator[DocumentError]:
    parent = doc["version"].get("parent")
    if parent is not None and parent == doc["version"]["number"]:
        yield DocumentError("version.parent", "A version cannot be its own parent")
    for index, skill in enumerate(doc["skills"]):
        if parent is not None and "relation" not in skill:
            yield DocumentError(
                f"skills[{index}].relation",
                f"Skill {skill['code']} needs a relation saying how it comes from version {parent}",
            )
        elif parent is None and "relation" in skill:
            yield DocumentError(
                f"skills[{index}].relation",
                "Only a version drafted from a parent version can have relations: "
                "remove this or set version.parent",
            )
    if parent is None and doc.get("retired"):
        yield DocumentError(
            "retired", "Only a version drafted from a parent version can retire skills"
        )


def _check_relation_shapes(doc: Doc) -> Iterator[DocumentError]:
    for index, skill in enumerate(doc["skills"]):
        relation = skill.get("relation")
        if relation is None:
            continue
        where = f"skills[{index}].relation.from"
        yield from _check_from_count(relation, where)
        first_seen: dict[str, int] = {}
        for position, code in enumerate(relation["from"]):
            if code in first_seen:
                yield DocumentError(
                    f"{where}[{position}]",
                    f"Skill {code} is listed twice (also at {where}[{first_seen[code]}])",
                )
            first_seen.setdefault(code, position)


def _check_from_count(relation: Doc, where: str) -> Iterator[DocumentError]:
    kind = relation["type"]
    fewest, most = FROM_COUNTS[kind]
    found = len(relation["from"])
    if fewest <= found and (most is None or found <= most):
        return
    if most is None:
        wanted = f"{fewest} or more parent skill codes"
    elif most == 0:
        wanted = "an empty list"
    else:
        wanted = "exactly one parent skill code"
    yield DocumentError(where, f"A relation of type {kind} needs {wanted} here (found {found})")


def _relation_uses(doc: Doc) -> dict[str, list[tuple[str, str]]]:
    """Map each parent code to where it is named in `from`, and by which relation type."""
    uses: dict[str, list[tuple[str, str]]] = {}
    for index, skill in enumerate(doc["skills"]):
        relation = skill.get("relation") or {"type": "new", "from": []}
        for position, code in enumerate(relation["from"]):
            if code in relation["from"][:position]:
                continue
            path = f"skills[{index}].relation.from[{position}]"
            uses.setdefault(code, []).append((path, relation["type"]))
    return uses


def _check_parent_codes_used(doc: Doc) -> Iterator[DocumentError]:
    uses = _relation_uses(doc)
    for code, places in uses.items():
        kinds = {kind for _, kind in places}
        if len(places) > 1 and kinds != {"split"}:
            for path, _ in places[1:]:
                yield DocumentError(
                    path,
                    f"Parent skill {code} is named by more than one skill "
                    f"(also at {places[0][0]}); only a split can do that",
                )
        elif kinds == {"split"} and len(places) == 1:
            yield DocumentError(
                places[0][0],
                f"Parent skill {code} is split but only this skill names it: "
                "name it from every part, or use the type changed",
            )
    yield from _check_retired_list(doc, uses)


def _check_retired_list(
    doc: Doc, uses: dict[str, list[tuple[str, str]]]
) -> Iterator[DocumentError]:
    first_seen: dict[str, int] = {}
    for index, entry in enumerate(doc.get("retired") or []):
        code = entry["code"]
        path = f"retired[{index}].code"
        if code in first_seen:
            yield DocumentError(
                path, f"Skill {code} is retired twice (also at retired[{first_seen[code]}])"
            )
        elif code in uses:
            yield DocumentError(
                path, f"Skill {code} is retired but is also named at {uses[code][0][0]}"
            )
        first_seen.setdefault(code, index)


def _check_parent_identity(doc: Doc, parent: Doc) -> Iterator[DocumentError]:
    said, given = doc["version"]["parent"], parent["version"]["number"]
    if said != given:
        yield DocumentError(
            "version.parent", f"Says {said}, but it was checked against version {given}"
        )
    own_slug, parent_slug = doc["framework"]["slug"], parent["framework"]["slug"]
    if own_slug != parent_slug:
        yield DocumentError(
            "framework.slug",
            f"The parent version belongs to framework {parent_slug}, not {own_slug}",
        )


def _check_against_parent(doc: Doc, parent: Doc) -> Iterator[DocumentError]:
    label = f"version {parent['version']['number']}"
    parent_skills = {skill["code"]: skill for skill in parent["skills"]}
    uses = _relation_uses(doc)
    for code, places in uses.items():
        if code not in parent_skills:
            for path, _ in places:
                yield DocumentError(path, f"Skill {code} is not in {label}")
    retired: set[str] = set()
    for index, entry in enumerate(doc.get("retired") or []):
        retired.add(entry["code"])
        if entry["code"] not in parent_skills:
            yield DocumentError(
                f"retired[{index}].code",
                f"Skill {entry['code']} is not in {label}, so it cannot be retired",
            )
    for code, skill in parent_skills.items():
        if code not in uses and code not in retired:
            yield DocumentError(
                "retired",
                f"Skill {code} ({skill['name']}) from {label} is neither named in a relation "
                "nor retired",
            )


def _check_relation_meaning(doc: Doc, parent: Doc) -> Iterator[DocumentError]:
    """`unchanged` and `reworded` promise that answers carry forward: hold the text to it."""
    label = f"version {parent['version']['number']}"
    parent_skills = {skill["code"]: skill for skill in parent["skills"]}
    for index, skill in enumerate(doc["skills"]):
        relation = skill.get("relation") or {}
        kind, sources = relation.get("type"), relation.get("from") or []
        if kind not in ("unchanged", "reworded") or len(sources) != 1:
            continue
        old = parent_skills.get(sources[0])
        if old is None:
            continue  # reported as a code missing from the parent
        where = f"skills[{index}].relation.type"
        old_levels, new_levels = _levels_of(old), _levels_of(skill)
        if kind == "reworded" and old_levels != new_levels:
            yield DocumentError(
                where,
                f"Skill {skill['code']} is marked reworded, but its levels differ from "
                f"{old['code']} in {label} (levels {_and_list(old_levels)} there, "
                f"{_and_list(new_levels) or 'none'} here): use changed",
            )
        elif kind == "unchanged":
            differences = _differences(old, skill)
            if differences:
                yield DocumentError(
                    where,
                    f"Skill {skill['code']} is marked unchanged, but its "
                    f"{_and_list(differences)} differ from {old['code']} in {label}: "
                    "use reworded or changed",
                )


def _levels_of(skill: Doc) -> list[int]:
    return sorted({descriptor["level"] for descriptor in skill["descriptors"]})


def _differences(old: Doc, new: Doc) -> list[str]:
    """Which parts of a skill's meaning differ: its name, description, levels or descriptors."""
    found = [field for field in ("name", "description") if old[field] != new[field]]
    if _levels_of(old) != _levels_of(new):
        found.append("levels")
    else:
        texts = [(d["level"], d["text"]) for d in old["descriptors"]]
        if sorted(texts) != sorted((d["level"], d["text"]) for d in new["descriptors"]):
            found.append("level descriptors")
    return found
