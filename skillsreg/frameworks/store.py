"""Turn a version's rows into a framework document and back: the one way content is written."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from skillsreg.extensions import db
from skillsreg.frameworks.models import (
    Category,
    Descriptor,
    FrameworkVersion,
    ProfileEntry,
    RetiredSkill,
    Role,
    RoleLevel,
    ScaleLevel,
    Skill,
    VersionStatus,
)

Doc = dict[str, Any]


def content_hash(doc: Doc) -> str:
    """A fingerprint of a document's content, the same whatever its key order."""
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def load_versions(
    version_ids: Iterable[int], *, profiles: bool = True
) -> dict[int, FrameworkVersion]:
    """Versions with all their content, by id, in the same fixed queries however many.

    Without `profiles`, each role level's expected skills are read only when asked for: a
    page about one person's role level need not build every role's profile.
    """
    levels = selectinload(FrameworkVersion.roles).selectinload(Role.levels)
    query = (
        sa.select(FrameworkVersion)
        .where(FrameworkVersion.id.in_(set(version_ids)))
        .options(
            selectinload(FrameworkVersion.levels),
            selectinload(FrameworkVersion.categories),
            selectinload(FrameworkVersion.skills).selectinload(Skill.descriptors),
            levels.selectinload(RoleLevel.profile) if profiles else levels,
            selectinload(FrameworkVersion.retired_skills),
        )
        .execution_options(populate_existing=True)
    )
    return {version.id: version for version in db.session.scalars(query)}


def load_version(version_id: int, *, profiles: bool = True) -> FrameworkVersion:
    """A version with all its content loaded in a fixed, small number of queries."""
    return load_versions([version_id], profiles=profiles)[version_id]


def version_document(version: FrameworkVersion) -> Doc:
    """The version as a framework document (format 1), exactly as it would be exported."""
    framework = version.framework
    doc: Doc = {
        "format": 1,
        "framework": {
            "slug": framework.slug,
            "title": framework.title,
            "description": framework.description,
            "licence": framework.licence,
            "owner": framework.owner,
        },
        "version": _version_part(version),
        "levels": [
            {"number": level.number, "name": level.name, "description": level.description}
            for level in version.levels
        ],
        "categories": [
            {"code": c.code, "name": c.name, "description": c.description}
            for c in version.categories
        ],
        "skills": [skill_part(skill) for skill in version.skills],
        "roles": [role_part(role) for role in version.roles],
    }
    if version.retired_skills:
        doc["retired"] = [{"code": r.code, "note": r.note} for r in version.retired_skills]
    return doc


def _version_part(version: FrameworkVersion) -> Doc:
    part: Doc = {
        "number": version.number,
        "status": version.status.value,
        "parent": version.parent.number if version.parent else None,
        "release_notes": version.release_notes,
        "published_on": version.published_on.isoformat() if version.published_on else None,
    }
    if version.consultation_closes_on:
        part["consultation_closes_on"] = version.consultation_closes_on.isoformat()
    return part


def skill_part(skill: Skill) -> Doc:
    """A skill as the document writes it: optional keys only when they hold something."""
    part: Doc = {
        "code": skill.code,
        "name": skill.name,
        "category": skill.category_code,
        "description": skill.description,
        "guidance": skill.guidance,
        "descriptors": [{"level": d.level, "text": d.text} for d in skill.descriptors],
    }
    if skill.references:
        part["references"] = dict(skill.references)
    if skill.relation_type is not None:
        part["relation"] = {"type": skill.relation_type, "from": list(skill.relation_from or [])}
    return part


def role_part(role: Role) -> Doc:
    """A role with its role levels and their profiles, as the document writes it."""
    return {
        "code": role.code,
        "name": role.name,
        "description": role.description,
        "levels": [
            {
                "code": step.code,
                "name": step.name,
                "description": step.description,
                "profile": {entry.skill_code: entry.level for entry in step.profile},
            }
            for step in role.levels
        ],
    }


