"""Insight services: members opting out of statistics, and differentially private releases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.accounts.rules import UK_REGIONS, Sector
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db
from skillsreg.insight import opendata, queries
from skillsreg.insight.models import Release
from skillsreg.insight.noise import mechanism_name, noisy_counts
from skillsreg.insight.rules import (
    DEFAULT_RELEASE_SHARES,
    GAP_STATUSES,
    InsightRuleError,
    TableBudget,
    check_budget,
    parse_release_shares,
    split_budget,
)


class InsightError(DomainError):
    """An insight rule was broken, such as a spent privacy budget."""


def set_statistics_opt_out(user: User, *, opt_out: bool, now: datetime) -> bool:
    """Leave a member out of (or back in) the community statistics; return whether it changed."""
    if user.is_statistics_opt_out == opt_out:
        return False
    user.is_statistics_opt_out = opt_out
    db.session.flush()
    record(
        "insight.opt_out" if opt_out else "insight.opt_in",
        actor=user,
        subject_type="user",
        subject_id=user.id,
        at=now.isoformat(),
    )
    return True


@dataclass(frozen=True)
class Budget:
    per_release: float
    total: float
    max_ratings: int
    # INSIGHT_RELEASE_SHARES, checked only when a release is made or the budget described.
    shares: str = DEFAULT_RELEASE_SHARES

    def tables(self, epsilon: float | None = None) -> dict[str, TableBudget]:
        """Each release table's epsilon, sensitivity and noise scale (of `epsilon`, by default
        a full release's)."""
        try:
            shares = parse_release_shares(self.shares)
        except InsightRuleError as error:
            raise InsightError(str(error)) from None
        return split_budget(
            self.per_release if epsilon is None else epsilon, shares, self.max_ratings
        )


def make_release(*, budget: Budget, actor: User | None, now: datetime, url_base: str) -> Release:
    """Count, add noise through OpenDP, record the epsilon spent and publish to the library."""
    version = queries.latest_published_version()
    if version is None:
        raise InsightError("There is no published framework version to describe")
    try:
        epsilon = check_budget(budget.per_release, budget.total, [queries.epsilon_spent()])
    except InsightRuleError as error:
        raise InsightError(str(error)) from None
    tables = budget.tables(epsilon)
    # Sequential composition: the tables are noised separately and the release spends the
    # sum of their epsilons, which must be what the budget allows a release.
    if abs(sum(t.epsilon for t in tables.values()) - epsilon) > 1e-9:
        raise InsightError("The release tables' epsilons do not add up to the release's")
    shape = queries.version_shape(version)
    counts = queries.release_counts(version.id, budget.max_ratings)
    keys = release_keys(shape)
    noisy: dict[ReleaseKey, int] = {}
    for cut, table in tables.items():
        cut_keys = [key for key in keys if key[0] == cut]
        exact = [
            counts[cut][0 if measure == "level" else 1].get((group, skill, value), 0)
            for _, group, measure, skill, value in cut_keys
        ]
        # Clamping at zero is post-processing: it costs no privacy and avoids negative people.
        drawn = noisy_counts(exact, sensitivity=table.sensitivity, epsilon=table.epsilon)
        noisy.update(zip(cut_keys, (max(0, n) for n in drawn), strict=True))
    number = 1 + (db.session.scalar(sa.select(sa.func.max(Release.number))) or 0)
    release = Release(
        number=number,
        version_id=version.id,
        epsilon=epsilon,
        # Per table; the headline table's scale (every table's is in the figures).
        sensitivity=tables["all"].sensitivity,
        scale=tables["all"].scale,
        max_ratings_per_person=budget.max_ratings,
        mechanism=mechanism_name(),
        made_at=now,
        figures={},
        library_key=f"insight-release-{number}",
    )
    release.figures = _figures(
        release,
        shape,
        noisy,
        tables,
        spent=queries.epsilon_spent() + epsilon,
        total=budget.total,
    )
    db.session.add(release)
    db.session.flush()
    record(
        "insight.release",
        actor=actor,
        subject_type="insight_release",
        subject_id=number,
        epsilon=epsilon,
        spent=queries.epsilon_spent(),
    )
    _publish(release, actor=actor, now=now, url_base=url_base)
    return release


ReleaseKey = tuple[str, str, str, str, Any]


def release_groups() -> dict[str, dict[str, str]]:
    """Every group of every cut a release publishes, named: fixed lists, never taken from
    the data, so that a group with nobody in it is published (noisy) like any other."""
    return {
        "all": {"all": "Everyone"},
        "sector": {sector.value: sector.label for sector in Sector},
        "region": {**UK_REGIONS, queries.NOT_GIVEN: "Not given"},
    }


