"""Pages of whole plans: the list, starting one from gaps, the plan, sharing and closing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from skillsreg.assessments.rules import Audience
from skillsreg.core.auth import public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.development import queries, services
from skillsreg.development.forms import (
    ConfirmForm,
    PlanAimForm,
    PlanGoalsForm,
)
from skillsreg.development.models import PlanAim
from skillsreg.development.views import bp
from skillsreg.development.views.support import own_assessment, own_plan, to_plan
from skillsreg.extensions import db


@bp.get("/")
@signed_in
def list_plans():
    return render_template(
        "development/list_plans.html",
        title="Your development plans",
        plans=queries.plans_of(current_user),
        assessments=queries.submitted_assessments(current_user),
        to_answer=queries.commitments_to_answer(current_user, now=utcnow()),
    )


@bp.route("/plans/new/<int:assessment_id>", methods=["GET", "POST"])
@signed_in
def start_plan(assessment_id: int):
    assessment = own_assessment(assessment_id)
    form = PlanAimForm(aim=PlanAim.CURRENT.value)
    if form.validate_on_submit():
        if queries.plan_proposals(assessment, PlanAim(form.aim.data)) is not None:
            return redirect(
                url_for("development.choose_goals", assessment_id=assessment.id, aim=form.aim.data)
            )
        form.aim.errors = ["There is no role level above yours: aim for your own role level"]
    return render_template(
        "development/start_plan.html",
        title="Start a development plan",
        form=form,
        assessment=assessment,
    )


@bp.route("/plans/new/<int:assessment_id>/<aim>", methods=["GET", "POST"])
@signed_in
def choose_goals(assessment_id: int, aim: str):
    assessment = own_assessment(assessment_id)
    if aim not in {a.value for a in PlanAim}:
        abort(404)
    proposals = queries.plan_proposals(assessment, PlanAim(aim)) or abort(404)
    form = PlanGoalsForm()
    form.skill_codes.choices = [(row.code, row.skill_name) for row in proposals.goals]
    if form.validate_on_submit():
        try:
            plan = services.start_plan(
                current_user, assessment, aim=aim, skill_codes=form.skill_codes.data or [],
                target_on=form.target_on.data, now=utcnow(),
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Your development plan has been started", "success")
            return to_plan(plan)
    return render_template(
        "development/choose_goals.html",
        title="Choose the skills to develop",
        form=form,
        proposals=proposals,
        assessment=assessment,
    )


@bp.get("/plans/<int:plan_id>")
@signed_in
def show_plan(plan_id: int):
    plan = queries.find_plan(plan_id) or abort(404)
    audience = queries.audience(plan, current_user)
    if audience is None:
        abort(404)
    is_owner = audience is Audience.OWNER
    return render_template(
        "development/show_plan.html",
        title="Your development plan" if is_owner else f"Development plan of {plan.user.name}",
        page=queries.plan_page(plan, now=utcnow(), suggestions=False),
        is_owner=is_owner,
    )


@bp.get("/shared/<token>")
@public
def show_shared(token: str):
    plan = services.find_shared(token) or abort(404)
    return render_template(
        "development/show_plan.html",
        title=f"Development plan of {plan.user.name}",
        page=queries.plan_page(plan, now=utcnow(), suggestions=False),
        is_owner=False,
    )


@bp.route("/plans/<int:plan_id>/share", methods=["GET", "POST"])
@signed_in
def share_plan(plan_id: int):
    plan = own_plan(plan_id)
    form = ConfirmForm()
    link = None
    if form.validate_on_submit():
        token = services.create_share_link(plan, now=utcnow())
        db.session.commit()
        link = url_for("development.show_shared", token=token, _external=True)
    return render_template(
        "development/share_plan.html", title="Share your plan", plan=plan, form=form, link=link
    )


@bp.post("/plans/<int:plan_id>/unshare")
@signed_in
def unshare_plan(plan_id: int):
    plan = own_plan(plan_id)
    if ConfirmForm().validate_on_submit():
        services.revoke_share_link(plan)
        db.session.commit()
        flash("The link no longer works. Anyone who had it can no longer see your plan.", "success")
    return redirect(url_for("development.share_plan", plan_id=plan.id))


@bp.post("/plans/<int:plan_id>/close")
@signed_in
def close_plan(plan_id: int):
    plan = own_plan(plan_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.close_plan(plan, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Your plan has been closed", "success")
    return to_plan(plan)
