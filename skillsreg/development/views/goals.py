"""Pages of one goal: its progress, target, activities, suggestions and successor."""

from __future__ import annotations

from flask import abort, flash, render_template

from skillsreg.core.auth import signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.development import queries, services
from skillsreg.development.forms import (
    ActivityForm,
    ActivityStateForm,
    ConfirmForm,
    GoalForm,
    SuccessorForm,
    SuggestedActivityForm,
)
from skillsreg.development.models import ActivityKind, Goal
from skillsreg.development.rules import commitment_statement
from skillsreg.development.views import bp
from skillsreg.development.views.support import own_goal, to_goal, to_plan
from skillsreg.extensions import db


def _goal_row(goal: Goal) -> queries.GoalRow:
    page = queries.plan_page(goal.plan, now=utcnow())
    return next(row for row in page.rows if row.goal.id == goal.id)


@bp.get("/plans/<int:plan_id>/goals/<int:goal_id>")
@signed_in
def show_goal(plan_id: int, goal_id: int):
    goal = own_goal(plan_id, goal_id)
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
    goal = own_goal(plan_id, goal_id)
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
            return to_goal(goal)
    return render_template(
        "development/edit_goal.html", title="Change your goal", form=form, goal=goal
    )


@bp.post("/plans/<int:plan_id>/goals/<int:goal_id>/remove")
@signed_in
def remove_goal(plan_id: int, goal_id: int):
    goal = own_goal(plan_id, goal_id)
    plan = goal.plan
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_goal(goal, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
            return to_goal(goal)
        db.session.commit()
        flash("The goal has been removed", "success")
    return to_plan(plan)


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>/activities/new", methods=["GET", "POST"])
@signed_in
def add_activity(plan_id: int, goal_id: int):
    goal = own_goal(plan_id, goal_id)
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
            return to_goal(goal)
    return render_template(
        "development/add_activity.html", title="Add an activity", form=form, goal=goal
    )


@bp.post("/plans/<int:plan_id>/goals/<int:goal_id>/activities/suggested")
@signed_in
def add_suggested_activity(plan_id: int, goal_id: int):
    goal = own_goal(plan_id, goal_id)
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
        return to_goal(goal)
    db.session.commit()
    flash("The activity has been added to your goal", "success")
    return to_goal(goal)


@bp.route(
    "/plans/<int:plan_id>/goals/<int:goal_id>/activities/<int:activity_id>",
    methods=["GET", "POST"],
)
@signed_in
def change_activity(plan_id: int, goal_id: int, activity_id: int):
    goal = own_goal(plan_id, goal_id)
    activity = queries.find_activity(goal, activity_id) or abort(404)
    form = ActivityStateForm(state=activity.state.value)
    if form.validate_on_submit():
        try:
            services.set_activity_state(activity, state=form.state.data, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            return to_goal(goal)
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
    goal = own_goal(plan_id, goal_id)
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
            return to_goal(goal)
    return render_template(
        "development/choose_successor.html",
        title="Choose the skill your goal follows",
        form=form,
        goal=goal,
        offer=offer,
    )