def release_keys(shape: queries.VersionShape) -> list[ReleaseKey]:
    """(cut, group, measure, skill, value) of every count a release publishes."""
    levels = [*(n for n, _ in shape.levels), queries.NOT_APPLICABLE]
    keys: list[ReleaseKey] = []
    for cut, groups in release_groups().items():
        for group in groups:
            for skill in shape.skills:
                # Every skill, level and status is released, zeros included: leaving a zero
                # out would tell a reader it was zero without any noise.
                keys += [(cut, group, "level", skill.code, lv) for lv in levels]
                keys += [(cut, group, "gap", skill.code, st) for st in GAP_STATUSES]
    return keys


def _figures(
    release: Release,
    shape: queries.VersionShape,
    noisy: dict[ReleaseKey, int],
    tables: dict[str, TableBudget],
    *,
    spent: float,
    total: float,
) -> dict[str, Any]:
    levels = [*(n for n, _ in shape.levels), queries.NOT_APPLICABLE]

    def skills(cut: str, group: str) -> list[dict[str, Any]]:
        return [
            {
                "code": s.code,
                "name": s.name,
                "category": s.category_code,
                "levels": {str(lv): noisy[(cut, group, "level", s.code, lv)] for lv in levels},
                "gaps": {st: noisy[(cut, group, "gap", s.code, st)] for st in GAP_STATUSES},
            }
            for s in shape.skills
        ]

    return {
        "number": release.number,
        "framework": shape.version.framework.slug,
        "framework_version": shape.version.number,
        "made_at": release.made_at.isoformat(),
        "epsilon": release.epsilon,
        "sensitivity": release.sensitivity,
        "scale": release.scale,
        "max_ratings_per_person": release.max_ratings_per_person,
        "mechanism": release.mechanism,
        "budget": {
            "epsilon_this_release": release.epsilon,
            "epsilon_per_cut": {cut: table.epsilon for cut, table in tables.items()},
            "tables": {
                cut: {
                    "name": queries.RELEASE_CUTS[cut],
                    "epsilon": table.epsilon,
                    "sensitivity": table.sensitivity,
                    "scale": table.scale,
                }
                for cut, table in tables.items()
            },
            "epsilon_spent_in_total": spent,
            "epsilon_total_allowed": total,
        },
        "levels": {str(n): name for n, name in shape.levels},
        "skills": skills("all", "all"),
        "cuts": {
            cut: {
                "name": queries.RELEASE_CUTS[cut],
                "groups": [
                    {"code": code, "name": name, "skills": skills(cut, code)}
                    for code, name in groups.items()
                ],
            }
            for cut, groups in release_groups().items()
            if cut != "all"
        },
    }


def release_files(release: Release, *, url_base: str) -> list[tuple[str, str, bytes]]:
    """(name, media type, content) of each open-data file of a release."""
    figures = release.figures
    number = release.number
    return [
        (opendata.csv_name(number), "text/csv", opendata.release_csv(figures)),
        (
            f"community-skills-release-{number}.csv-metadata.json",
            "application/csvm+json",
            opendata.release_metadata(figures, url_base=url_base),
        ),
        (
            f"community-skills-release-{number}.json",
            "application/json",
            opendata.release_json(figures),
        ),
    ]


def _publish(release: Release, *, actor: User | None, now: datetime, url_base: str) -> None:
    """Put the release's files in the community library (a new document per release)."""
    from skillsreg.library.publishing import PublishedFile, publish_to_library

    publish_to_library(
        key=release.library_key,
        title=release.title,
        summary=(
            f"Noisy counts of how members of the community rate themselves against framework "
            f"version {release.version.number}: for each skill, people at each level and "
            f"people below, meeting or above what their role level expects. Differentially "
            f"private (discrete Laplace noise, epsilon {release.epsilon:g} shared by its "
            f"tables); see the "
            f"methodology at {url_base}/insight/methodology."
        ),
        tags=["open-data", "skills-insight"],
        files=[
            PublishedFile(name=n, media_type=t, content=c)
            for n, t, c in release_files(release, url_base=url_base)
        ],
        actor=actor,
        now=now,
    )


def push_release(release: Release, *, actor: User, now: datetime) -> list[Any]:
    """Queue pushing the release's library document to every enabled publishing target."""
    from skillsreg.library.publishing import document_by_key, list_targets
    from skillsreg.library.services import start_push

    document = document_by_key(release.library_key)
    if document is None:
        raise InsightError("The release is not in the library, so cannot be pushed")
    return [start_push(document, target.id, actor=actor, now=now) for target in list_targets()]


def record_release_download(release: Release, name: str, *, now: datetime) -> bool:
    """Count one full download of a release file served from the insight pages against the
    release's library copy, as the library counts its own (no account, address or browser).

    Returns whether it was counted: not when the release is no longer in the library.
    """
    from skillsreg.library.services import record_download

    file = queries.release_library_file(release, name)
    if file is None:
        return False
    record_download(file, now=now)
    db.session.flush()
    return True
