"""A public version's content as plain immutable objects, kept per process for the pages that
read it on every request (the self-assessment pages).

Published and retired versions never change their content (retiring changes only the status),
so a version's structure is built once per process and kept, keyed by the version's id and
content hash: the hash makes a reused id (SQLite reuses the ids of rolled-back rows) a different
key. Drafts and versions under consultation change, so they are built afresh every time and
never kept. Only content is kept: a version's state (status, dates, framework) is always read
from its row, by the caller, in the request.

The objects answer to the same attribute names as the models they are made from (`Skill`,
`Category`, `ScaleLevel`, `Role`, `RoleLevel`, ...), so templates read either.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import sqlalchemy as sa

from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion, Role, VersionStatus
from skillsreg.frameworks.store import load_version

# Versions kept per process. A member works against the latest published version; older ones
# are read for carried-forward and submitted assessments. A version of the shipped framework
# takes about 1 MB here.
CACHED_VERSIONS = 8


@dataclass(frozen=True, slots=True, eq=False)
class LevelItem:
    """A level on the version's scale."""

    number: int
    name: str
    description: str


@dataclass(frozen=True, slots=True, eq=False)
class CategoryItem:
    """A group of skills."""

    code: str
    name: str
    description: str
    position: int


@dataclass(frozen=True, slots=True, eq=False)
class DescriptorItem:
    """What a skill looks like at one level."""

    level: int
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class SkillItem:
    """A skill with its descriptors, in level order, and its relation to the parent version."""

    code: str
    name: str
    category_code: str
    description: str
    guidance: str
    relation_type: str | None
    relation_from: tuple[str, ...] | None
    position: int
    descriptors: tuple[DescriptorItem, ...]
    levels: tuple[int, ...]

    def descriptor_at(self, level: int | None) -> str | None:
        for descriptor in self.descriptors:
            if descriptor.level == level:
                return descriptor.text
        return None


@dataclass(frozen=True, slots=True, eq=False)
class RoleLevelItem:
    """A seniority step of a role and the level it expects in each skill."""

    code: str
    name: str
    description: str
    position: int
    expected: Mapping[str, int]
    role: RoleItem = field(repr=False)


@dataclass(frozen=True, slots=True, eq=False)
class RoleItem:
    """A kind of job with its seniority steps."""

    code: str
    name: str
    description: str
    position: int
    levels: tuple[RoleLevelItem, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class RetiredSkillItem:
    """A skill of the parent version that this version no longer has."""

    code: str
    note: str


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class VersionStructure:
    """Everything a version contains, without its state."""

    id: int
    content_hash: str
    levels: tuple[LevelItem, ...]
    categories: tuple[CategoryItem, ...]
    skills: tuple[SkillItem, ...]
    roles: tuple[RoleItem, ...]
    retired_skills: tuple[RetiredSkillItem, ...]
    level_names: Mapping[int, str]
    skill_categories: Mapping[str, str]
    skills_by_code: Mapping[str, SkillItem]

    def skill(self, code: str) -> SkillItem | None:
        return self.skills_by_code.get(code)

    def role_level(self, role_code: str, level_code: str) -> RoleLevelItem | None:
        for role in self.roles:
            if role.code == role_code:
                return next((step for step in role.levels if step.code == level_code), None)
        return None


_cache: OrderedDict[tuple[int, str], VersionStructure] = OrderedDict()
_lock = threading.Lock()


def is_cacheable(version: FrameworkVersion) -> bool:
    """Published and retired versions, whose content never changes again."""
    return version.is_public and bool(version.content_hash)


def version_structure(version: FrameworkVersion) -> VersionStructure:
    """The version's content: from this process's cache when it is public, else read now."""
    if not is_cacheable(version):
        return build_structure(load_version(version.id))
    key = (version.id, version.content_hash)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    # Read outside the lock: two requests may both build it, and either copy is the same.
    built = build_structure(load_version(version.id))
    with _lock:
        _cache[key] = built
        _cache.move_to_end(key)
        while len(_cache) > CACHED_VERSIONS:
            _cache.popitem(last=False)
    return built


def keep_published() -> int:
    """Build and keep the structure of each published version (the newest first); say how many."""
    versions = db.session.scalars(
        sa.select(FrameworkVersion)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED)
        .order_by(FrameworkVersion.published_at.desc(), FrameworkVersion.id.desc())
        .limit(CACHED_VERSIONS)
    ).all()
    for version in reversed(versions):  # the newest kept last: the last to be dropped
        version_structure(version)
    return len(versions)


def cached_keys() -> list[tuple[int, str]]:
    """The (version id, content hash) of each kept structure, least recently used first."""
    with _lock:
        return list(_cache)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def build_structure(version: FrameworkVersion) -> VersionStructure:
    """Copy a fully loaded version's content into plain objects."""
    skills = tuple(
        SkillItem(
            code=skill.code,
            name=skill.name,
            category_code=skill.category_code,
            description=skill.description,
            guidance=skill.guidance,
            relation_type=skill.relation_type,
            relation_from=tuple(skill.relation_from) if skill.relation_from is not None else None,
            position=skill.position,
            descriptors=tuple(DescriptorItem(d.level, d.text) for d in skill.descriptors),
            levels=tuple(d.level for d in skill.descriptors),
        )
        for skill in version.skills
    )
    levels = tuple(LevelItem(lv.number, lv.name, lv.description) for lv in version.levels)
    return VersionStructure(
        id=version.id,
        content_hash=version.content_hash,
        levels=levels,
        categories=tuple(
            CategoryItem(c.code, c.name, c.description, c.position) for c in version.categories
        ),
        skills=skills,
        roles=tuple(_role(role) for role in version.roles),
        retired_skills=tuple(RetiredSkillItem(r.code, r.note) for r in version.retired_skills),
        level_names=MappingProxyType({level.number: level.name for level in levels}),
        skill_categories=MappingProxyType({s.code: s.category_code for s in skills}),
        skills_by_code=MappingProxyType({s.code: s for s in skills}),
    )


def _role(role: Role) -> RoleItem:
    item = RoleItem(role.code, role.name, role.description, role.position)
    steps = tuple(
        RoleLevelItem(
            code=step.code,
            name=step.name,
            description=step.description,
            position=step.position,
            expected=MappingProxyType(step.expected),
            role=item,
        )
        for step in role.levels
    )
    # A role and its levels refer to each other, so the levels are set once both exist.
    object.__setattr__(item, "levels", steps)
    return item