def write_content(
    version: FrameworkVersion, doc: Doc, *, confirmed_relations: set[str] | None = None
) -> None:
    """Replace the version's content with the document's (which has been validated).

    `confirmed_relations` names the skills whose relation an editor or a file set; None
    means all of them.

    The rows go in as bulk INSERTs (a few statements per table, each parent's new ids read back
    in the order given), not as ORM objects through the unit of work, which took ten times as
    long for a framework of 40 skills and 10 roles. The version's collections are expired, so
    they load the new rows when next read.
    """
    delete_content(version)
    meta = doc["version"]
    version.status = VersionStatus(meta["status"])
    version.release_notes = meta.get("release_notes") or ""
    version.published_on = _date(meta.get("published_on"))
    version.consultation_closes_on = _date(meta.get("consultation_closes_on"))
    version.content_hash = content_hash(doc)
    db.session.flush()
    _insert(
        ScaleLevel,
        (
            {"number": lv["number"], "name": lv["name"], "description": lv["description"]}
            for lv in doc["levels"]
        ),
        version_id=version.id,
    )
    _insert(  # categories first: skills refer to them
        Category,
        (
            {"code": c["code"], "name": c["name"], "description": c.get("description", "")}
            for c in doc["categories"]
        ),
        version_id=version.id,
        numbered=True,
    )
    skills = doc["skills"]
    skill_ids = _insert(
        Skill,
        (_skill_row(skill, confirmed_relations) for skill in skills),
        version_id=version.id,
        numbered=True,
    )
    _insert(
        Descriptor,
        (
            {"skill_id": skill_id, "level": d["level"], "text": d["text"]}
            for skill_id, skill in zip(skill_ids, skills, strict=True)
            for d in skill["descriptors"]
        ),
    )
    roles = doc["roles"]
    role_ids = _insert(
        Role,
        (
            {"code": r["code"], "name": r["name"], "description": r.get("description", "")}
            for r in roles
        ),
        version_id=version.id,
        numbered=True,
    )
    steps = [
        (role_id, index, step)
        for role_id, role in zip(role_ids, roles, strict=True)
        for index, step in enumerate(role["levels"])
    ]
    step_ids = _insert(
        RoleLevel,
        (
            {
                "role_id": role_id,
                "code": step["code"],
                "name": step["name"],
                "description": step.get("description", ""),
                "position": index,
            }
            for role_id, index, step in steps
        ),
    )
    _insert(
        ProfileEntry,
        (
            {"role_level_id": step_id, "skill_code": code, "level": level, "position": order}
            for step_id, (_, _, step) in zip(step_ids, steps, strict=True)
            for order, (code, level) in enumerate(step["profile"].items())
        ),
    )
    _insert(
        RetiredSkill,
        ({"code": r["code"], "note": r.get("note", "")} for r in doc.get("retired") or []),
        version_id=version.id,
        numbered=True,
    )
    db.session.expire(version)


def _insert(
    model: type[Any],
    rows: Iterable[Doc],
    *,
    version_id: int | None = None,
    numbered: bool = False,
) -> list[int]:
    """Insert the rows in one bulk statement; return their new ids in the rows' order.

    `version_id` is added to every row, and with `numbered` each row's position too.
    """
    values = list(rows)
    for position, row in enumerate(values):
        if version_id is not None:
            row["version_id"] = version_id
        if numbered:
            row["position"] = position
    if not values:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, values))


def _skill_row(skill: Doc, confirmed: set[str] | None) -> Doc:
    relation = skill.get("relation")
    return {
        "code": skill["code"],
        "name": skill["name"],
        "category_code": skill["category"],
        "description": skill["description"],
        "guidance": skill.get("guidance", ""),
        "references": skill.get("references") or None,
        "relation_type": relation["type"] if relation else None,
        "relation_from": list(relation["from"]) if relation else None,
        "is_relation_confirmed": confirmed is None or skill["code"] in confirmed,
    }


def delete_content(version: FrameworkVersion) -> None:
    """Remove everything a version contains, keeping the version row itself."""
    # Bulk deletes in dependency order: a version's content is rewritten whole on every change.
    session = db.session
    role_ids = sa.select(Role.id).where(Role.version_id == version.id)
    level_ids = sa.select(RoleLevel.id).where(RoleLevel.role_id.in_(role_ids))
    skill_ids = sa.select(Skill.id).where(Skill.version_id == version.id)
    session.execute(sa.delete(ProfileEntry).where(ProfileEntry.role_level_id.in_(level_ids)))
    session.execute(sa.delete(RoleLevel).where(RoleLevel.role_id.in_(role_ids)))
    session.execute(sa.delete(Role).where(Role.version_id == version.id))
    session.execute(sa.delete(Descriptor).where(Descriptor.skill_id.in_(skill_ids)))
    session.execute(sa.delete(Skill).where(Skill.version_id == version.id))
    for model in (Category, ScaleLevel, RetiredSkill):
        session.execute(sa.delete(model).where(model.version_id == version.id))
    session.expire(version)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
