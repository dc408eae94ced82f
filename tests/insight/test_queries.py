"""The skills picture counted in SQL gives the figures a plain count over people gives."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.insight import queries
from skillsreg.insight.demo import community_rows, insert_community
from skillsreg.insight.rules import gap_status
from tests.assessments.test_services import import_version


def muddle(version, rng: random.Random) -> None:
    """Give a demonstration community every case the counting must get right."""
    users = list(_db.session.scalars(sa.select(User).where(User.is_demo)))
    for user in rng.sample(users, 6):
        user.email_confirmed_at = None
    for user in rng.sample(users, 4):
        user.erased_at = utcnow()
    for user in rng.sample(users, 3):
        user.region = None
    assessments = list(_db.session.scalars(sa.select(Assessment).order_by(Assessment.id)))
    for assessment in rng.sample(assessments, 8):
        assessment.status = AssessmentStatus.DRAFT
    for assessment in rng.sample(assessments, 3):
        assessment.role_code = "no-such-role"  # nothing expected: levels count, gaps do not
    for assessment in rng.sample(assessments, 4):
        assessment.validated_from_id = assessments[0].id  # a review's copy, counted apart
    for first, second in pairwise(assessments):
        if first.user_id == second.user_id and rng.random() < 0.5:
            second.submitted_at = first.submitted_at  # a tie: the later id is the latest
    ratings = list(_db.session.scalars(sa.select(Rating)))
    for rating in rng.sample(ratings, len(ratings) // 10):
        rating.level, rating.is_not_applicable = None, False  # not rated yet
    _db.session.flush()


def counted_by_hand(version) -> tuple[int, dict, dict, dict]:
    """Each counted person's latest submitted assessment, counted one person at a time."""
    latest: dict[int, Assessment] = {}
    for assessment in _db.session.scalars(
        sa.select(Assessment).where(Assessment.version_id == version.id)
    ):
        user = _db.session.get(User, assessment.user_id)
        if (
            assessment.status != AssessmentStatus.SUBMITTED
            or assessment.validated_from_id is not None
            or user.email_confirmed_at is None
            or user.erased_at is not None
            or user.is_statistics_opt_out
        ):
            continue
        newest = latest.get(assessment.user_id)
        if newest is None or (assessment.submitted_at, assessment.id) > (
            newest.submitted_at,
            newest.id,
        ):
            latest[assessment.user_id] = assessment
    expected = {
        (role.code, level.code, entry.skill_code): entry.level
        for role in version.roles
        for level in role.levels
        for entry in level.profile
    }
    levels: dict[str, Counter] = {cut: Counter() for cut in queries.CUTS}
    gaps: dict[str, Counter] = {cut: Counter() for cut in queries.CUTS}
    groups: dict[str, set] = {cut: set() for cut in queries.CUTS}
    for assessment in latest.values():
        user = _db.session.get(User, assessment.user_id)
        group_of = {
            "all": "all",
            "role": assessment.role_code,
            "role-level": assessment.role_level_code,
            "sector": user.sector.value,
            "region": user.region or queries.NOT_GIVEN,
        }
        for cut, group in group_of.items():
            groups[cut].add(group)
            for rating in assessment.ratings:
                if rating.is_not_applicable:
                    levels[cut][(group, rating.skill_code, queries.NOT_APPLICABLE)] += 1
                    continue
                if rating.level is None:
                    continue
                levels[cut][(group, rating.skill_code, rating.level)] += 1
                wanted = expected.get(
                    (assessment.role_code, assessment.role_level_code, rating.skill_code)
                )
                status = gap_status(rating.level, wanted)
                if status is not None:
                    gaps[cut][(group, rating.skill_code, status)] += 1
    return (
        len(latest),
        {cut: dict(counts) for cut, counts in levels.items()},
        {cut: dict(counts) for cut, counts in gaps.items()},
        {cut: sorted(names) for cut, names in groups.items()},
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_picture_counted_in_sql_equals_a_count_person_by_person(db, seed):
    version = import_version("1.0.0")
    people = community_rows(version, count=70, now=utcnow() - timedelta(days=1), seed=seed)
    insert_community(version, people, prefix=f"same-{seed}", now=utcnow())
    muddle(version, random.Random(seed))

    picture = queries.skills_picture(version.id)
    people_counted, levels, gaps, groups = counted_by_hand(version)

    assert people_counted > 30
    assert picture.people == people_counted
    assert picture.levels == levels
    assert picture.gaps == gaps
    assert picture.groups == groups
    assert any(count for count in gaps["all"].values())
    # SQLite counts the category gaps in the same pass: they must be what their own query gives.
    if _db.engine.dialect.name == "sqlite":
        assert picture.categories
        assert picture.categories == queries.category_gaps(version.id)
    else:
        assert picture.categories is None


def test_an_empty_community_has_an_empty_picture(db):
    version = import_version("1.0.0")

    picture = queries.skills_picture(version.id)

    assert picture.people == 0
    assert all(not picture.levels[cut] and not picture.gaps[cut] for cut in queries.CUTS)
    assert all(picture.groups[cut] == [] for cut in queries.CUTS)
    assert not picture.categories
