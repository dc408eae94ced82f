"""Starting, rating, submitting, carrying forward and sharing self-assessments."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillsreg.assessments import queries, services
from skillsreg.assessments.models import AssessmentStatus
from skillsreg.assessments.services import Answer, AssessmentError
from skillsreg.config import ROOT
from skillsreg.core.db import utcnow
from skillsreg.frameworks import services as framework_services
from skillsreg.frameworks.models import VersionStatus

FRAMEWORK_DIR = ROOT / "frameworks" / "web-professionals"


def import_version(number: str):
    path = Path(FRAMEWORK_DIR / f"{number}.yaml")
    return framework_services.import_file(path, now=utcnow()).version


def publish(version):
    framework_services.publish_version(
        version, expected_lock=None, now=utcnow(), version_url="http://x"
    )
    return version


@pytest.fixture
def version(db):
    return import_version("1.0.0")


@pytest.fixture
def newer_version(version):
    return publish(import_version("1.1.0"))


def start(user, version, role="web-manager", level="assistant"):
    return services.start_assessment(
        user=user, version=version, role_code=role, role_level_code=level, now=utcnow()
    )


def rate_all(assessment, level=3):
    answers = {}
    for rating in assessment.ratings:
        skill = next(s for s in assessment.version.skills if s.code == rating.skill_code)
        chosen = level if level in skill.levels else max(skill.levels)
        answers[rating.skill_code] = Answer(str(chosen), f"Evidence for {rating.skill_code}")
    services.answer_skills(assessment, answers, now=utcnow())


def submitted(user, version, **kwargs):
    assessment = start(user, version, **kwargs)
    rate_all(assessment)
    services.submit_assessment(assessment, now=utcnow())
    return assessment


def test_starting_lists_the_role_levels_profile_skills_unrated(member, version):
    assessment = start(member, version)

    assert [r.skill_code for r in assessment.ratings][:2] == ["CONT", "EDIT"]
    assert len(assessment.ratings) == 9
    assert assessment.rated_count == 0
    assert assessment.status is AssessmentStatus.DRAFT


def test_starting_with_a_role_level_the_version_lacks_is_refused(member, version):
    with pytest.raises(AssessmentError, match="Choose a role and role level"):
        start(member, version, level="emperor")


@pytest.mark.parametrize("status", [VersionStatus.RETIRED, VersionStatus.DRAFT])
def test_starting_against_a_retired_or_draft_version_is_refused(member, version, status):
    version.status = status

    with pytest.raises(AssessmentError, match=r"retired|not published"):
        start(member, version)


def test_starting_against_an_older_published_version_is_refused(member, version, newer_version):
    with pytest.raises(AssessmentError, match=r"replaces 1\.0\.0"):
        start(member, version)


def test_saving_records_levels_not_applicable_and_evidence(member, version):
    assessment = start(member, version)

    services.save_ratings(
        assessment,
        {"CONT": Answer("4", " Wrote the style guide "), "EDIT": Answer("na")},
        now=utcnow(),
    )

    cont, edit = assessment.ratings[:2]
    assert (cont.level, cont.evidence, cont.is_not_applicable) == (
        4,
        "Wrote the style guide",
        False,
    )
    assert (edit.level, edit.is_not_applicable) == (None, True)
    assert assessment.rated_count == 2


def test_a_level_the_skill_does_not_describe_is_refused(member, version):
    assessment = start(member, version)

    with pytest.raises(AssessmentError, match="Choose a level") as raised:
        services.save_ratings(assessment, {"CONT": Answer("9")}, now=utcnow())
    assert raised.value.field == "level_CONT"


def test_rating_a_skill_not_in_the_assessment_is_refused(member, version):
    assessment = start(member, version)

    with pytest.raises(AssessmentError, match="not part of this assessment"):
        services.save_ratings(assessment, {"PROG": Answer("2")}, now=utcnow())


def test_any_other_skill_of_the_version_can_be_added_but_not_an_unknown_one(member, version):
    assessment = start(member, version)

    services.add_skill(assessment, skill_code="PROG", now=utcnow())
    with pytest.raises(AssessmentError, match=r"not a skill in version 1\.0\.0"):
        services.add_skill(assessment, skill_code="NOPE", now=utcnow())

    assert assessment.rating_for("PROG").is_extra


def test_an_added_skill_can_be_removed_but_a_profile_skill_cannot(member, version):
    assessment = start(member, version)
    services.add_skill(assessment, skill_code="PROG", now=utcnow())

    services.remove_skill(assessment, skill_code="PROG", now=utcnow())
    with pytest.raises(AssessmentError, match="Only skills you added"):
        services.remove_skill(assessment, skill_code="CONT", now=utcnow())

    assert assessment.rating_for("PROG") is None


def test_submitting_needs_every_skill_rated(member, version):
    assessment = start(member, version)

    with pytest.raises(AssessmentError, match="Rate every skill before you submit"):
        services.submit_assessment(assessment, now=utcnow())


def test_a_submitted_assessment_is_dated_and_refuses_edits(member, version):
    assessment = submitted(member, version)

    assert assessment.status is AssessmentStatus.SUBMITTED
    assert assessment.submitted_at is not None
    with pytest.raises(AssessmentError, match="can no longer be changed"):
        services.save_ratings(assessment, {"CONT": Answer("1")}, now=utcnow())
    with pytest.raises(AssessmentError, match="can no longer be changed"):
        services.add_skill(assessment, skill_code="PROG", now=utcnow())


def test_gaps_compare_each_skill_with_the_role_levels_profile(member, version):
    assessment = submitted(member, version)

    view = queries.assessment_view(assessment)

    content = view.group("content")
    assert [row.gap.status for row in content.rows] == ["meets", "meets", "meets"]
    assert view.summary.total.expected == 9
    # Rated 3 everywhere: WEBA, INFG and SUPL expect only 2.
    assert (view.summary.total.meets, view.summary.total.above) == (6, 3)
    assert view.rated == view.total == 9


def test_gaps_can_be_measured_against_another_role_level(member, version):
    assessment = submitted(member, version)

    view = queries.assessment_view(assessment, against=("web-manager", "head"))

    assert view.role_level.code == "head"
    assert view.summary.total.below >= 1
    assert queries.assessment_view(assessment, against=("web-manager", "nope")) is None


def test_carrying_forward_prefills_through_the_relations(member, version):
    old = submitted(member, version)
    newer_version = publish(import_version("1.1.0"))

    new = services.carry_forward_assessment(
        old,
        version=newer_version,
        role_code="web-manager",
        role_level_code="assistant",
        now=utcnow(),
    )

    assert new.carried_from_id == old.id
    cont = new.rating_for("CONT")
    assert cont.level == 3
    assert "check the new wording" in cont.note
    assert not cont.needs_confirmation
    publ = new.rating_for("PUBL")
    assert publ is not None
    assert publ.needs_confirmation
    assert publ.carried_sources == [["EDIT", 3]]
    assert new.rating_for("DOCA") is None


def test_a_carried_forward_assessment_cannot_be_submitted_until_confirmed(member, version):
    old = submitted(member, version)
    newer_version = publish(import_version("1.1.0"))
    new = services.carry_forward_assessment(
        old,
        version=newer_version,
        role_code="web-manager",
        role_level_code="assistant",
        now=utcnow(),
    )
    unconfirmed = [r.skill_code for r in new.ratings if r.needs_confirmation and r.is_rated]

    with pytest.raises(AssessmentError, match=r"Rate every skill|Confirm your carried forward"):
        services.submit_assessment(new, now=utcnow())
    rate_all(new)
    services.submit_assessment(new, now=utcnow())

    assert unconfirmed
    assert new.is_submitted


def test_only_a_submitted_assessment_carries_forward_to_a_newer_version(member, version):
    draft = start(member, version)

    with pytest.raises(AssessmentError, match="Only a submitted assessment"):
        services.carry_forward_assessment(
            draft,
            version=version,
            role_code="web-manager",
            role_level_code="assistant",
            now=utcnow(),
        )


def test_a_share_link_opens_the_profile_until_revoked(member, version):
    assessment = submitted(member, version)

    token = services.create_share_link(assessment, now=utcnow())

    assert assessment.share_token_hash != token
    assert services.find_shared(token) is assessment
    services.revoke_share_link(assessment)
    assert services.find_shared(token) is None


def test_another_members_assessment_is_not_found(member, create_user, version):
    assessment = start(member, version)
    stranger = create_user()

    assert queries.find_assessment(assessment.id, owner=stranger) is None
    assert queries.find_assessment(assessment.id, owner=member) is assessment
