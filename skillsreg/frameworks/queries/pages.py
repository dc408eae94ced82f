"""What the version, skill search, skill and role pages show, each in a few queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from skillsreg.extensions import db
from skillsreg.frameworks.models import (
    Category,
    Comment,
    FrameworkVersion,
    ProfileEntry,
    Role,
    RoleLevel,
    ScaleLevel,
    Skill,
    VersionStatus,
)
from skillsreg.frameworks.queries.comments import comment_count, comments_by
from skillsreg.frameworks.queries.versions import latest_published


@dataclass(frozen=True)
class CategoryGroup:
    category: Category
    skills: list[Skill]


@dataclass(frozen=True)
class VersionPage:
    version: FrameworkVersion
    latest: FrameworkVersion | None
    levels: list[ScaleLevel]
    groups: list[CategoryGroup]
    roles: list[Role]
    skill_count: int
    my_comments: list[Comment]
    comment_count: int | None
    skill_names: dict[str, str]


def _levels(version: FrameworkVersion) -> list[ScaleLevel]:
    return list(
        db.session.scalars(
            sa.select(ScaleLevel)
            .where(ScaleLevel.version_id == version.id)
            .order_by(ScaleLevel.number)
        )
    )


def _categories(version: FrameworkVersion) -> list[Category]:
    return list(
        db.session.scalars(
            sa.select(Category).where(Category.version_id == version.id).order_by(Category.position)
        )
    )


def _skills(version: FrameworkVersion, *, descriptors: bool) -> list[Skill]:
    query = sa.select(Skill).where(Skill.version_id == version.id).order_by(Skill.position)
    if descriptors:
        query = query.options(selectinload(Skill.descriptors))
    return list(db.session.scalars(query))


def _roles(version: FrameworkVersion) -> list[Role]:
    query = (
        sa.select(Role)
        .where(Role.version_id == version.id)
        .options(joinedload(Role.levels))
        .order_by(Role.position)
    )
    return list(db.session.scalars(query).unique())


def group_by_category(categories: list[Category], skills: list[Skill]) -> list[CategoryGroup]:
    """Skills under their categories, both in the version's order."""
    by_category: dict[str, list[Skill]] = {category.code: [] for category in categories}
    for skill in skills:
        by_category.setdefault(skill.category_code, []).append(skill)
    return [CategoryGroup(category, by_category[category.code]) for category in categories]


def version_page(version: FrameworkVersion, viewer: Any) -> VersionPage:
    """What the version page shows: the scale, skills by category, roles, the viewer's comments."""
    skills = _skills(version, descriptors=False)
    consulting = version.status is VersionStatus.CONSULTATION
    organiser = getattr(viewer, "is_organiser", False)
    return VersionPage(
        version=version,
        latest=latest_published(version.framework),
        levels=_levels(version),
        groups=group_by_category(_categories(version), skills),
        roles=_roles(version),
        skill_count=len(skills),
        my_comments=comments_by(version, viewer) if consulting else [],
        comment_count=comment_count(version) if organiser and not version.is_public else None,
        skill_names={skill.code: skill.name for skill in skills},
    )


@dataclass(frozen=True)
class SkillCatalogue:
    """A version's skills with their descriptors, and the choices for filtering them."""

    categories: list[Category]
    roles: list[Role]
    skills: list[Skill]

    def search(
        self, *, text: str = "", category: str = "", within: set[str] | None = None
    ) -> list[Skill]:
        """Skills matching every filter given; text matches words anywhere, in any case."""
        words = text.casefold().split()
        return [
            skill
            for skill in self.skills
            if (not category or skill.category_code == category)
            and (within is None or skill.code in within)
            and all(word in _searchable(skill) for word in words)
        ]

    @property
    def category_names(self) -> dict[str, str]:
        return {category.code: category.name for category in self.categories}


def _searchable(skill: Skill) -> str:
    texts = [skill.code, skill.name, skill.description, *(d.text for d in skill.descriptors)]
    return "\n".join(texts).casefold()


def skill_catalogue(version: FrameworkVersion) -> SkillCatalogue:
    """Everything the skill search page filters on."""
    return SkillCatalogue(_categories(version), _roles(version), _skills(version, descriptors=True))


