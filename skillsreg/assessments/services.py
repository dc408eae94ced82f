"""Starting, rating, submitting, carrying forward and sharing self-assessments."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.assessments.rules import RatingIn, carry_forward
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.services import start_job
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion, VersionStatus
from skillsreg.frameworks.services import latest_published
from skillsreg.frameworks.store import load_version, version_document
from skillsreg.frameworks.structure import (
    RoleLevelItem,
    SkillItem,
    VersionStructure,
    version_structure,
)

NOT_APPLICABLE = "na"
EVIDENCE_LIMIT = 5000


class AssessmentError(DomainError):
    """A self-assessment rule was broken."""


@dataclass(frozen=True)
class Answer:
    """What the member chose for one skill: a level number, "na", or nothing yet."""

    choice: str | None
    evidence: str = ""


def find_role_level(structure: VersionStructure, role_code: str, level_code: str) -> RoleLevelItem:
    """The role level of a version, or a refusal naming the field."""
    step = structure.role_level(role_code, level_code)
    if step is None:
        raise AssessmentError(
            "Choose a role and role level from this framework", field="role_level"
        )
    return step


def _require_current(version: FrameworkVersion) -> None:
    if version.status is VersionStatus.RETIRED:
        raise AssessmentError(f"Version {version.number} has been retired: use the latest version")
    if version.status is not VersionStatus.PUBLISHED:
        raise AssessmentError(f"Version {version.number} is not published yet")
    latest = latest_published(version.framework)
    if latest is not None and latest.id != version.id:
        raise AssessmentError(f"Version {latest.number} replaces {version.number}: use it instead")


def start_assessment(
    *, user: Any, version: FrameworkVersion, role_code: str, role_level_code: str, now: datetime
) -> Assessment:
    """Start a draft assessment with the skills of the chosen role level's profile."""
    _require_current(version)
    # The content comes from the process's copy of the published version (frameworks.structure):
    # loading it here made starting an assessment the load test's costliest request.
    structure = version_structure(version)
    step = find_role_level(structure, role_code, role_level_code)
    assessment = Assessment(
        user_id=user.id,
        version_id=version.id,
        role_code=role_code,
        role_level_code=role_level_code,
        created_at=now,
        updated_at=now,
        ratings=[Rating(skill_code=code) for code in _in_skill_order(structure, step.expected)],
    )
    db.session.add(assessment)
    db.session.flush()
    return assessment


def _in_skill_order(structure: VersionStructure, codes: Any) -> list[str]:
    wanted = set(codes)
    return [skill.code for skill in structure.skills if skill.code in wanted]


def _require_draft(assessment: Assessment) -> None:
    if assessment.is_submitted:
        raise AssessmentError("This assessment has been submitted and can no longer be changed")


def _skill(version: FrameworkVersion, structure: VersionStructure, code: str) -> SkillItem:
    skill = structure.skill(code)
    if skill is None:
        raise AssessmentError(f"{code} is not a skill in version {version.number}", field="skill")
    return skill


def add_skill(assessment: Assessment, *, skill_code: str, now: datetime) -> Rating:
    """Add a skill beyond the role level's profile to a draft assessment."""
    _require_draft(assessment)
    _skill(assessment.version, version_structure(assessment.version), skill_code)
    if assessment.rating_for(skill_code) is not None:
        raise AssessmentError("This skill is already in your assessment", field="skill")
    rating = Rating(skill_code=skill_code, is_extra=True)
    assessment.ratings.append(rating)
    assessment.updated_at = now
    db.session.flush()
    return rating


def remove_skill(assessment: Assessment, *, skill_code: str, now: datetime) -> None:
    """Take an added skill out of a draft assessment (profile skills stay)."""
    _require_draft(assessment)
    rating = assessment.rating_for(skill_code)
    if rating is None or not rating.is_extra:
        raise AssessmentError("Only skills you added can be removed", field="skill")
    assessment.ratings.remove(rating)
    assessment.updated_at = now
    db.session.flush()


class MissingAnswersError(AssessmentError):
    """Some skills of a page were given no level and no "not applicable"."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__("Choose a level for each skill, or not applicable")
        self.codes = codes


def save_ratings(assessment: Assessment, answers: dict[str, Answer], *, now: datetime) -> None:
    """Keep the member's answers for later; a carried-forward level stays to be confirmed."""
    _save(assessment, answers, now=now, confirm=False)


def answer_skills(assessment: Assessment, answers: dict[str, Answer], *, now: datetime) -> None:
    """Record an answer for every skill given, confirming any carried-forward level."""
    _require_draft(assessment)
    missing = [code for code, answer in answers.items() if not answer.choice]
    if missing:
        raise MissingAnswersError(missing)
    _save(assessment, answers, now=now, confirm=True)


def _save(
    assessment: Assessment, answers: dict[str, Answer], *, now: datetime, confirm: bool
) -> None:
    _require_draft(assessment)
    version = assessment.version
    structure = version_structure(version)
    for code, answer in answers.items():
        rating = assessment.rating_for(code)
        if rating is None:
            raise AssessmentError(f"{code} is not part of this assessment", field=f"level_{code}")
        _apply(rating, _skill(version, structure, code), answer)
        # Only an explicit answer confirms a carried-forward level; saving for later never does.
        if confirm:
            rating.needs_confirmation = False
    assessment.updated_at = now
    db.session.flush()


