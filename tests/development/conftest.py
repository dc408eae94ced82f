"""Fixtures of the development tests: a member with a submitted assessment that has gaps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from skillsreg.assessments import services as assessments
from skillsreg.assessments.services import Answer
from skillsreg.core.db import utcnow
from skillsreg.development import services
from skillsreg.extensions import db as _db
from skillsreg.workshops.models import Workshop, WorkshopStatus
from tests.assessments.test_services import import_version, publish

# A content editor (editor level expects CONT 3, EDIT 3, ACCS 2, DOCA 3, SRCH 2, ...).
LEVELS = {"CONT": 3, "EDIT": 2, "ACCS": 1, "DOCA": 1, "SRCH": 2}


def submit(user, version, levels: dict[str, int], *, role=("content-editor", "editor")):
    assessment = assessments.start_assessment(
        user=user, version=version, role_code=role[0], role_level_code=role[1], now=utcnow()
    )
    answers = {}
    for rating in assessment.ratings:
        skill = next(s for s in version.skills if s.code == rating.skill_code)
        wanted = levels.get(rating.skill_code, 3)
        level = wanted if wanted in skill.levels else max(skill.levels)
        answers[rating.skill_code] = Answer(str(level), "")
    assessments.answer_skills(assessment, answers, now=utcnow())
    assessments.submit_assessment(assessment, now=utcnow())
    return assessment


@pytest.fixture
def version(db):
    return import_version("1.0.0")


@pytest.fixture
def assessment(member, version):
    made = submit(member, version, LEVELS)
    _db.session.commit()
    return made


@pytest.fixture
def plan(member, assessment):
    made = services.start_plan(
        member,
        assessment,
        aim="current",
        skill_codes=["EDIT", "ACCS", "DOCA"],
        target_on=(utcnow() + timedelta(days=60)).date(),
        now=utcnow(),
    )
    _db.session.commit()
    return made


def reassess(member, assessment, levels: dict[str, int], *, newer: bool = False):
    """A later assessment of the same member, on the same version or on 1.1.0."""
    version = publish(import_version("1.1.0")) if newer else assessment.version
    return submit(member, version, levels)


@pytest.fixture
def workshop_for(db) -> Any:
    def make(codes: list[str], *, days: int = 30, status=WorkshopStatus.PUBLISHED, title="W"):
        now = utcnow()
        workshop = Workshop(
            title=title,
            slug=f"{title.lower()}-{days}-{len(codes)}",
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=3),
            closes_at=now + timedelta(days=days - 7),
            capacity=20,
            status=status,
            target_skill_codes=codes,
        )
        _db.session.add(workshop)
        _db.session.flush()
        return workshop

    return make
