"""Demo data for `make run`: the demo member's plan in progress and one public commitment."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from skillsreg.accounts.services import find_user_by_email
from skillsreg.assessments import services as assessments
from skillsreg.assessments.models import Assessment
from skillsreg.assessments.services import Answer
from skillsreg.development import services
from skillsreg.development.models import ActivityState, Plan
from skillsreg.development.rules import add_months
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.library.models import Document
from skillsreg.library.publishing import set_skills
from skillsreg.workshops.models import Workshop

DEMO_MEMBER = "member@example.gov.uk"
DEMO_FRAMEWORK = "web-professionals"
# Web manager, assistant level, aiming for manager: these three gaps become the plan's goals.
GOALS = ["CMGT", "STAK", "DELV"]
BEFORE = {"CMGT": 3, "STAK": 3, "SUPL": 2, "WEBA": 2, "INFG": 2}
AFTER = {"CMGT": 4, "STAK": 3, "DELV": 2, "SUPL": 3, "WEBA": 3, "INFG": 3, "BUDG": 2}
# A demo library document that helps with stakeholder work, for the goal's suggestions.
DOCUMENT_SKILLS = {"grey-literature-leask-constable-2008": ["STAK", "DELV"]}


def _assessment(
    user: object,
    version: FrameworkVersion,
    level_code: str,
    levels: dict[str, int],
    *,
    at: datetime,
) -> Assessment:
    assessment = assessments.start_assessment(
        user=user, version=version, role_code="web-manager", role_level_code=level_code, now=at
    )
    answers = {}
    for rating in assessment.ratings:
        skill = next(s for s in version.skills if s.code == rating.skill_code)
        wanted = levels.get(rating.skill_code, 3)
        level = max((n for n in skill.levels if n <= wanted), default=min(skill.levels))
        answers[rating.skill_code] = Answer(str(level), "Demo evidence")
    assessments.answer_skills(assessment, answers, now=at)
    assessments.submit_assessment(assessment, now=at)
    return assessment


def _tag_documents() -> None:
    for key, codes in DOCUMENT_SKILLS.items():
        document = db.session.scalar(sa.select(Document).where(Document.key == key))
        if document is not None and not document.skill_rows:
            set_skills(document, codes)


def load_demo_plan(now: datetime) -> Plan | None:
    """Give the demo member a plan in progress (once); None if it exists or cannot be made."""
    member = find_user_by_email(DEMO_MEMBER)
    framework = find_framework(DEMO_FRAMEWORK)
    version = latest_published(framework) if framework else None
    if member is None or version is None:
        return None
    _tag_documents()
    if db.session.scalar(sa.select(Plan.id).where(Plan.user_id == member.id).limit(1)):
        return None
    started = now - timedelta(days=120)
    first = _assessment(member, version, "assistant", BEFORE, at=started)
    plan = services.start_plan(
        member,
        first,
        aim="next",
        skill_codes=GOALS,
        target_on=add_months(now.date(), 6),
        now=started,
    )
    goals = {goal.skill_code: goal for goal in plan.goals}
    workshop = db.session.scalar(
        sa.select(Workshop).where(Workshop.slug.like("drafting-the-web-professionals%"))
    )
    services.add_activity(
        goals["CMGT"], kind="course", title="Content strategy short course", now=started
    )
    services.set_activity_state(goals["CMGT"].activities[0], state="done", now=now)
    services.add_activity(
        goals["STAK"],
        kind="workshop" if workshop else "mentoring",
        title="" if workshop else "Monthly mentoring with a head of digital",
        workshop_id=workshop.id if workshop else None,
        now=started,
    )
    services.add_activity(
        goals["DELV"], kind="shadowing", title="Shadow the team lead's one-to-ones", now=started
    )
    services.set_activity_state(
        goals["DELV"].activities[0], state=ActivityState.IN_PROGRESS.value, now=now
    )
    _assessment(member, version, "manager", AFTER, at=now - timedelta(days=7))
    services.make_commitment(goals["STAK"], user=member, now=now)
    return plan
