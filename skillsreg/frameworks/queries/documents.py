"""Whole version documents read as plain rows, and the changes between two versions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

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
)
from skillsreg.frameworks.rules import VersionChanges, compare_versions

Doc = dict[str, Any]


def load_documents(*versions: FrameworkVersion) -> list[Doc]:
    """The documents of several versions, read as plain rows in seven queries.

    The same documents as store.version_document, without building thousands of ORM objects
    (the comparison page reads two whole versions).
    """
    ids = [version.id for version in versions]
    docs = {version.id: _document_head(version) for version in versions}
    for version_id, number, name, description in _rows(
        sa.select(ScaleLevel.version_id, ScaleLevel.number, ScaleLevel.name, ScaleLevel.description)
        .where(ScaleLevel.version_id.in_(ids))
        .order_by(ScaleLevel.number)
    ):
        docs[version_id]["levels"].append(
            {"number": number, "name": name, "description": description}
        )
    for version_id, code, name, description in _rows(
        sa.select(Category.version_id, Category.code, Category.name, Category.description)
        .where(Category.version_id.in_(ids))
        .order_by(Category.position)
    ):
        docs[version_id]["categories"].append(
            {"code": code, "name": name, "description": description}
        )
    _add_skills(docs, ids)
    _add_roles(docs, ids)
    for version_id, code, note in _rows(
        sa.select(RetiredSkill.version_id, RetiredSkill.code, RetiredSkill.note)
        .where(RetiredSkill.version_id.in_(ids))
        .order_by(RetiredSkill.position)
    ):
        docs[version_id].setdefault("retired", []).append({"code": code, "note": note})
    return [docs[version_id] for version_id in ids]


def _rows(query: sa.Select) -> list[sa.Row]:
    return list(db.session.execute(query))


def _document_head(version: FrameworkVersion) -> Doc:
    framework = version.framework
    meta: Doc = {
        "number": version.number,
        "status": version.status.value,
        "parent": version.parent.number if version.parent else None,
        "release_notes": version.release_notes,
        "published_on": version.published_on.isoformat() if version.published_on else None,
    }
    if version.consultation_closes_on:
        meta["consultation_closes_on"] = version.consultation_closes_on.isoformat()
    return {
        "format": 1,
        "framework": {
            "slug": framework.slug,
            "title": framework.title,
            "description": framework.description,
            "licence": framework.licence,
            "owner": framework.owner,
        },
        "version": meta,
        "levels": [],
        "categories": [],
        "skills": [],
        "roles": [],
    }


def _add_skills(docs: dict[int, Doc], ids: list[int]) -> None:
    # Descriptors come in a query of their own: joined, each skill's JSON columns would be
    # decoded once per descriptor.
    skill_query = (
        sa.select(
            Skill.id,
            Skill.version_id,
            Skill.code,
            Skill.name,
            Skill.category_code,
            Skill.description,
            Skill.guidance,
            Skill.references,
            Skill.relation_type,
            Skill.relation_from,
        )
        .where(Skill.version_id.in_(ids))
        .order_by(Skill.position)
    )
    skills: dict[int, Doc] = {}
    for row in _rows(skill_query):
        skills[row.id] = _skill_part(row)
        docs[row.version_id]["skills"].append(skills[row.id])
    descriptor_query = (
        sa.select(Descriptor.skill_id, Descriptor.level, Descriptor.text)
        .join(Skill, Descriptor.skill_id == Skill.id)
        .where(Skill.version_id.in_(ids))
        .order_by(Descriptor.skill_id, Descriptor.level)
    )
    for skill_id, level, text in _rows(descriptor_query):
        skills[skill_id]["descriptors"].append({"level": level, "text": text})


def _skill_part(row: sa.Row) -> Doc:
    part: Doc = {
        "code": row.code,
        "name": row.name,
        "category": row.category_code,
        "description": row.description,
        "guidance": row.guidance,
        "descriptors": [],
    }
    if row.references:
        part["references"] = dict(row.references)
    if row.relation_type is not None:
        part["relation"] = {"type": row.relation_type, "from": list(row.relation_from or [])}
    return part


def _add_roles(docs: dict[int, Doc], ids: list[int]) -> None:
    # Profile entries come in a query of their own: joined, every entry would repeat its role.
    step_query = (
        sa.select(
            Role.id,
            Role.version_id,
            Role.code,
            Role.name,
            Role.description,
            RoleLevel.id.label("step_id"),
            RoleLevel.code.label("step_code"),
            RoleLevel.name.label("step_name"),
            RoleLevel.description.label("step_description"),
        )
        .join(RoleLevel, RoleLevel.role_id == Role.id, isouter=True)
        .where(Role.version_id.in_(ids))
        .order_by(Role.position, RoleLevel.position)
    )
    roles: dict[int, Doc] = {}
    profiles: dict[int, dict[str, int]] = {}
    for row in _rows(step_query):
        if row.id not in roles:
            roles[row.id] = {
                "code": row.code,
                "name": row.name,
                "description": row.description,
                "levels": [],
            }
            docs[row.version_id]["roles"].append(roles[row.id])
        if row.step_id is not None:
            profiles[row.step_id] = {}
            roles[row.id]["levels"].append(
                {
                    "code": row.step_code,
                    "name": row.step_name,
                    "description": row.step_description,
                    "profile": profiles[row.step_id],
                }
            )
    entry_query = (
        sa.select(ProfileEntry.role_level_id, ProfileEntry.skill_code, ProfileEntry.level)
        .join(RoleLevel, ProfileEntry.role_level_id == RoleLevel.id)
        .join(Role, RoleLevel.role_id == Role.id)
        .where(Role.version_id.in_(ids))
        .order_by(ProfileEntry.role_level_id, ProfileEntry.position)
    )
    for step_id, skill_code, level in _rows(entry_query):
        profiles[step_id][skill_code] = level


def version_changes(old: FrameworkVersion, new: FrameworkVersion) -> VersionChanges:
    """What changed between two versions of one framework."""
    old_doc, new_doc = load_documents(old, new)
    return compare_versions(old_doc, new_doc)
