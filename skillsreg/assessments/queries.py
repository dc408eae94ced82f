"""Read models for assessment pages: one assessment with its version, grouped by category."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.assessments.rules import (
    AssessmentComparison,
    DroppedRating,
    Gap,
    GapCounts,
    GapSummary,
    RatingIn,
    Relations,
    WorkshopSuggestion,
    carry_forward,
    compare_assessments,
    gap,
    split_part,
    suggest_workshops,
    summarise_gaps,
)
from skillsreg.extensions import db
from skillsreg.frameworks.models import (
    Framework,
    FrameworkVersion,
    Role,
    RoleLevel,
    Skill,
    VersionStatus,
)
from skillsreg.frameworks.store import load_version, version_document
from skillsreg.frameworks.structure import (
    CategoryItem,
    RoleLevelItem,
    SkillItem,
    VersionStructure,
    version_structure,
)
from skillsreg.workshops.models import ExpressionOfInterest, Workshop, WorkshopStatus


@functools.cache
def _assessment_by_id() -> sa.Select[Assessment]:
    # Built once (on first use, when every model is mapped) and run with its parameter: every
    # self-assessment page asks for it, and building it and working out its cache key each
    # time was a quarter of the query's CPU.
    return (
        sa.select(Assessment)
        .where(Assessment.id == sa.bindparam("assessment_id"))
        .options(
            joinedload(Assessment.ratings),
            joinedload(Assessment.version).joinedload(FrameworkVersion.framework),
        )
    )


def find_assessment(assessment_id: int, *, owner: Any | None = None) -> Assessment | None:
    """An assessment with its ratings, version and framework, in one query; only the owner's
    when given.

    The person is not joined: on the member's own pages they are the signed-in user, whom the
    session already holds, so reading `assessment.user` costs no query there.
    """
    query = _assessment_by_id()
    if owner is not None:
        query = query.where(Assessment.user_id == owner.id)
    return db.session.scalars(query, {"assessment_id": assessment_id}).unique().one_or_none()


def assessments_of(user: Any) -> list[Assessment]:
    """A member's assessments, newest first, with their versions and ratings."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.user_id == user.id)
            .options(
                selectinload(Assessment.ratings),
                joinedload(Assessment.version).joinedload(FrameworkVersion.framework),
            )
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        ).unique()
    )


def submitted_of(user: Any) -> list[Assessment]:
    return [a for a in assessments_of(user) if a.status is AssessmentStatus.SUBMITTED]


@dataclass
class SkillRow:
    """One skill of an assessment, with what the member chose and what the role expects."""

    skill: SkillItem
    rating: Rating | None
    expected: int | None
    gap: Gap
    level_name: str = ""
    descriptor: str = ""
    expected_name: str = ""


@dataclass
class CategoryGroup:
    """The skills of one category in an assessment, and their gap counts."""

    category: CategoryItem
    rows: list[SkillRow] = field(default_factory=list)
    counts: GapCounts = field(default_factory=GapCounts)

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.rating and row.rating.is_rated)

    @property
    def to_confirm(self) -> int:
        return sum(1 for row in self.rows if row.rating and row.rating.needs_confirmation)


