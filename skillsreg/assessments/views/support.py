"""What the self-assessment pages share: finding the member's own assessment and the version."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from skillsreg.assessments import queries
from skillsreg.assessments.models import Assessment
from skillsreg.assessments.rules import Audience, audience_of
from skillsreg.frameworks.models import Framework, FrameworkVersion
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.frameworks.structure import VersionStructure, version_structure


def audience(assessment: Assessment, *, holds_live_link: bool = False) -> Audience | None:
    """Why the current visitor may see this assessment (assessments.rules.audience_of)."""
    viewer_id = current_user.id if current_user.is_authenticated else None
    is_organiser = viewer_id is not None and current_user.is_organiser
    # Only asked when it can matter: an organiser looking at someone else's assessment.
    ask = is_organiser and viewer_id != assessment.user_id
    return audience_of(
        owner_id=assessment.user_id,
        viewer_id=viewer_id,
        is_submitted=assessment.is_submitted,
        holds_live_link=holds_live_link,
        viewer_is_organiser=is_organiser,
        shared_in_interest=ask and queries.is_shared_with_organisers(assessment.id),
    )


def visible_assessment(assessment_id: int, *, to: set[Audience]) -> Assessment:
    """An assessment the current visitor may see as one of `to`; any other is 'not found'."""
    assessment = queries.find_assessment(assessment_id)
    if assessment is None or audience(assessment) not in to:
        abort(404)
    return assessment


def own_assessment(assessment_id: int) -> Assessment:
    """The signed-in member's assessment; anyone else's is 'not found', never 'forbidden'."""
    return visible_assessment(assessment_id, to={Audience.OWNER})


def own_draft(assessment_id: int) -> Assessment:
    assessment = own_assessment(assessment_id)
    if assessment.is_submitted:
        flash("This assessment has been submitted and can no longer be changed")
        abort(redirect(url_for("assessments.show_result", assessment_id=assessment_id)))
    return assessment


def current_version(slug: str) -> tuple[Framework, FrameworkVersion, VersionStructure]:
    """A framework's latest published version: its row and its (kept) content."""
    framework = find_framework(slug)
    version = latest_published(framework) if framework else None
    if framework is None or version is None:
        abort(404)
    return framework, version, version_structure(version)


def role_level_choices(structure: VersionStructure) -> list[tuple[str, str]]:
    choices = [("", "Choose a role level")]
    for role in structure.roles:
        choices += [(f"{role.code}/{s.code}", f"{role.name}: {s.name}") for s in role.levels]
    return choices
