"""Read models for the insight pages: protected tables with their charts, cached per release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.core.caching import cached, content_key
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.insight import queries
from skillsreg.insight.charts import Segment, bar_chart, share_chart
from skillsreg.insight.models import Release
from skillsreg.insight.rules import GAP_STATUSES, Table, share, suppress_together
from skillsreg.insight.tables import (
    GAP_LABELS,
    CategorySummary,
    Cell,
    ShownTable,
    SkillSummary,
    category_summaries,
    level_labels,
    present_table,
    protected_tables,
    skill_summaries,
)

GAP_PATTERNS = {"below": "hatch", "meets": "solid", "above": "dots"}


def gap_segments(cells: list[Cell]) -> list[Segment]:
    return [
        Segment(GAP_LABELS[status], cell.percent, GAP_PATTERNS[status])
        for status, cell in zip(GAP_STATUSES, cells, strict=False)
    ]


def fingerprint(version_id: int) -> list[Any]:
    """What changes whenever the counted people or their assessments change."""
    assessments = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.max(Assessment.id), sa.func.max(Assessment.submitted_at)
        ).where(
            Assessment.version_id == version_id, Assessment.status == AssessmentStatus.SUBMITTED
        )
    ).one()
    users = db.session.execute(
        sa.select(
            sa.func.count(User.email_confirmed_at),
            sa.func.count(User.erased_at),
            sa.func.sum(sa.case((User.is_statistics_opt_out, 1), else_=0)),
            sa.func.max(User.id),
        )
    ).one()
    # Who is in which sector and region: a person moving changes their groups' id sums.
    places = db.session.execute(
        sa.select(
            User.sector,
            User.region,
            sa.func.count(),
            sa.func.sum(User.id),
            sa.func.sum(User.id * User.id),
        )
        .where(User.erased_at.is_(None))
        .group_by(User.sector, User.region)
        .order_by(User.sector, User.region)
    ).all()
    return [*assessments, *users, [list(row) for row in places]]


def counted_picture(version_id: int, state: list[Any] | None = None) -> queries.Picture:
    """The counted picture (true counts, for protecting before anything is shown), cached per
    state of the counted data (its `fingerprint`, worked out unless given): the overview and
    every skill page share one count."""
    if state is None:
        state = fingerprint(version_id)
    key = content_key("insight-picture", version_id, state)
    return cached(key, lambda: _count(version_id))


def _count(version_id: int) -> queries.Picture:
    queries.prepare_counting()
    return queries.skills_picture(version_id)


@dataclass(frozen=True)
class Overview:
    people: int
    shown_people: int | None
    categories: list[CategorySummary]
    skills: list[SkillSummary]
    category_chart: Markup
    skill_charts: dict[str, Markup]


def overview(version: FrameworkVersion, k: int) -> Overview:
    """The organiser's overview of a version's picture, every count protected."""
    state = fingerprint(version.id)
    key = content_key("insight-overview", version.id, k, state)
    return cached(key, lambda: _overview(version, k, state))


def _overview(version: FrameworkVersion, k: int, state: list[Any]) -> Overview:
    shape = queries.version_shape(version)
    picture = counted_picture(version.id, state)
    gaps = picture.categories
    if gaps is None:
        queries.prepare_counting()
        gaps = queries.category_gaps(version.id)
    categories = category_summaries(gaps, shape, k)
    skills = skill_summaries(picture, shape, k)
    category_chart = share_chart(
        "chart-categories",
        "People below, meeting or above their role level's expectations, by category",
        [(c.name, gap_segments(c.table.rows[0].cells if c.table.rows else [])) for c in categories],
    )
    skill_charts = {
        code: share_chart(
            f"chart-{code.lower()}",
            f"Ratings of the skills in {name} against expectations",
            [(s.name, gap_segments(s.gaps)) for s in skills if s.category_code == code],
        )
        for code, name in shape.categories
    }
    return Overview(
        people=picture.people,
        shown_people=picture.people if picture.people >= k else None,
        categories=categories,
        skills=skills,
        category_chart=category_chart,
        skill_charts=skill_charts,
    )


@dataclass(frozen=True)
class SkillView:
    code: str
    name: str
    cut: str
    levels: ShownTable
    gaps: ShownTable
    level_chart: Markup
    gap_chart: Markup
    validated: ShownTable
    validated_chart: Markup


def skill_view(version: FrameworkVersion, code: str, cut: str, k: int) -> SkillView | None:
    """One skill's level distribution and gaps for one cut, every count protected."""
    shape = queries.version_shape(version)
    skill = shape.skill(code)
    if skill is None:
        return None
    state = fingerprint(version.id)
    key = content_key("insight-skill", version.id, code, k, state)
    tables = cached(
        key, lambda: protected_tables(counted_picture(version.id, state), shape, code, k)
    )
    levels, gaps = tables["levels"][cut], tables["gaps"][cut]
    level_rows = [
        (label, cell.count) for (_, label), cell in zip(levels.columns, levels.totals, strict=True)
    ]
    validated = validated_table(version.id, code, shape, k)
    return SkillView(
        code=code,
        name=skill.name,
        cut=cut,
        levels=levels,
        gaps=gaps,
        level_chart=bar_chart("chart-levels", f"How people rate {skill.name}", level_rows),
        validated=validated,
        validated_chart=bar_chart(
            "chart-validated",
            f"Levels of {skill.name} validated by an independent review",
            [
                (label, cell.count)
                for (_, label), cell in zip(validated.columns, validated.totals, strict=True)
            ],
        ),
        gap_chart=share_chart(
            "chart-gaps",
            f"{skill.name} against expectations, by {queries.CUTS[cut].lower()}",
            [(row.label, gap_segments(row.cells)) for row in gaps.rows],
        ),
    )