@dataclass
class AssessmentView:
    """Everything the task list, answers and result pages show about an assessment.

    `version` is the version's row (its number, status and framework); `structure` its content,
    kept per process for public versions (frameworks.structure).
    """

    assessment: Assessment
    version: FrameworkVersion
    structure: VersionStructure
    role_level: RoleLevelItem
    groups: list[CategoryGroup]
    summary: GapSummary
    level_names: dict[int, str]
    other_skills: list[SkillItem]

    @property
    def total(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @property
    def rated(self) -> int:
        return sum(group.rated for group in self.groups)

    @property
    def to_confirm(self) -> int:
        return sum(group.to_confirm for group in self.groups)

    def group(self, code: str) -> CategoryGroup | None:
        return next((g for g in self.groups if g.category.code == code), None)


def role_level_in(version: FrameworkVersion, role_code: str, level_code: str) -> RoleLevel | None:
    for role in version.roles:
        for step in role.levels:
            if role.code == role_code and step.code == level_code:
                return step
    return None


def assessment_view(
    assessment: Assessment, *, against: tuple[str, str] | None = None
) -> AssessmentView | None:
    """The assessment grouped by category with gaps against its role level (or another)."""
    version = assessment.version
    structure = version_structure(version)
    role_code, level_code = against or (assessment.role_code, assessment.role_level_code)
    step = structure.role_level(role_code, level_code)
    if step is None:
        return None
    expected = step.expected
    names = dict(structure.level_names)
    ratings = {r.skill_code: r for r in assessment.ratings}
    groups = {c.code: CategoryGroup(c) for c in structure.categories}
    for skill in structure.skills:
        if skill.code in ratings:
            groups[skill.category_code].rows.append(
                _row(skill, ratings[skill.code], expected.get(skill.code), names)
            )
    summary = summarise_gaps(assessment.levels(), expected, structure.skill_categories)
    for code, group in groups.items():
        group.counts = summary.by_category[code]
    others = [s for s in structure.skills if s.code not in ratings]
    kept = [g for g in groups.values() if g.rows]
    return AssessmentView(assessment, version, structure, step, kept, summary, names, others)


def _row(skill: SkillItem, rating: Rating, expected: int | None, names: dict[int, str]) -> SkillRow:
    level = rating.level if rating.is_rated else None
    return SkillRow(
        skill=skill,
        rating=rating,
        expected=expected,
        gap=gap(level, expected) if rating.is_rated else Gap("not-required", None),
        level_name=names.get(rating.level, "") if rating.level else "",
        descriptor=skill.descriptor_at(rating.level) or "",
        expected_name=names.get(expected, "") if expected else "",
    )


def previous_descriptors(assessment: Assessment) -> dict[str, list[dict[str, Any]]]:
    """For a carried-forward draft: by new skill code, each rated source skill's old answer.

    A split skill shows only the part of the old descriptor that became it (see rules).
    """
    previous = assessment.carried_from
    if previous is None:
        return {}
    old_skills = version_structure(previous.version).skills_by_code
    parts = _split_parts(version_structure(assessment.version))
    result: dict[str, list[dict[str, Any]]] = {}
    for rating in assessment.ratings:
        for code, level in rating.carried_sources or []:
            skill = old_skills.get(code)
            if skill is None:
                continue
            descriptor = skill.descriptor_at(level) or "Not applicable"
            siblings = parts.get(code, {})
            if level is not None and rating.skill_code in siblings:
                descriptor = split_part(descriptor, siblings, rating.skill_code) or (
                    "Nothing at that level is part of this skill now"
                )
            result.setdefault(rating.skill_code, []).append(
                {"code": code, "name": skill.name, "level": level, "descriptor": descriptor}
            )
    return result


def _split_parts(version: VersionStructure) -> dict[str, dict[str, str]]:
    """For each split parent code, the text of each part it became, by the part's code."""
    parts: dict[str, dict[str, str]] = {}
    for skill in version.skills:
        if skill.relation_type == "split":
            text = " ".join([skill.name, skill.description, *(d.text for d in skill.descriptors)])
            for code in skill.relation_from or []:
                parts.setdefault(code, {})[skill.code] = text
    return parts


def frameworks_to_assess() -> list[tuple[Framework, FrameworkVersion]]:
    """Each framework with a published version, and its latest published version."""
    versions = db.session.scalars(
        sa.select(FrameworkVersion)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED)
        .options(joinedload(FrameworkVersion.framework))
    ).all()
    latest: dict[int, FrameworkVersion] = {}
    for version in versions:
        current = latest.get(version.framework_id)
        if current is None or version.sort_key > current.sort_key:
            latest[version.framework_id] = version
    return sorted(((v.framework, v) for v in latest.values()), key=lambda pair: pair[0].title)


def carry_forward_offers(
    assessments: list[Assessment], frameworks: list[tuple[Framework, FrameworkVersion]]
) -> list[tuple[Assessment, FrameworkVersion]]:
    """Latest submitted assessments (newest first) of frameworks that have a newer version."""
    offers = []
    for framework, version in frameworks:
        submitted = [
            a for a in assessments if a.is_submitted and a.version.framework_id == framework.id
        ]
        latest = max(submitted, key=lambda a: (a.submitted_at, a.id), default=None)
        if latest is not None and latest.version.sort_key < version.sort_key:
            offers.append((latest, version))
    return offers


def dropped_ratings(assessment: Assessment, version: FrameworkVersion) -> list[DroppedRating]:
    """Ratings of the assessment this one was carried from that no longer apply."""
    previous = assessment.carried_from
    if previous is None:
        return []
    old = {r.skill_code: RatingIn(r.level, r.evidence) for r in previous.ratings if r.is_rated}
    # The whole document, as carrying forward reads it (only for carried-forward assessments).
    return carry_forward(old, version_document(load_version(version.id))).dropped


@dataclass(frozen=True)
class RetiredRating:
    """A skill the member rated before that is no longer in the framework."""

    code: str
    name: str
    level: int | None
    note: str