def _apply(rating: Rating, skill: SkillItem, answer: Answer) -> None:
    if len(answer.evidence) > EVIDENCE_LIMIT:
        raise AssessmentError(
            f"Evidence must be {EVIDENCE_LIMIT} characters or fewer", field=f"evidence_{skill.code}"
        )
    rating.evidence = answer.evidence.strip()
    if answer.choice is None or answer.choice == "":
        return
    if answer.choice == NOT_APPLICABLE:
        rating.level, rating.is_not_applicable = None, True
    else:
        level = int(answer.choice) if answer.choice.isdigit() else None
        if level not in skill.levels:
            raise AssessmentError(
                f"Choose a level that {skill.name} describes", field=f"level_{skill.code}"
            )
        rating.level, rating.is_not_applicable = level, False


def submit_assessment(assessment: Assessment, *, now: datetime, warm_pdf: bool = False) -> None:
    """Freeze a complete draft assessment as a dated snapshot; queue its PDF if asked."""
    _require_draft(assessment)
    unrated = [r.skill_code for r in assessment.ratings if not r.is_rated]
    if unrated:
        raise AssessmentError(f"Rate every skill before you submit: {', '.join(unrated)}")
    unconfirmed = [r.skill_code for r in assessment.ratings if r.needs_confirmation]
    if unconfirmed:
        raise AssessmentError(f"Confirm your carried forward levels for {', '.join(unconfirmed)}")
    if assessment.version.status is not VersionStatus.PUBLISHED:
        raise AssessmentError("This framework version has been retired: start a new assessment")
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.updated_at = now
    db.session.flush()
    if warm_pdf:
        from skillsreg.assessments.jobs import WARM_PDF

        start_job(
            WARM_PDF,
            actor=None,
            now=now,
            params={"assessment_id": assessment.id},
            subject=("assessment", str(assessment.id)),
        )


def delete_draft(assessment: Assessment) -> None:
    """Throw away a draft assessment."""
    _require_draft(assessment)
    db.session.delete(assessment)
    db.session.flush()


def latest_submitted(user: Any, *, framework_id: int) -> Assessment | None:
    """The member's most recently submitted assessment of a framework, if any."""
    return db.session.scalar(
        sa.select(Assessment)
        .join(FrameworkVersion, FrameworkVersion.id == Assessment.version_id)
        .where(
            Assessment.user_id == user.id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            FrameworkVersion.framework_id == framework_id,
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def carry_forward_assessment(
    previous: Assessment,
    *,
    version: FrameworkVersion,
    role_code: str,
    role_level_code: str,
    now: datetime,
) -> Assessment:
    """Start a draft against a newer version, pre-filled from a submitted assessment."""
    if not previous.is_submitted:
        raise AssessmentError("Only a submitted assessment can be carried forward")
    if version.sort_key <= previous.version.sort_key:
        raise AssessmentError("There is no newer version to carry this assessment forward to")
    assessment = start_assessment(
        user=previous.user,
        version=version,
        role_code=role_code,
        role_level_code=role_level_code,
        now=now,
    )
    old = {r.skill_code: RatingIn(r.level, r.evidence) for r in previous.ratings if r.is_rated}
    plan = carry_forward(old, version_document(load_version(version.id)))
    assessment.carried_from_id = previous.id
    in_profile = {r.skill_code: r for r in assessment.ratings}
    for proposal in plan.ratings:
        rating = in_profile.get(proposal.code)
        if rating is None and not proposal.sources:
            continue
        if rating is None:
            rating = Rating(skill_code=proposal.code, is_extra=True)
            assessment.ratings.append(rating)
        _prefill(rating, proposal)
    db.session.flush()
    return assessment


def _prefill(rating: Rating, proposal: Any) -> None:
    if proposal.prefilled:
        rating.level = proposal.level
        rating.is_not_applicable = proposal.level is None
    rating.evidence = proposal.evidence
    rating.needs_confirmation = proposal.needs_confirmation
    rating.note = proposal.note
    rating.carried_sources = [list(source) for source in proposal.sources]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share_link(assessment: Assessment, *, now: datetime) -> str:
    """Make (or replace) the secret link to a read-only profile; returns the token once."""
    if not assessment.is_submitted:
        raise AssessmentError("Submit your assessment before you share it")
    token = secrets.token_urlsafe(32)
    assessment.share_token_hash = _token_hash(token)
    assessment.share_created_at = now
    record(
        "assessment.share",
        actor=assessment.user,
        subject_type="assessment",
        subject_id=assessment.id,
    )
    db.session.flush()
    return token


def revoke_share_link(assessment: Assessment) -> None:
    """Stop the share link working at once."""
    if assessment.share_token_hash is not None:
        record(
            "assessment.unshare",
            actor=assessment.user,
            subject_type="assessment",
            subject_id=assessment.id,
        )
    assessment.share_token_hash = None
    assessment.share_created_at = None
    db.session.flush()


def find_shared(token: str) -> Assessment | None:
    """The submitted assessment a share token opens, if the link is still live."""
    return db.session.scalar(
        sa.select(Assessment).where(
            Assessment.share_token_hash == _token_hash(token),
            Assessment.status == AssessmentStatus.SUBMITTED,
        )
    )


def store_pdf(assessment: Assessment, *, pdf: bytes, key: str) -> None:
    """Keep a rendered PDF in the database so any server can send it again."""
    assessment.pdf = pdf
    assessment.pdf_key = key
    db.session.flush()
