"""Public commitments: making one, answering it, and the public page of a member's commitments."""

from __future__ import annotations

from flask import abort, flash, render_template
from flask_login import current_user

from skillsreg.accounts.confirmed import confirmed_required
from skillsreg.core.auth import public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.development import queries, services
from skillsreg.development.forms import (
    CommitmentAnswerForm,
    ConfirmForm,
)
from skillsreg.development.rules import commitment_statement
from skillsreg.development.views import bp
from skillsreg.development.views.support import own_goal, to_goal
from skillsreg.extensions import db
from skillsreg.register.models import ConsentWording
from skillsreg.register.notices import auto_republish, send_consent_receipt
from skillsreg.register.rules import ConsentField


@bp.route("/plans/<int:plan_id>/goals/<int:goal_id>/commit", methods=["GET", "POST"])
@signed_in
@confirmed_required("make a public commitment")
def make_commitment(plan_id: int, goal_id: int):
    goal = own_goal(plan_id, goal_id)
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
            return to_goal(goal)
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
    goal = own_goal(plan_id, goal_id)
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
    return to_goal(goal)


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
            return to_goal(commitment.goal)
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