def retired_ratings(assessment: Assessment, version: FrameworkVersion) -> list[RetiredRating]:
    """The dropped ratings of a carried-forward assessment, with their old skill names."""
    dropped = dropped_ratings(assessment, version)
    if not dropped or assessment.carried_from is None:
        return []
    names = skill_names([assessment.carried_from.version_id])
    return [RetiredRating(d.code, names.get(d.code, d.code), d.level, d.note) for d in dropped]


def new_skills_to_add(view: AssessmentView) -> list[SkillItem]:
    """Skills new in this version, outside the profile, that a carried-forward draft lacks."""
    if view.assessment.carried_from_id is None or view.assessment.is_submitted:
        return []
    return [skill for skill in view.other_skills if skill.relation_type == "new"]


def skill_names(version_ids: list[int]) -> dict[str, str]:
    """Skill names by code across some versions (the newer name wins)."""
    rows = db.session.execute(
        sa.select(Skill.code, Skill.name)
        .where(Skill.version_id.in_(version_ids))
        .order_by(Skill.version_id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class SuggestedGap:
    """A gap a suggested workshop addresses: the skill, the member's level, the level expected."""

    name: str
    level: int | None
    expected: int | None


def suggested_workshops(
    view: AssessmentView, *, now: datetime
) -> list[tuple[Workshop, WorkshopSuggestion, list[SuggestedGap]]]:
    """Upcoming published workshops that target the skills the member falls furthest short in."""
    rows = {row.skill.code: row for group in view.groups for row in group.rows}
    gaps = {
        row.skill.code: -(row.gap.difference or 0)
        for group in view.groups
        for row in group.rows
        if row.gap.status == "below"
    }
    if not gaps:
        return []
    upcoming = db.session.scalars(
        sa.select(Workshop)
        .where(Workshop.status == WorkshopStatus.PUBLISHED, Workshop.starts_at > now)
        .order_by(Workshop.starts_at, Workshop.id)
    ).all()
    by_id = {workshop.id: workshop for workshop in upcoming}
    chosen = suggest_workshops(gaps, [(w.id, list(w.target_skill_codes or [])) for w in upcoming])
    return [
        (by_id[s.workshop_id], s, [_suggested_gap(rows[code]) for code in s.skill_codes])
        for s in chosen
    ]


def _suggested_gap(row: SkillRow) -> SuggestedGap:
    level = row.rating.level if row.rating is not None else None
    return SuggestedGap(row.skill.name, level, row.expected)


def is_shared_with_organisers(assessment_id: int) -> bool:
    """Whether someone shared this assessment with the organisers of a workshop they chose."""
    consent = (
        sa.select(ExpressionOfInterest.id)
        .join(User, User.id == ExpressionOfInterest.user_id)
        .where(
            User.email_confirmed_at.is_not(None),  # sharing needs a confirmed address
            ExpressionOfInterest.shared_assessment_id == assessment_id,
            ExpressionOfInterest.share_assessment.is_(True),
            ExpressionOfInterest.submitted_at.is_not(None),
            ExpressionOfInterest.withdrawn_at.is_(None),
        )
        .limit(1)
    )
    return db.session.scalar(consent) is not None


def role_level_names(assessments: list[Assessment]) -> dict[int, str]:
    """ "Role: role level" names by assessment id, read from each assessment's own version."""
    version_ids = {a.version_id for a in assessments}
    rows = db.session.execute(
        sa.select(Role.version_id, Role.code, Role.name, RoleLevel.code, RoleLevel.name)
        .join(RoleLevel, RoleLevel.role_id == Role.id)
        .where(Role.version_id.in_(version_ids))
    ).all()
    names = {
        (v, role, level): f"{role_name}: {level_name}"
        for v, role, role_name, level, level_name in rows
    }
    return {
        a.id: names.get((a.version_id, a.role_code, a.role_level_code), a.role_code)
        for a in assessments
    }


@dataclass
class Comparison:
    """Two assessments compared through the relations between their versions."""

    result: AssessmentComparison
    names: dict[str, str]
    before_number: str
    after_number: str


def compare(first: Assessment, second: Assessment) -> Comparison:
    """Compare two assessments; across a version and its parent, follow the skills' relations."""
    versions = {first.version_id: load_version(first.version_id)}
    versions[second.version_id] = load_version(second.version_id)
    before, after = versions[first.version_id], versions[second.version_id]
    relations: Relations | None = None
    if after.parent_id == before.id:
        relations = {
            s.code: (s.relation_type or "unchanged", list(s.relation_from or [s.code]))
            for s in after.skills
        }
    result = compare_assessments(
        first.levels(),
        second.levels(),
        relations=relations,
        before_skills={s.code for s in before.skills},
        after_skills={s.code for s in after.skills},
    )
    return Comparison(result, skill_names([before.id, after.id]), before.number, after.number)
