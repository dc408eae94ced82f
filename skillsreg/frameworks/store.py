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
    """
    delete_content(version)
    meta = doc["version"]
    version.status = VersionStatus(meta["status"])
    version.release_notes = meta.get("release_notes") or ""
    version.published_on = _date(meta.get("published_on"))
    version.consultation_closes_on = _date(meta.get("consultation_closes_on"))
    session = db.session
    session.add_all(
        ScaleLevel(
            version_id=version.id,
            number=lv["number"],
            name=lv["name"],
            description=lv["description"],
        )
        for lv in doc["levels"]
    )
    session.add_all(
        Category(
            version_id=version.id,
            code=c["code"],
            name=c["name"],
            description=c.get("description", ""),
            position=i,
        )
        for i, c in enumerate(doc["categories"])
    )
    session.flush()  # categories first: skills refer to them
    for position, skill in enumerate(doc["skills"]):
        session.add(_skill_row(version, skill, position, confirmed_relations))
    for position, role in enumerate(doc["roles"]):
        session.add(_role_row(version, role, position))
    session.add_all(
        RetiredSkill(version_id=version.id, code=r["code"], note=r.get("note", ""), position=i)
        for i, r in enumerate(doc.get("retired") or [])
    )
    version.content_hash = content_hash(doc)
    session.flush()
    session.expire(version)


def _skill_row(
    version: FrameworkVersion, skill: Doc, position: int, confirmed: set[str] | None
) -> Skill:
    relation = skill.get("relation")
    return Skill(
        version_id=version.id,
        code=skill["code"],
        name=skill["name"],
        category_code=skill["category"],
        description=skill["description"],
        guidance=skill.get("guidance", ""),
        references=skill.get("references") or None,
        relation_type=relation["type"] if relation else None,
        relation_from=list(relation["from"]) if relation else None,
        is_relation_confirmed=confirmed is None or skill["code"] in confirmed,
        position=position,
        descriptors=[Descriptor(level=d["level"], text=d["text"]) for d in skill["descriptors"]],
    )


def _role_row(version: FrameworkVersion, role: Doc, position: int) -> Role:
    return Role(
        version_id=version.id,
        code=role["code"],
        name=role["name"],
        description=role.get("description", ""),
        position=position,
        levels=[
            RoleLevel(
                code=step["code"],
                name=step["name"],
                description=step.get("description", ""),
                position=index,
                profile=[
                    ProfileEntry(skill_code=code, level=level, position=order)
                    for order, (code, level) in enumerate(step["profile"].items())
                ],
            )
            for index, step in enumerate(role["levels"])
        ],
    )


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
