"""The development blueprint: plans from assessment gaps, goals, activities and commitments."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from skillsreg.accounts.confirmed import confirmed_required
from skillsreg.assessments.models import Assessment
from skillsreg.assessments.rules import Audience
from skillsreg.core.auth import public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.development import queries, services
from skillsreg.development.forms import (
    ActivityForm,
    ActivityStateForm,
    CommitmentAnswerForm,
    ConfirmForm,
    GoalForm,
    PlanAimForm,
    PlanGoalsForm,
    SuccessorForm,
    SuggestedActivityForm,
)
from skillsreg.development.models import ActivityKind, Goal, Plan, PlanAim
from skillsreg.development.rules import commitment_statement
from skillsreg.extensions import db
from skillsreg.register.models import ConsentWording
from skillsreg.register.notices import auto_republish, send_consent_receipt
from skillsreg.register.rules import ConsentField

bp = Blueprint("development", __name__, url_prefix="/development")


def _own_plan(plan_id: int) -> Plan:
    plan = queries.find_plan(plan_id)
    if plan is None or plan.user_id != current_user.id:
        abort(404)
    return plan


def _own_goal(plan_id: int, goal_id: int) -> Goal:
    return queries.find_goal(_own_plan(plan_id), goal_id) or abort(404)


def _own_assessment(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.user_id != current_user.id:
        abort(404)
    if not assessment.is_submitted:
        abort(404)
    return assessment


def _to_plan(plan: Plan, anchor: str = "") -> Any:
    return redirect(url_for("development.show_plan", plan_id=plan.id) + anchor)


def _to_goal(goal: Goal) -> Any:
    return redirect(url_for("development.show_goal", plan_id=goal.plan_id, goal_id=goal.id))


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
    assessment = _own_assessment(assessment_id)
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
    assessment = _own_assessment(assessment_id)
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
            return _to_plan(plan)
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
    plan = _own_plan(plan_id)
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
    plan = _own_plan(plan_id)
    if ConfirmForm().validate_on_submit():
        services.revoke_share_link(plan)
        db.session.commit()
        flash("The link no longer works. Anyone who had it can no longer see your plan.", "success")
    return redirect(url_for("development.share_plan", plan_id=plan.id))


@bp.post("/plans/<int:plan_id>/close")
@signed_in
def close_plan(plan_id: int):
    plan = _own_plan(plan_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.close_plan(plan, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Your plan has been closed", "success")
    return _to_plan(plan)


def _goal_row(goal: Goal) -> queries.GoalRow:
    page = queries.plan_page(goal.plan, now=utcnow())
    return next(row for row in page.rows if row.goal.id == goal.id)


@bp.get("/plans/<int:plan_id>/goals/<int:goal_id>")
@signed_in
def show_goal(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    row = _goal_row(goal)
    commitment = goal.commitment
    return render_template(
        "development/show_goal.html",
        title=f"Goal: {goal.skill_name}",
        row=row,
        goal=goal,
        plan=goal.plan,
        suggestion_form=SuggestedActivityForm(),
        confirm_form=ConfirmForm(),
        today=utcnow().date(),
        statement=commitment_statement(commitment.due_on, commitment.level_name,
                                       commitment.skill_name) if commitment else "",
    )  # fmt: skip


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_goal(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    form = GoalForm(obj=goal)
    names = queries.level_names({goal.version_id})
    form.target_level.choices = sorted((n, name) for (_, n), name in names.items())
    if form.validate_on_submit():
        try:
            services.update_goal(
                goal, target_level=form.target_level.data, target_on=form.target_on.data,
                now=utcnow(),
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            return _to_goal(goal)
    return render_template(
        "development/edit_goal.html", title="Change your goal", form=form, goal=goal
    )


@bp.post("/plans/<int:plan_id>/goals/<int:goal_id>/remove")
@signed_in
def remove_goal(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    plan = goal.plan
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_goal(goal, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
            return _to_goal(goal)
        db.session.commit()
        flash("The goal has been removed", "success")
    return _to_plan(plan)


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>/activities/new", methods=["GET", "POST"])
@signed_in
def add_activity(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    form = ActivityForm()
    if form.validate_on_submit():
        try:
            services.add_activity(
                goal, kind=form.kind.data, title=form.title.data or "",
                notes=form.notes.data or "", now=utcnow(),
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            return _to_goal(goal)
    return render_template(
        "development/add_activity.html", title="Add an activity", form=form, goal=goal
    )


@bp.post("/plans/<int:plan_id>/goals/<int:goal_id>/activities/suggested")
@signed_in
def add_suggested_activity(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    form = SuggestedActivityForm()
    if not form.validate_on_submit() or not (form.linked_id.data or "").isdigit():
        abort(400)
    kind = (
        ActivityKind(form.kind.data) if form.kind.data in ("workshop", "document") else abort(400)
    )
    linked = int(form.linked_id.data)
    try:
        services.add_activity(
            goal, kind=kind.value, title="", now=utcnow(),
            workshop_id=linked if kind is ActivityKind.WORKSHOP else None,
            document_id=linked if kind is ActivityKind.DOCUMENT else None,
        )  # fmt: skip
    except DomainError as error:
        flash(error.message, "error")
        return _to_goal(goal)
    db.session.commit()
    flash("The activity has been added to your goal", "success")
    return _to_goal(goal)


@bp.route(
    "/plans/<int:plan_id>/goals/<int:goal_id>/activities/<int:activity_id>",
    methods=["GET", "POST"],
)
@signed_in
def change_activity(plan_id: int, goal_id: int, activity_id: int):
    goal = _own_goal(plan_id, goal_id)
    activity = queries.find_activity(goal, activity_id) or abort(404)
    form = ActivityStateForm(state=activity.state.value)
    if form.validate_on_submit():
        try:
            services.set_activity_state(activity, state=form.state.data, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            return _to_goal(goal)
    return render_template(
        "development/change_activity.html",
        title=f"Update activity: {activity.title}",
        form=form,
        goal=goal,
        activity=activity,
    )


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>/successor", methods=["GET", "POST"])
@signed_in
def choose_successor(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    offer = queries.successor_offer(goal) or abort(404)
    form = SuccessorForm()
    form.code.choices = [(option.code, option.name) for option in offer.options]
    if form.validate_on_submit():
        try:
            services.follow_successor(goal, code=form.code.data, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            return _to_goal(goal)
    return render_template(
        "development/choose_successor.html",
        title="Choose the skill your goal follows",
        form=form,
        goal=goal,
        offer=offer,
    )


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>/commit", methods=["GET", "POST"])
@signed_in
@confirmed_required("make a public commitment")
def make_commitment(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            _, change = services.make_commitment(
                goal, user=current_user, now=utcnow(), auto_republish=auto_republish()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if change is not None:
                send_consent_receipt(current_user, change)
            db.session.commit()
            flash("Your goal is now a public commitment", "success")
            return _to_goal(goal)
    names = queries.level_names({goal.version_id})
    return render_template(
        "development/make_commitment.html",
        title="Check your public commitment",
        form=form,
        goal=goal,
        statement=commitment_statement(
            goal.target_on, names.get((goal.version_id, goal.target_level), ""), goal.skill_name
        ),
        wording=_commitments_wording(),
        consented=ConsentField.COMMITMENTS in queries.consents_of(current_user),
    )


def _commitments_wording() -> ConsentWording | None:
    from skillsreg.register.queries import current_wordings

    return current_wordings().get(ConsentField.COMMITMENTS)


@bp.post("/plans/<int:plan_id>/goals/<int:goal_id>/uncommit")
@signed_in
def stop_commitment(plan_id: int, goal_id: int):
    goal = _own_goal(plan_id, goal_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.stop_commitment(
                goal, user=current_user, now=utcnow(), auto_republish=auto_republish()
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("Your goal is private again", "success")
    return _to_goal(goal)


@bp.route("/commitments/<int:commitment_id>/answer", methods=["GET", "POST"])
@signed_in
def answer_commitment(commitment_id: int):
    commitment = queries.find_commitment(current_user, commitment_id) or abort(404)
    form = CommitmentAnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_commitment(
                commitment, outcome=form.outcome.data, new_due_on=form.new_due_on.data,
                now=utcnow(),
            )  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Your answer has been saved", "success")
            return _to_goal(commitment.goal)
    return render_template(
        "development/answer_commitment.html",
        title="Did you keep your commitment?",
        form=form,
        commitment=commitment,
        statement=commitment_statement(
            commitment.due_on, commitment.level_name, commitment.skill_name
        ),
    )


@bp.get("/commitments/people/<int:user_id>")
@public
def show_commitments(user_id: int):
    commitments = queries.public_commitments(user_id)
    if not commitments:
        abort(404)
    return render_template(
        "development/show_commitments.html",
        title="Public development commitments",
        commitments=commitments,
        name=queries.public_name(user_id),
    )
