"""Read models for the API: frameworks with their versions, and versions' whole content."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from skillsreg.extensions import db
from skillsreg.frameworks.models import (
    Framework,
    FrameworkVersion,
    Skill,
    VersionStatus,
)

# Drafts are the organisers' work in progress; consultation versions are public by design.
VISIBLE_STATUSES = frozenset(
    {VersionStatus.CONSULTATION, VersionStatus.PUBLISHED, VersionStatus.RETIRED}
)


def frameworks_with_versions() -> list[Framework]:
    """Every framework that has a visible version, by title, with all its versions (1 query)."""
    query = sa.select(Framework).options(joinedload(Framework.versions)).order_by(Framework.title)
    frameworks = db.session.scalars(query).unique().all()
    return [framework for framework in frameworks if visible_versions(framework)]


def framework_with_versions(slug: str) -> Framework | None:
    """The framework with this slug and all its versions, in one query."""
    query = (
        sa.select(Framework).where(Framework.slug == slug).options(joinedload(Framework.versions))
    )
    return db.session.scalars(query).unique().one_or_none()


def visible_versions(framework: Framework) -> list[FrameworkVersion]:
    """The versions anyone may see, newest first."""
    versions = [v for v in framework.versions if v.status in VISIBLE_STATUSES]
    return sorted(versions, key=lambda version: version.sort_key, reverse=True)


def latest_published(framework: Framework) -> FrameworkVersion | None:
    """The newest published version, from the versions already loaded."""
    published = [v for v in framework.versions if v.status is VersionStatus.PUBLISHED]
    return max(published, key=lambda version: version.sort_key, default=None)


def public_parent(version: FrameworkVersion) -> FrameworkVersion | None:
    """The version this one was drafted from, if anyone may see it."""
    parent = version.parent
    return parent if parent is not None and parent.status in VISIBLE_STATUSES else None


def filter_skills(
    version: FrameworkVersion, *, category: str | None, role: str | None, text: str | None
) -> list[Skill]:
    """The version's skills in a category, expected by a role, or mentioning some text."""
    skills = list(version.skills)
    if category:
        skills = [skill for skill in skills if skill.category_code == category]
    if role:
        expected = {
            entry.skill_code
            for found in version.roles
            if found.code == role
            for step in found.levels
            for entry in step.profile
        }
        skills = [skill for skill in skills if skill.code in expected]
    if text:
        wanted = text.casefold()
        skills = [skill for skill in skills if wanted in _searchable(skill)]
    return skills


def _searchable(skill: Skill) -> str:
    texts = [skill.code, skill.name, skill.description, skill.guidance]
    texts += [descriptor.text for descriptor in skill.descriptors]
    return "\n".join(texts).casefold()
