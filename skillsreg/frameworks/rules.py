"""Compare framework versions: propose skill relations and describe what changed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal, TypedDict, get_args

Doc = dict[str, Any]
RelationType = Literal["unchanged", "reworded", "changed", "split", "merged", "new"]
SkillFate = Literal["unchanged", "reworded", "changed", "split", "merged", "new", "retired"]
DiffOp = Literal["equal", "insert", "delete"]
Segment = tuple[DiffOp, str]
ChangeKind = Literal["added", "removed", "changed"]

Relation = TypedDict("Relation", {"type": RelationType, "from": list[str]})

FATES: tuple[SkillFate, ...] = get_args(SkillFate)
# Word-level similarity a rewording keeps: over the whole skill, and in each level descriptor.
REWORDED_OVERALL = 0.6
REWORDED_EACH_LEVEL = 0.5

_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class FieldChange:
    """One field of a skill, level, category or role that differs between versions."""

    field: str
    level: int | None
    old: str | None
    new: str | None
    segments: list[Segment]

    @property
    def kind(self) -> ChangeKind:
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"

    @property
    def label(self) -> str:
        return self.field if self.level is None else f"level {self.level}"


@dataclass(frozen=True)
class SkillChange:
    """What became of one skill: its relation to the old version and its changed fields."""

    code: str
    name: str
    relation: SkillFate
    sources: list[str]
    fields: list[FieldChange]
    note: str = ""

    @property
    def is_changed(self) -> bool:
        return self.relation != "unchanged" or bool(self.fields)


@dataclass(frozen=True)
class EntryChange:
    """A level of the scale or a category that was added, removed or edited."""

    key: str
    name: str
    kind: ChangeKind
    fields: list[FieldChange]


@dataclass(frozen=True)
class ProfileChange:
    """A change to the level a role level expects in one skill (None: not expected)."""

    level_code: str
    skill_code: str
    old: int | None
    new: int | None


@dataclass(frozen=True)
class RoleChange:
    """A role that was added, removed or edited."""

    code: str
    name: str
    kind: ChangeKind
    fields: list[FieldChange]
    levels_added: list[str]
    levels_removed: list[str]
    profile: list[ProfileChange]


@dataclass(frozen=True)
class VersionChanges:
    """Everything that differs between two versions of a framework."""

    slug: str
    old_version: str
    new_version: str
    relations_from_document: bool
    skills: list[SkillChange]
    levels: list[EntryChange]
    categories: list[EntryChange]
    roles: list[RoleChange]
    counts: dict[str, int]

    @property
    def changed_skills(self) -> list[SkillChange]:
        return [skill for skill in self.skills if skill.is_changed]


def propose_relations(parent: Doc, child: Doc) -> tuple[dict[str, Relation], list[str]]:
    """Propose a relation for each child skill, and the parent codes to retire.

    Split and merged relations an editor has already set are kept as they are.
    """
    parent_skills = _skills_by_code(parent)
    relations = {skill["code"]: _propose_one(skill, parent_skills) for skill in child["skills"]}
    named = {code for relation in relations.values() for code in relation["from"]}
    return relations, [code for code in parent_skills if code not in named]


def _propose_one(skill: Doc, parent_skills: dict[str, Doc]) -> Relation:
    existing = skill.get("relation")
    if existing and existing["type"] in ("split", "merged"):
        return {"type": existing["type"], "from": list(existing["from"])}
    source = _source_code(skill, existing, parent_skills)
    if source is None:
        return {"type": "new", "from": []}
    return {"type": classify_change(parent_skills[source], skill), "from": [source]}


def _source_code(
    skill: Doc, existing: Relation | None, parent_skills: dict[str, Doc]
) -> str | None:
    # An editor who gave a renamed skill its old code in `from` has told us where it came from.
    if existing and existing["from"] and existing["from"][0] in parent_skills:
        return existing["from"][0]
    return skill["code"] if skill["code"] in parent_skills else None


def classify_change(old: Doc, new: Doc) -> Literal["unchanged", "reworded", "changed"]:
    """Say whether a skill kept its meaning word for word, was reworded, or changed."""
    if _meaning(old) == _meaning(new):
        return "unchanged"
    old_levels, new_levels = _descriptors(old), _descriptors(new)
    if old_levels.keys() != new_levels.keys():
        return "changed"
    overall = similarity(_combined_text(old), _combined_text(new))
    each = min(
        (similarity(text, new_levels[level]) for level, text in old_levels.items()), default=1.0
    )
    if overall >= REWORDED_OVERALL and each >= REWORDED_EACH_LEVEL:
        return "reworded"
    return "changed"


def similarity(old: str, new: str) -> float:
    """Word-level similarity from 0 to 1, ignoring case, spacing and punctuation."""
    old_words, new_words = _WORD.findall(old.casefold()), _WORD.findall(new.casefold())
    if not old_words and not new_words:
        return 1.0
    return SequenceMatcher(None, old_words, new_words, autojunk=False).ratio()


def _meaning(skill: Doc) -> tuple[Any, ...]:
    # Category and references say where a skill sits, not what it means, so they are left out.
    return (
        skill["name"],
        skill["description"],
        skill.get("guidance", ""),
        _descriptors(skill),
    )


def _descriptors(skill: Doc) -> dict[int, str]:
    return {descriptor["level"]: descriptor["text"] for descriptor in skill["descriptors"]}


def _combined_text(skill: Doc) -> str:
    # Guidance is advice on the skill rather than its definition, so it does not weigh in.
    texts = [skill["name"], skill["description"], *_descriptors(skill).values()]
    return "\n".join(texts)


def word_diff(old: str, new: str) -> list[Segment]:
    """Split two texts into equal, deleted and inserted runs of words for highlighting."""
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, start, end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", "".join(before[start:end]))
        else:
            _append(segments, "delete", "".join(before[start:end]))
            _append(segments, "insert", "".join(after[new_start:new_end]))
    return _absorb_lone_spaces(segments)


def _append(segments: list[Segment], op: DiffOp, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def _absorb_lone_spaces(segments: list[Segment]) -> list[Segment]:
    # A space kept between two replaced words makes a choppy highlight; fold it into the change.
    merged: list[Segment] = []
    deletes: list[str] = []
    inserts: list[str] = []
    for index, (op, text) in enumerate(segments):
        between_changes = 0 < index < len(segments) - 1 and not text.strip()
        if op == "equal" and not between_changes:
            _flush(merged, deletes, inserts)
            merged.append((op, text))
            continue
        if op != "insert":
            deletes.append(text)
        if op != "delete":
            inserts.append(text)
    _flush(merged, deletes, inserts)
    return merged


def _flush(merged: list[Segment], deletes: list[str], inserts: list[str]) -> None:
    _append(merged, "delete", "".join(deletes))
    _append(merged, "insert", "".join(inserts))
    deletes.clear()
    inserts.clear()


def compare_versions(old: Doc, new: Doc) -> VersionChanges:
    """Describe what changed from one version of a framework to another."""
    relations, retire, notes, from_document = _relations_between(old, new)
    old_skills = _skills_by_code(old)
    skills = [_skill_change(skill, relations[skill["code"]], old_skills) for skill in new["skills"]]
    skills += [
        SkillChange(code, old_skills[code]["name"], "retired", [], [], notes.get(code, ""))
        for code in retire
    ]
    counts: dict[str, int] = dict.fromkeys(FATES, 0)
    for skill in skills:
        counts[skill.relation] += 1
    return VersionChanges(
        slug=new["framework"]["slug"],
        old_version=old["version"]["number"],
        new_version=new["version"]["number"],
        relations_from_document=from_document,
        skills=skills,
        levels=_entry_changes(old["levels"], new["levels"], "number"),
        categories=_entry_changes(old["categories"], new["categories"], "code"),
        roles=_role_changes(old["roles"], new["roles"]),
        counts=counts,
    )


def _relations_between(
    old: Doc, new: Doc
) -> tuple[dict[str, Relation], list[str], dict[str, str], bool]:
    drafted_from_old = new["version"].get("parent") == old["version"]["number"]
    if not (drafted_from_old and all("relation" in skill for skill in new["skills"])):
        # The new version's own relations point at its parent, which is not `old` here.
        unrelated = new | {"skills": [_without_relation(skill) for skill in new["skills"]]}
        relations, retire = propose_relations(old, unrelated)
        return relations, retire, {}, False
    relations = {skill["code"]: skill["relation"] for skill in new["skills"]}
    named = {code for relation in relations.values() for code in relation["from"]}
    retire = [skill["code"] for skill in old["skills"] if skill["code"] not in named]
    notes = {entry["code"]: entry.get("note", "") for entry in new.get("retired") or []}
    return relations, retire, notes, True


def _without_relation(skill: Doc) -> Doc:
    return {key: value for key, value in skill.items() if key != "relation"}


def _skills_by_code(doc: Doc) -> dict[str, Doc]:
    return {skill["code"]: skill for skill in doc["skills"]}


def _skill_change(skill: Doc, relation: Relation, old_skills: dict[str, Doc]) -> SkillChange:
    sources = list(relation["from"])
    source = skill["code"] if skill["code"] in sources else next(iter(sources), None)
    fields = []
    if relation["type"] != "new" and source in old_skills:
        fields = _skill_field_changes(old_skills[source], skill)
    return SkillChange(skill["code"], skill["name"], relation["type"], sources, fields)


def _skill_field_changes(old: Doc, new: Doc) -> list[FieldChange]:
    changes = _text_fields(old, new, ("name", "description", "guidance", "category"))
    old_levels, new_levels = _descriptors(old), _descriptors(new)
    for level in sorted(old_levels.keys() | new_levels.keys()):
        before, after = old_levels.get(level), new_levels.get(level)
        if before != after:
            changes.append(_text_change("descriptor", level, before, after))
    return changes


def _text_fields(old: Doc, new: Doc, names: tuple[str, ...]) -> list[FieldChange]:
    return [
        _text_change(name, None, old.get(name) or None, new.get(name) or None)
        for name in names
        if (old.get(name) or None) != (new.get(name) or None)
    ]


def _text_change(field: str, level: int | None, old: str | None, new: str | None) -> FieldChange:
    return FieldChange(field, level, old, new, word_diff(old or "", new or ""))


def _entry_changes(old: list[Doc], new: list[Doc], key: str) -> list[EntryChange]:
    before = {str(entry[key]): entry for entry in old}
    after = {str(entry[key]): entry for entry in new}
    changes = []
    for name, entry in after.items():
        if name not in before:
            changes.append(EntryChange(name, entry["name"], "added", []))
        elif fields := _text_fields(before[name], entry, ("name", "description")):
            changes.append(EntryChange(name, entry["name"], "changed", fields))
    changes += [
        EntryChange(name, entry["name"], "removed", [])
        for name, entry in before.items()
        if name not in after
    ]
    return changes


def _role_changes(old: list[Doc], new: list[Doc]) -> list[RoleChange]:
    before = {role["code"]: role for role in old}
    changes = []
    for role in new:
        if role["code"] not in before:
            steps = [step["code"] for step in role["levels"]]
            changes.append(RoleChange(role["code"], role["name"], "added", [], steps, [], []))
        elif change := _role_change(before[role["code"]], role):
            changes.append(change)
    codes = {role["code"] for role in new}
    changes += [
        RoleChange(role["code"], role["name"], "removed", [], [], [], [])
        for role in old
        if role["code"] not in codes
    ]
    return changes


def _role_change(old: Doc, new: Doc) -> RoleChange | None:
    fields = _text_fields(old, new, ("name", "description"))
    old_steps = {step["code"]: step["profile"] for step in old["levels"]}
    new_steps = {step["code"]: step["profile"] for step in new["levels"]}
    added = [code for code in new_steps if code not in old_steps]
    removed = [code for code in old_steps if code not in new_steps]
    profile = [
        change
        for code, expected in new_steps.items()
        if code in old_steps
        for change in _profile_changes(code, old_steps[code], expected)
    ]
    if not (fields or added or removed or profile):
        return None
    return RoleChange(new["code"], new["name"], "changed", fields, added, removed, profile)


def _profile_changes(
    level_code: str, old: dict[str, int], new: dict[str, int]
) -> list[ProfileChange]:
    codes = list(new) + [code for code in old if code not in new]
    return [
        ProfileChange(level_code, code, old.get(code), new.get(code))
        for code in codes
        if old.get(code) != new.get(code)
    ]


_SYMBOLS = {"added": "+", "removed": "-", "changed": "~", "new": "+", "retired": "-"}


def render_changes_text(changes: VersionChanges) -> str:
    """Plain-text report of the changes, one line per changed skill, level, category or role."""
    lines = [f"{changes.slug}: changes from version {changes.old_version} to {changes.new_version}"]
    skill_lines = [_skill_line(skill) for skill in changes.changed_skills]
    lines += ["", "Skills", *(skill_lines or ["  no changes"])]
    if changes.levels:
        lines += ["", "Levels", *(_entry_line("level", entry) for entry in changes.levels)]
    if changes.categories:
        lines += ["", "Categories", *(_entry_line("category", e) for e in changes.categories)]
    if changes.roles:
        lines += ["", "Roles", *(_role_line(role) for role in changes.roles)]
    summary = ", ".join(f"{changes.counts[fate]} {fate}" for fate in FATES)
    lines += ["", f"Summary: {summary}"]
    return "\n".join(lines) + "\n"


def _skill_line(skill: SkillChange) -> str:
    detail: str = skill.relation
    if skill.relation in ("split", "merged"):
        detail += f" from {', '.join(skill.sources)}"
    elif skill.sources and skill.sources != [skill.code]:
        detail += f" (was {', '.join(skill.sources)})"
    if skill.fields:
        detail += f" [{', '.join(field.label for field in skill.fields)}]"
    if skill.note:
        detail += f": {skill.note}"
    return f"{_SYMBOLS.get(skill.relation, '~')} {skill.code} {skill.name}: {detail}"


def _entry_line(noun: str, entry: EntryChange) -> str:
    detail: str = entry.kind
    if entry.fields:
        detail = f"{', '.join(field.label for field in entry.fields)} changed"
    return f"{_SYMBOLS[entry.kind]} {noun} {entry.key} {entry.name}: {detail}"


def _role_line(role: RoleChange) -> str:
    parts = [f"{field.label} changed" for field in role.fields]
    parts += [f"level {code} added" for code in role.levels_added if role.kind == "changed"]
    parts += [f"level {code} removed" for code in role.levels_removed]
    parts += [_profile_text(change) for change in role.profile]
    detail = "; ".join(parts) if role.kind == "changed" else role.kind
    return f"{_SYMBOLS[role.kind]} role {role.code} {role.name}: {detail}"


def _profile_text(change: ProfileChange) -> str:
    where = f"{change.level_code} {change.skill_code}"
    if change.old is None:
        return f"{where} now expected at {change.new}"
    if change.new is None:
        return f"{where} no longer expected (was {change.old})"
    return f"{where} {change.old} -> {change.new}"
