"""What the self-assessment pages share: finding the member's own assessment and the version."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from skillsreg.assessments import queries
from skillsreg.assessments.models import Assessment
from skillsreg.frameworks.models import Framework, FrameworkVersion
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.frameworks.store import load_version


def own_assessment(assessment_id: int) -> Assessment:
    """The signed-in member's assessment; anyone else's is 'not found', never 'forbidden'."""
    assessment = queries.find_assessment(assessment_id, owner=current_user)
    if assessment is None:
        abort(404)
    return assessment


def own_draft(assessment_id: int) -> Assessment:
    assessment = own_assessment(assessment_id)
    if assessment.is_submitted:
        flash("This assessment has been submitted and can no longer be changed")
        abort(redirect(url_for("assessments.show_result", assessment_id=assessment_id)))
    return assessment


def current_version(slug: str) -> tuple[Framework, FrameworkVersion]:
    framework = find_framework(slug)
    version = latest_published(framework) if framework else None
    if framework is None or version is None:
        abort(404)
    return framework, load_version(version.id)


def role_level_choices(version: FrameworkVersion) -> list[tuple[str, str]]:
    choices = [("", "Choose a role level")]
    for role in version.roles:
        choices += [(f"{role.code}/{s.code}", f"{role.name}: {s.name}") for s in role.levels]
    return choices