def validated_table(version_id: int, code: str, shape: Any, k: int) -> ShownTable:
    """Validated levels of one skill for everyone, protected like every other count."""
    counts = {
        ("all", lv): n
        for (skill, lv), n in queries.validated_counts(version_id).items()
        if skill == code
    }
    cols = tuple(n for n, _ in shape.levels)
    table = Table(rows=("all",) if counts else (), cols=cols, cells=counts)
    suppression = suppress_together([table], k)[0]
    return present_table(table, suppression, "all", shape, level_labels(shape))


@dataclass(frozen=True)
class PublicSkill:
    code: str
    name: str
    category: str
    rated: int
    levels: list[tuple[str, int]]
    gaps: list[Cell]


@dataclass(frozen=True)
class PublicGroup:
    """A group of a cut: its noisy ratings below, meeting or above expectations, all skills
    added up, and its noisy ratings in all."""

    name: str
    gaps: list[Cell]
    ratings: int


@dataclass(frozen=True)
class PublicCut:
    code: str
    name: str
    groups: list[PublicGroup]
    chart: Markup


@dataclass(frozen=True)
class PublicView:
    release: Release
    skills: list[PublicSkill]
    charts: dict[str, Markup]
    categories: list[tuple[str, str]]
    cuts: list[PublicCut]


def public_cuts(figures: dict[str, Any]) -> list[PublicCut]:
    """Each cut of a release as one row per group, its noisy counts added up over the skills
    (adding up noisy counts is post-processing: it costs no privacy)."""
    cuts = []
    for code, table in figures.get("cuts", {}).items():
        groups = []
        for group in table["groups"]:
            totals = {st: sum(s["gaps"][st] for s in group["skills"]) for st in GAP_STATUSES}
            compared = sum(totals.values())
            groups.append(
                PublicGroup(
                    group["name"],
                    [Cell(totals[st], share(totals[st], compared)) for st in GAP_STATUSES],
                    sum(sum(s["levels"].values()) for s in group["skills"]),
                )
            )
        chart = share_chart(
            f"chart-by-{code}",
            f"Ratings against expectations by {table['name'].lower()} (noisy shares)",
            [(g.name, gap_segments(g.gaps)) for g in groups],
        )
        cuts.append(PublicCut(code, table["name"], groups, chart))
    return cuts


def public_view(release: Release) -> PublicView:
    """A release's noisy figures as shares per skill, with a chart per category."""
    figures = release.figures
    names = {**figures["levels"], "0": "Not applicable"}
    skills = []
    for item in figures["skills"]:
        levels = [(names.get(lv, lv), n) for lv, n in item["levels"].items()]
        compared = sum(item["gaps"].values())
        gaps = [Cell(item["gaps"][st], share(item["gaps"][st], compared)) for st in GAP_STATUSES]
        skills.append(
            PublicSkill(
                item["code"],
                item["name"],
                item["category"],
                sum(n for _, n in levels),
                levels,
                gaps,
            )
        )
    shape = queries.version_shape(release.version)
    charts = {
        code: share_chart(
            f"chart-{code.lower()}",
            f"Skills in {name} against expectations (noisy shares)",
            [(s.name, gap_segments(s.gaps)) for s in skills if s.category == code],
        )
        for code, name in shape.categories
    }
    return PublicView(release, skills, charts, shape.categories, public_cuts(figures))


def level_names(version: FrameworkVersion) -> dict[Any, str]:
    return level_labels(queries.version_shape(version))


def health_charts(months: list[Any]) -> dict[str, Markup]:
    """A bar chart per health measure, a bar per month."""
    from skillsreg.insight.health import MEASURES

    return {
        key: bar_chart(
            f"chart-{key}",
            f"{label} per month",
            [(m.month, m.counts[key]) for m in months],
            unit=label.lower(),
        )
        for key, label in MEASURES.items()
    }
