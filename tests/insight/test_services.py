"""The skills picture counted in SQL, the statistics opt-out, and releases with a budget."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.accounts.rules import UK_REGIONS, Sector
from skillsreg.assessments import services as assessment_services
from skillsreg.assessments.services import Answer
from skillsreg.core.audit import AuditEvent
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.insight import queries, services
from skillsreg.insight.rules import GAP_STATUSES
from skillsreg.library.models import Document
from tests.assessments.test_services import import_version, start

BUDGET = services.Budget(per_release=1.0, total=2.0, max_ratings=12)


@pytest.fixture
def version(db):
    return import_version("1.0.0")


def assess(user, version, level, *, role="web-manager", role_level="assistant", submit=True):
    """An assessment rating every profile skill at `level` (or the skill's nearest)."""
    assessment = start(user, version, role=role, level=role_level)
    answers = {}
    for rating in assessment.ratings:
        skill = next(s for s in version.skills if s.code == rating.skill_code)
        chosen = min(max(level, min(skill.levels)), max(skill.levels))
        answers[rating.skill_code] = Answer(str(chosen), "")
    assessment_services.answer_skills(assessment, answers, now=utcnow())
    if submit:
        assessment_services.submit_assessment(assessment, now=utcnow())
    _db.session.flush()
    return assessment


def profile_skill(assessment):
    return assessment.ratings[0].skill_code


def test_the_picture_counts_each_confirmed_members_latest_submitted_assessment(
    create_user, version
):
    counted = create_user(region="london")
    first = assess(counted, version, 2)
    first.submitted_at = utcnow() - timedelta(days=30)
    latest = assess(counted, version, 4)
    assess(create_user(confirmed=False), version, 1)
    opted_out = create_user()
    opted_out.is_statistics_opt_out = True
    assess(opted_out, version, 1)
    assess(create_user(), version, 1, submit=False)
    skill = profile_skill(latest)

    picture = queries.skills_picture(version.id)

    assert picture.people == 1
    level = latest.rating_for(skill).level
    assert picture.level_counts("all", skill) == {("all", level): 1}
    assert picture.level_counts("region", skill) == {("london", level): 1}
    assert picture.groups["sector"] == ["public"]


def test_the_picture_compares_ratings_with_the_role_levels_expectations(create_user, version):
    low = assess(create_user(), version, 1)
    assess(create_user(), version, 5)
    skill = profile_skill(low)

    gaps = queries.skills_picture(version.id).gap_counts("all", skill)

    assert gaps == {("all", "below"): 1, ("all", "above"): 1}


def test_opting_out_is_recorded_and_takes_the_member_out(member, version):
    assess(member, version, 3)

    assert services.set_statistics_opt_out(member, opt_out=True, now=utcnow())
    assert not services.set_statistics_opt_out(member, opt_out=True, now=utcnow())

    assert queries.skills_picture(version.id).people == 0
    actions = _db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "insight.opt_out" in actions


def test_a_release_records_its_budget_and_publishes_open_data(create_user, version):
    for level in (1, 2, 3):
        assess(create_user(), version, level)

    release = services.make_release(
        budget=BUDGET, actor=None, now=utcnow(), url_base="http://skills.test"
    )

    assert release.number == 1
    assert release.epsilon == 1.0
    # 12 skills a person, a level and a gap count each, in each table; the table for
    # everyone spends half of epsilon 1.
    assert release.sensitivity == 24
    assert release.scale == 48.0
    assert queries.epsilon_spent() == 1.0
    skills = release.figures["skills"]
    assert len(skills) == len(version.skills)
    assert all(set(s["gaps"]) == set(GAP_STATUSES) for s in skills)
    assert all(len(s["levels"]) == 6 for s in skills)  # five levels and not applicable
    cuts = release.figures["cuts"]
    assert [g["code"] for g in cuts["sector"]["groups"]] == [s.value for s in Sector]
    # Every region is published, the ones nobody is in included, so absence tells nothing.
    assert [g["code"] for g in cuts["region"]["groups"]] == [*UK_REGIONS, "not-given"]
    assert all(
        len(g["skills"]) == len(version.skills) for cut in cuts.values() for g in cut["groups"]
    )
    budget = release.figures["budget"]
    # Each table noised separately; by sequential composition the release spends their sum.
    tables = budget["tables"]
    assert {cut: t["epsilon"] for cut, t in tables.items()} == {
        "all": 0.5,
        "sector": 0.25,
        "region": 0.25,
    }
    assert {cut: t["scale"] for cut, t in tables.items()} == {
        "all": 48.0,
        "sector": 96.0,
        "region": 96.0,
    }
    assert all(t["sensitivity"] == 24 for t in tables.values())
    assert sum(t["epsilon"] for t in tables.values()) == release.epsilon
    assert budget["epsilon_spent_in_total"] == 1.0
    assert budget["epsilon_total_allowed"] == 2.0
    document = _db.session.scalar(sa.select(Document).where(Document.key == "insight-release-1"))
    names = [f.name for f in document.latest_version.files]
    assert "community-skills-release-1.csv-metadata.json" in names
    metadata = json.loads(
        next(f for f in document.latest_version.files if f.name.endswith("metadata.json")).content
    )
    assert metadata["url"] == "community-skills-release-1.csv"
    assert "everyone epsilon 0.5, discrete Laplace scale 48" in metadata["dc:description"]
    assert "by region epsilon 0.25, discrete Laplace scale 96" in metadata["dc:description"]


def test_a_release_is_refused_once_the_budget_is_spent(version):
    services.make_release(budget=BUDGET, actor=None, now=utcnow(), url_base="")
    second = services.make_release(budget=BUDGET, actor=None, now=utcnow(), url_base="")
    # The sector and region tables are paid for out of each release's epsilon, not on top.
    assert second.figures["budget"]["epsilon_spent_in_total"] == 2.0

    with pytest.raises(services.InsightError, match="budget is spent"):
        services.make_release(budget=BUDGET, actor=None, now=utcnow(), url_base="")
    assert len(queries.releases()) == 2


def test_release_counts_limit_each_persons_contribution(create_user, version):
    assessment = assess(create_user(region="wales"), version, 3)

    counts = queries.release_counts(version.id, 2)

    for cut, group in (("all", "all"), ("sector", "public"), ("region", "wales")):
        levels, gaps = counts[cut]
        assert sum(levels.values()) == 2
        assert {key[0] for key in levels} == {group}
        assert sum(gaps.values()) == 2
    assert len(assessment.ratings) > 2


def test_release_counts_keep_the_role_levels_skills_first_in_the_frameworks_order(
    create_user, version
):
    assessment = assess(create_user(), version, 3)
    order = {skill.code: skill.position for skill in version.skills}
    profile = sorted((r.skill_code for r in assessment.ratings), key=order.get)

    levels, _ = queries.release_counts(version.id, 3)["all"]

    assert sorted({skill for _, skill, _ in levels}, key=order.get) == profile[:3]


def test_without_noise_a_region_of_one_would_give_its_members_ratings_away(create_user, version):
    """What the noise protects: the exact counts of two releases, one person apart, where the
    person is alone in their region, show exactly how they rated themselves."""
    for _ in range(3):
        assess(create_user(region="london"), version, 2)
    before = queries.release_counts(version.id, 12)["region"][0]
    target = assess(create_user(region="wales"), version, 4)

    after = queries.release_counts(version.id, 12)["region"][0]

    grown = {key: n - before.get(key, 0) for key, n in after.items() if n != before.get(key, 0)}
    assert grown == {("wales", r.skill_code, r.level): 1 for r in target.ratings if r.level}


def test_validated_levels_are_counted_apart_from_self_ratings(member, version):
    from skillsreg.reviews import services as review_services
    from tests.reviews.helpers import RITA, agree_all, ask

    own = assess(member, version, 3)
    review, _token = ask(own, member)
    review_services.give_review(
        review, answers=agree_all(own), reviewer=RITA, now=utcnow(), link="L"
    )
    validated = review_services.accept_review(review, member=member, accepted=[], now=utcnow())
    _db.session.flush()
    skill = profile_skill(own)
    level = own.rating_for(skill).level

    picture = queries.skills_picture(version.id)

    assert picture.people == 1
    assert picture.level_counts("all", skill) == {("all", level): 1}
    assert validated.validated_from_id == own.id
    assert queries.validated_counts(version.id)[(skill, level)] == 1


def test_the_release_shares_are_a_setting(create_user, version):
    assess(create_user(), version, 2)
    budget = services.Budget(
        per_release=1.0,
        total=2.0,
        max_ratings=12,
        shares="region=0.2,sector=0.2,everyone=0.6",
    )

    release = services.make_release(budget=budget, actor=None, now=utcnow(), url_base="")

    tables = release.figures["budget"]["tables"]
    assert list(tables) == ["all", "sector", "region"]
    assert tables["all"]["epsilon"] == pytest.approx(0.6)
    assert tables["sector"]["scale"] == pytest.approx(120.0)
    assert sum(t["epsilon"] for t in tables.values()) == release.epsilon


def test_shares_that_do_not_add_up_refuse_a_release_and_spend_nothing(create_user, version):
    assess(create_user(), version, 2)
    budget = services.Budget(
        per_release=1.0, total=2.0, max_ratings=12, shares="everyone=0.5,sector=0.5,region=0.5"
    )

    with pytest.raises(services.InsightError, match="add up to 1"):
        services.make_release(budget=budget, actor=None, now=utcnow(), url_base="")
    assert queries.epsilon_spent() == 0.0
