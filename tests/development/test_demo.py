"""The demo member's plan in progress and public commitment, loaded once."""

from __future__ import annotations

from skillsreg.core.db import utcnow
from skillsreg.core.demo import load_demo_accounts
from skillsreg.development import queries
from skillsreg.development.demo import load_demo_plan
from skillsreg.frameworks import services as framework_services
from skillsreg.frameworks.models import VersionStatus
from skillsreg.library.demo import load_demo_documents
from tests.assessments.test_services import import_version


def test_the_demo_member_gets_one_plan_in_progress_with_a_public_commitment(db):
    version = import_version("1.0.0")
    if version.status is not VersionStatus.PUBLISHED:
        framework_services.publish_version(
            version, expected_lock=None, now=utcnow(), version_url="http://x"
        )
    load_demo_accounts()
    load_demo_documents(utcnow(), base_url="http://skillsreg.test")

    plan = load_demo_plan(utcnow())
    assert load_demo_plan(utcnow()) is None

    page = queries.plan_page(plan, now=utcnow())
    status = {row.goal.skill_code: row.progress.status for row in page.rows}
    assert status == {"CMGT": "reached", "STAK": "not-started", "DELV": "progressing"}
    stak = next(row for row in page.rows if row.goal.skill_code == "STAK")
    assert stak.documents  # the demo library document tagged with the skill
    [commitment] = queries.public_commitments(plan.user_id)
    assert "in Stakeholder" in commitment.statement