def skills_in_role(version: FrameworkVersion, role_code: str) -> set[str]:
    """Codes of the skills any level of a role expects."""
    query = (
        sa.select(ProfileEntry.skill_code)
        .join(RoleLevel, ProfileEntry.role_level_id == RoleLevel.id)
        .join(Role, RoleLevel.role_id == Role.id)
        .where(Role.version_id == version.id, Role.code == role_code)
    )
    return set(db.session.scalars(query))


@dataclass(frozen=True)
class Expectation:
    role: Role
    role_level: RoleLevel
    level: int


@dataclass(frozen=True)
class SkillPage:
    version: FrameworkVersion
    skill: Skill
    category: Category
    levels: dict[int, ScaleLevel]
    expectations: list[Expectation]
    sources: list[tuple[str, Skill | None]]
    my_comments: list[Comment]

    @property
    def descriptors(self) -> Iterator[tuple[ScaleLevel | None, int, str]]:
        for descriptor in self.skill.descriptors:
            yield self.levels.get(descriptor.level), descriptor.level, descriptor.text


def _expectations(version: FrameworkVersion, code: str) -> list[Expectation]:
    query = (
        sa.select(ProfileEntry.level, RoleLevel, Role)
        .join(RoleLevel, ProfileEntry.role_level_id == RoleLevel.id)
        .join(Role, RoleLevel.role_id == Role.id)
        .where(Role.version_id == version.id, ProfileEntry.skill_code == code)
        .order_by(Role.position, RoleLevel.position)
    )
    return [Expectation(role, step, level) for level, step, role in db.session.execute(query)]


def _sources(skill: Skill, parent: FrameworkVersion | None) -> list[tuple[str, Skill | None]]:
    codes = list(skill.relation_from or [])
    if not codes or parent is None:
        return [(code, None) for code in codes]
    query = sa.select(Skill).where(Skill.version_id == parent.id, Skill.code.in_(codes))
    found = {source.code: source for source in db.session.scalars(query)}
    return [(code, found.get(code)) for code in codes]


def skill_page(version: FrameworkVersion, code: str, viewer: Any) -> SkillPage | None:
    """A skill with its descriptors, the roles expecting it and where it came from."""
    query = (
        sa.select(Skill)
        .where(Skill.version_id == version.id, Skill.code == code)
        .options(joinedload(Skill.descriptors))
        .execution_options(populate_existing=True)
    )
    skill = db.session.scalars(query).unique().one_or_none()
    if skill is None:
        return None
    category = db.session.scalars(
        sa.select(Category).where(
            Category.version_id == version.id, Category.code == skill.category_code
        )
    ).one()
    consulting = version.status is VersionStatus.CONSULTATION
    return SkillPage(
        version=version,
        skill=skill,
        category=category,
        levels={level.number: level for level in _levels(version)},
        expectations=_expectations(version, code),
        sources=_sources(skill, version.parent),
        my_comments=comments_by(version, viewer, skill_code=code) if consulting else [],
    )


@dataclass(frozen=True)
class ExpectedSkill:
    skill: Skill
    level: int
    level_name: str
    descriptor: str


@dataclass(frozen=True)
class RolePage:
    version: FrameworkVersion
    role: Role
    steps: list[tuple[RoleLevel, list[ExpectedSkill]]]


def role_page(version: FrameworkVersion, code: str) -> RolePage | None:
    """A role with what each of its levels expects, descriptor by descriptor."""
    query = (
        sa.select(Role)
        .where(Role.version_id == version.id, Role.code == code)
        .options(joinedload(Role.levels).joinedload(RoleLevel.profile))
        .execution_options(populate_existing=True)
    )
    role = db.session.scalars(query).unique().one_or_none()
    if role is None:
        return None
    codes = {entry.skill_code for step in role.levels for entry in step.profile}
    skills_query = (
        sa.select(Skill)
        .where(Skill.version_id == version.id, Skill.code.in_(codes))
        .options(joinedload(Skill.descriptors))
    )
    skills = {skill.code: skill for skill in db.session.scalars(skills_query).unique()}
    names = {level.number: level.name for level in _levels(version)}
    steps = [
        (
            step,
            [
                ExpectedSkill(
                    skills[entry.skill_code],
                    entry.level,
                    names.get(entry.level, ""),
                    skills[entry.skill_code].descriptor_at(entry.level) or "",
                )
                for entry in step.profile
                if entry.skill_code in skills
            ],
        )
        for step in role.levels
    ]
    return RolePage(version, role, steps)
