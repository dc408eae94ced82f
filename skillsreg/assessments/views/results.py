"""Pages for a submitted self-assessment: result, comparison, PDF profile and share links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from skillsreg.assessments import pdf, queries, services
from skillsreg.assessments.forms import (
    ConfirmForm,
)
from skillsreg.assessments.rules import Audience
from skillsreg.assessments.views import bp
from skillsreg.assessments.views.support import (
    audience,
    own_assessment,
    role_level_choices,
    visible_assessment,
)
from skillsreg.core.auth import (
    organiser_required,
    public,
    signed_in,
)
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.extensions import db


def _against(value: str | None) -> tuple[str, str] | None:
    role_code, _, level_code = (value or "").partition("/")
    return (role_code, level_code) if role_code and level_code else None


@bp.route("/<int:assessment_id>/result")
@signed_in
def show_result(assessment_id: int):
    assessment = own_assessment(assessment_id)
    view = queries.assessment_view(assessment, against=_against(request.args.get("against")))
    if view is None:
        abort(404)
    return render_template(
        "assessments/show_result.html",
        title="Your self-assessment result",
        view=view,
        choices=role_level_choices(view.structure)[1:],
        own=f"{assessment.role_code}/{assessment.role_level_code}",
        own_name=queries.role_level_names([assessment])[assessment.id],
        suggestions=queries.suggested_workshops(view, now=utcnow()),
        retired=queries.retired_ratings(assessment, view.version),
    )


@bp.route("/<int:assessment_id>/shared-with-organisers")
@organiser_required
def show_shared_with_organisers(assessment_id: int):
    assessment = visible_assessment(assessment_id, to={Audience.ORGANISER})
    view = queries.assessment_view(assessment) or abort(404)
    return render_template(
        "assessments/show_shared.html",
        title=f"Skills profile of {assessment.user.name}",
        view=view,
        pdf_url=url_for("assessments.download_pdf", assessment_id=assessment.id),
        review_url=None
        if assessment.validated_from_id
        else url_for("reviews.give_organiser_review", assessment_id=assessment.id),
    )


@bp.route("/compare")
@signed_in
def compare_assessments():
    submitted = [a for a in queries.submitted_of(current_user) if audience(a) is Audience.OWNER]
    chosen = {str(a.id): a for a in submitted}
    first, second = (
        chosen.get(request.args.get("first", "")),
        chosen.get(request.args.get("second", "")),
    )
    if first and second and first.version.sort_key > second.version.sort_key:
        # Relations run from a version to its successor, so the older version goes first.
        first, second = second, first
    return render_template(
        "assessments/compare_assessments.html",
        title="Compare two self-assessments",
        submitted=submitted,
        first=first,
        second=second,
        comparison=queries.compare(first, second) if first and second else None,
        roles=queries.role_level_names(submitted),
    )


@bp.route("/<int:assessment_id>/profile.pdf")
@signed_in
def download_pdf(assessment_id: int):
    assessment = visible_assessment(assessment_id, to={Audience.OWNER, Audience.ORGANISER})
    if not assessment.is_submitted:
        abort(404)
    body = pdf.profile_pdf(assessment)
    db.session.commit()  # keeps a newly rendered PDF for the next download
    return attachment(body, mimetype="application/pdf", filename=pdf.filename(assessment))


@bp.route("/<int:assessment_id>/share", methods=["GET", "POST"])
@signed_in
def share_assessment(assessment_id: int):
    assessment = own_assessment(assessment_id)
    if not assessment.is_submitted:
        abort(404)
    form, token = ConfirmForm(), None
    if form.validate_on_submit():
        token = services.create_share_link(assessment, now=utcnow())
        db.session.commit()
    # The link is shown once, in this response: only its hash is stored.
    return render_template(
        "assessments/share_assessment.html",
        title="Share your skills profile",
        form=form,
        assessment=assessment,
        link=token and url_for("assessments.show_shared", token=token, _external=True),
    )


@bp.route("/<int:assessment_id>/share/revoke", methods=["POST"])
@signed_in
def revoke_share(assessment_id: int):
    assessment = own_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_share_link(assessment)
    db.session.commit()
    flash("The link no longer works. Anyone who had it can no longer see your profile.", "success")
    return redirect(url_for("assessments.share_assessment", assessment_id=assessment_id))


@bp.route("/shared/<token>")
@public
def show_shared(token: str):
    assessment = services.find_shared(token)
    if assessment is None or audience(assessment, holds_live_link=True) is None:
        abort(404)
    view = queries.assessment_view(assessment)
    if view is None:
        abort(404)
    return render_template(
        "assessments/show_shared.html",
        title=f"Skills profile of {assessment.user.name}",
        view=view,
    )
