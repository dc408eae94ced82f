"""The picture over time: per calendar quarter, and across framework versions by relation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion, Skill, VersionStatus
from skillsreg.insight.queries import _expected, counted_assessments, in_utc
from skillsreg.insight.rules import GAP_STATUSES, share


def _quarter(column: Any) -> sa.ColumnElement[int]:
    month = sa.extract("month", in_utc(column))
    return sa.case((month <= 3, 1), (month <= 6, 2), (month <= 9, 3), else_=4)


@dataclass(frozen=True)
class Quarter:
    label: str
    people: int | None  # None: fewer than k, hidden with everything else in the row
    percents: list[int | None]


def quarters(version_id: int, k: int) -> list[Quarter]:
    """Per quarter, each person's latest assessment submitted in it: shares of their ratings
    below, meeting or above expectations. Quarters with fewer than k people are hidden."""
    year = sa.extract("year", in_utc(Assessment.submitted_at))
    quarter = _quarter(Assessment.submitted_at)
    ranked = (
        sa.select(
            Assessment.id.label("assessment_id"),
            Assessment.user_id,
            Assessment.role_code,
            Assessment.role_level_code,
            year.label("year"),
            quarter.label("quarter"),
            sa.func.row_number()
            .over(
                partition_by=(Assessment.user_id, year, quarter),
                order_by=(Assessment.submitted_at.desc(), Assessment.id.desc()),
            )
            .label("newest"),
        )
        .join(User, User.id == Assessment.user_id)
        .where(
            Assessment.version_id == version_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.validated_from_id.is_(None),  # self-ratings; validated ones apart
            User.email_confirmed_at.is_not(None),
            User.erased_at.is_(None),
            User.is_statistics_opt_out.is_(False),
        )
        .subquery()
    )
    latest = sa.select(ranked).where(ranked.c.newest == 1).subquery()
    people = {
        (int(y), int(q)): n
        for y, q, n in db.session.execute(
            sa.select(latest.c.year, latest.c.quarter, sa.func.count()).group_by(
                latest.c.year, latest.c.quarter
            )
        )
    }
    expected = _expected(version_id)
    status = sa.case(
        (Rating.level < expected.c.expected, "below"),
        (Rating.level == expected.c.expected, "meets"),
        else_="above",
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for y, q, st, n in db.session.execute(
        sa.select(latest.c.year, latest.c.quarter, status, sa.func.count())
        .join(Rating, Rating.assessment_id == latest.c.assessment_id)
        .join(
            expected,
            sa.and_(
                expected.c.role_code == latest.c.role_code,
                expected.c.role_level_code == latest.c.role_level_code,
                expected.c.skill_code == Rating.skill_code,
            ),
        )
        .where(Rating.level.is_not(None))
        .group_by(latest.c.year, latest.c.quarter, status)
    ):
        counts.setdefault((int(y), int(q)), {})[st] = n
    result = []
    for key in sorted(people):
        got = counts.get(key, {})
        whole = sum(got.values())
        shown = people[key] >= k
        result.append(
            Quarter(
                f"{key[0]} Q{key[1]}",
                people[key] if shown else None,
                [share(got.get(st, 0), whole) if shown else None for st in GAP_STATUSES],
            )
        )
    return result


@dataclass(frozen=True)
class SkillFigure:
    people: int
    mean: float


def skill_figures(version_id: int) -> dict[str, SkillFigure]:
    """People who gave each skill a level, and the mean level, counted in SQL."""
    counted = counted_assessments(version_id)
    rows = db.session.execute(
        sa.select(Rating.skill_code, sa.func.count(), sa.func.avg(Rating.level))
        .join(counted, counted.c.assessment_id == Rating.assessment_id)
        .where(Rating.level.is_not(None))
        .group_by(Rating.skill_code)
    )
    return {code: SkillFigure(n, float(mean)) for code, n, mean in rows}


@dataclass(frozen=True)
class Comparison:
    code: str
    name: str
    relation: str
    sources: list[str]
    earlier: SkillFigure | None
    now: SkillFigure | None
    is_comparable: bool


def earlier_version(version: FrameworkVersion) -> FrameworkVersion | None:
    """The published or retired version this one was made from, if any."""
    parent = version.parent
    if parent is None or parent.status is VersionStatus.DRAFT:
        return None
    return parent


def _earlier_figure(relation: str, sources: list[str], old: dict[str, SkillFigure]):
    found = [old[code] for code in sources if code in old]
    if not found:
        return None
    if relation == "merged":
        # Cautious, like carrying forward: the lowest of the combined skills' figures.
        return min(found, key=lambda figure: figure.mean)
    return found[0]


def across_versions(version: FrameworkVersion, k: int) -> tuple[FrameworkVersion | None, list]:
    """Each skill of `version` beside its earlier figure, following its typed relation."""
    parent = earlier_version(version)
    if parent is None:
        return None, []
    old = {c: f for c, f in skill_figures(parent.id).items() if f.people >= k}
    new = {c: f for c, f in skill_figures(version.id).items() if f.people >= k}
    skills = db.session.scalars(
        sa.select(Skill).where(Skill.version_id == version.id).order_by(Skill.position)
    )
    result = []
    for skill in skills:
        relation = skill.relation_type or "new"
        sources = list(skill.relation_from or ([skill.code] if relation != "new" else []))
        result.append(
            Comparison(
                skill.code,
                skill.name,
                relation,
                sources,
                _earlier_figure(relation, sources, old),
                new.get(skill.code),
                relation in ("unchanged", "reworded"),
            )
        )
    return parent, result
