"""Turn frameworks, versions and their changes into the API's JSON objects."""

from __future__ import annotations

from typing import Any

from flask import url_for

from skillsreg.api.queries import public_parent
from skillsreg.frameworks.models import (
    Category,
    Framework,
    FrameworkVersion,
    RetiredSkill,
    Role,
    ScaleLevel,
    Skill,
)
from skillsreg.frameworks.rules import (
    EntryChange,
    FieldChange,
    ProfileChange,
    RoleChange,
    SkillChange,
    VersionChanges,
)
from skillsreg.frameworks.store import role_part, skill_part

Json = dict[str, Any]


def framework_summary(framework: Framework, latest: FrameworkVersion | None) -> Json:
    """A framework as listed: what it is, and its newest published version."""
    links: Json = {"self": url_for("api.show_framework", slug=framework.slug)}
    if latest is not None:
        links["latest"] = url_for("api.show_version", slug=framework.slug, version="latest")
    return {
        "slug": framework.slug,
        "title": framework.title,
        "description": framework.description,
        "licence": framework.licence,
        "owner": framework.owner,
        "latest_version": latest.number if latest else None,
        "links": links,
    }


def framework_detail(
    framework: Framework, versions: list[FrameworkVersion], latest: FrameworkVersion | None
) -> Json:
    """A framework with the versions anyone may see."""
    return framework_summary(framework, latest) | {
        "versions": [version_summary(version) for version in versions]
    }


def version_summary(version: FrameworkVersion) -> Json:
    """A version as listed under its framework."""
    return {
        "number": version.number,
        "status": version.status.value,
        "published_on": _iso(version.published_on),
        "parent": version.parent.number if version.parent else None,
        "links": version_links(version),
    }


def version_links(version: FrameworkVersion) -> Json:
    slug, number = version.framework.slug, version.number
    links = {
        "self": url_for("api.show_version", slug=slug, version=number),
        "framework": url_for("api.show_framework", slug=slug),
        "skills": url_for("api.list_skills", slug=slug, version=number),
        "roles": url_for("api.list_roles", slug=slug, version=number),
    }
    if public_parent(version) is not None:
        links["changes"] = url_for("api.show_changes", slug=slug, version=number)
    return links


def version_detail(version: FrameworkVersion) -> Json:
    """A whole version: the framework document's content, plus links."""
    framework = version.framework
    return {
        "framework": {
            "slug": framework.slug,
            "title": framework.title,
            "description": framework.description,
            "licence": framework.licence,
            "owner": framework.owner,
        },
        "version": {
            "number": version.number,
            "status": version.status.value,
            "parent": version.parent.number if version.parent else None,
            "release_notes": version.release_notes,
            "published_on": _iso(version.published_on),
            "consultation_closes_on": _iso(version.consultation_closes_on),
        },
        "levels": [level_json(level) for level in version.levels],
        "categories": [category_json(version, category) for category in version.categories],
        "skills": [skill_json(version, skill) for skill in version.skills],
        "roles": [role_json(version, role) for role in version.roles],
        "retired": [retired_json(retired) for retired in version.retired_skills],
        "links": version_links(version),
    }


def level_json(level: ScaleLevel) -> Json:
    return {"number": level.number, "name": level.name, "description": level.description}


def category_json(version: FrameworkVersion, category: Category) -> Json:
    skills = _list_skills_url(version, category=category.code)
    return {
        "code": category.code,
        "name": category.name,
        "description": category.description,
        "links": {"skills": skills},
    }


def skill_json(version: FrameworkVersion, skill: Skill) -> Json:
    """A skill with its descriptors and its relation to the parent version's skills."""
    part = skill_part(skill)
    return {
        **part,
        "references": part.get("references", {}),
        "relation": part.get("relation"),
        "links": {
            "self": url_for(
                "api.show_skill",
                slug=version.framework.slug,
                version=version.number,
                code=skill.code,
            )
        },
    }


def role_json(version: FrameworkVersion, role: Role) -> Json:
    """A role with its seniority steps and the level each step expects in each skill."""
    slug = version.framework.slug
    return {
        **role_part(role),
        "links": {
            "self": url_for("api.show_role", slug=slug, version=version.number, code=role.code),
            "skills": _list_skills_url(version, role=role.code),
        },
    }


def retired_json(retired: RetiredSkill) -> Json:
    return {"code": retired.code, "note": retired.note}


def skill_list(version: FrameworkVersion, skills: list[Skill], filters: Json) -> Json:
    """Some of a version's skills, with the filters that chose them."""
    return {
        "framework": version.framework.slug,
        "version": version.number,
        "filters": filters,
        "count": len(skills),
        "skills": [skill_json(version, skill) for skill in skills],
        "links": {"version": url_for("api.show_version", **_version_args(version))},
    }


def role_list(version: FrameworkVersion) -> Json:
    return {
        "framework": version.framework.slug,
        "version": version.number,
        "count": len(version.roles),
        "roles": [role_json(version, role) for role in version.roles],
        "links": {"version": url_for("api.show_version", **_version_args(version))},
    }


def changes_json(changes: VersionChanges, old: FrameworkVersion, new: FrameworkVersion) -> Json:
    """What changed between two versions: each skill's fate; edited levels, categories, roles."""
    return {
        "framework": changes.slug,
        "from": changes.old_version,
        "to": changes.new_version,
        "relations_from_document": changes.relations_from_document,
        "counts": dict(changes.counts),
        "skills": [_skill_change(skill) for skill in changes.skills],
        "levels": [_entry_change(entry) for entry in changes.levels],
        "categories": [_entry_change(entry) for entry in changes.categories],
        "roles": [_role_change(role) for role in changes.roles],
        "links": {
            "from": url_for("api.show_version", **_version_args(old)),
            "to": url_for("api.show_version", **_version_args(new)),
        },
    }


def _skill_change(change: SkillChange) -> Json:
    return {
        "code": change.code,
        "name": change.name,
        "relation": change.relation,
        "sources": list(change.sources),
        "note": change.note,
        "fields": [_field_change(field) for field in change.fields],
    }


def _field_change(change: FieldChange) -> Json:
    return {
        "field": change.field,
        "level": change.level,
        "kind": change.kind,
        "old": change.old,
        "new": change.new,
        "diff": [{"op": op, "text": text} for op, text in change.segments],
    }


def _entry_change(change: EntryChange) -> Json:
    return {
        "key": change.key,
        "name": change.name,
        "kind": change.kind,
        "fields": [_field_change(field) for field in change.fields],
    }


def _role_change(change: RoleChange) -> Json:
    return {
        "code": change.code,
        "name": change.name,
        "kind": change.kind,
        "fields": [_field_change(field) for field in change.fields],
        "levels_added": list(change.levels_added),
        "levels_removed": list(change.levels_removed),
        "profile": [_profile_change(entry) for entry in change.profile],
    }


def _profile_change(change: ProfileChange) -> Json:
    return {
        "level_code": change.level_code,
        "skill_code": change.skill_code,
        "old": change.old,
        "new": change.new,
    }


def error_json(status: int, message: str) -> Json:
    return {"error": {"status": status, "message": message}}


def _version_args(version: FrameworkVersion) -> dict[str, Any]:
    return {"slug": version.framework.slug, "version": version.number}


def _list_skills_url(version: FrameworkVersion, **filters: Any) -> str:
    return url_for("api.list_skills", **_version_args(version), **filters)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
