"""Review pages: members ask and decide, reviewers answer through a link, organisers signed in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from skillsreg.accounts.confirmed import confirmed_required
from skillsreg.assessments.rules import Audience
from skillsreg.assessments.views.support import own_assessment, visible_assessment
from skillsreg.core.auth import organiser_required, public, signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.extensions import db, limiter
from skillsreg.reviews import queries, services
from skillsreg.reviews.forms import (
    ReviewAcceptForm,
    ReviewCancelForm,
    ReviewDeclineForm,
    ReviewGiveForm,
    ReviewRequestForm,
    review_give_form,
)
from skillsreg.reviews.models import Review, ReviewStatus

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def _review_limit() -> str:
    return str(current_app.config["RATELIMIT_REVIEW"])


def _own_review(review_id: int) -> Review:
    review = queries.find_review(review_id, member=current_user)
    if review is None:
        abort(404)
    return review


def _give_link(token: str) -> str:
    return url_for("reviews.give_review", token=token, _external=True)


def _decline_link(token: str) -> str:
    return url_for("reviews.decline_review", token=token, _external=True)


def _review_link(review_id: int) -> str:
    return url_for("reviews.show_review", review_id=review_id, _external=True)


@bp.route("")
@signed_in
def list_reviews():
    return render_template(
        "reviews/list_reviews.html",
        title="Independent reviews",
        reviews=queries.reviews_of(current_user),
        now=utcnow(),
    )


@bp.route("/assessments/<int:assessment_id>/request", methods=["GET", "POST"])
@signed_in
@confirmed_required("ask for a review")
@limiter.limit(_review_limit, methods=["POST"])
def request_review(assessment_id: int):
    assessment = own_assessment(assessment_id)
    if not assessment.is_submitted or assessment.validated_from_id is not None:
        abort(404)
    form = ReviewRequestForm()
    if form.validate_on_submit():
        try:
            review = services.request_review(
                assessment,
                member=current_user,
                **{k: form.data[k] or "" for k in ("name", "email", "relationship", "message")},
                now=utcnow(),
                link=_give_link,
                decline_link=_decline_link,
                days=current_app.config["REVIEW_LINK_DAYS"],
                per_day=current_app.config["REVIEW_REQUESTS_PER_DAY"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"We have emailed {review.reviewer_name} a link to review your assessment.")
            return redirect(url_for("reviews.show_review", review_id=review.id))
    return render_template(
        "reviews/request_review.html",
        title="Ask for an independent review",
        form=form,
        assessment=assessment,
        reviews=queries.reviews_of_assessment(assessment),
        days=current_app.config["REVIEW_LINK_DAYS"],
        now=utcnow(),
    )


@bp.route("/<int:review_id>")
@signed_in
def show_review(review_id: int):
    review = _own_review(review_id)
    view = queries.reviewed_view(review) or abort(404)
    groups = queries.review_groups(review, view)
    form = ReviewAcceptForm()
    form.accepted.choices = _accept_choices(groups, view.level_names)
    return _review_page(review, view, groups, form)


def _review_page(review: Review, view: Any, groups: Any, form: ReviewAcceptForm) -> str:
    return render_template(
        "reviews/show_review.html",
        title=f"Review by {review.reviewer_name}",
        review=review,
        view=view,
        groups=groups,
        form=form,
        now=utcnow(),
    )


def _accept_choices(groups: Any, names: dict[int, str]) -> list[tuple[str, str]]:
    def level(item: Any) -> str:
        return (
            "not applicable"
            if item.is_not_applicable
            else f"{item.level} {names.get(item.level, '')}"
        )

    return [
        (row.row.skill.code, f"{row.row.skill.name}: {level(row.item)}")
        for group in groups
        for row in group.rows
        if row.differs
    ]


@bp.route("/<int:review_id>/accept", methods=["POST"])
@signed_in
def accept_review(review_id: int):
    review = _own_review(review_id)
    view = queries.reviewed_view(review) or abort(404)
    groups = queries.review_groups(review, view)
    form = ReviewAcceptForm()
    form.accepted.choices = _accept_choices(groups, view.level_names)
    if form.validate_on_submit():
        try:
            validated = services.accept_review(
                review, member=current_user, accepted=form.accepted.data or [], now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error, field="accepted")
        else:
            db.session.commit()
            flash("Your validated assessment has been created. Your original assessment is kept.")
            return redirect(url_for("assessments.show_result", assessment_id=validated.id))
    return _review_page(review, view, groups, form)


@bp.route("/<int:review_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel_review(review_id: int):
    review = _own_review(review_id)
    form = ReviewCancelForm()
    if review.status not in (ReviewStatus.REQUESTED, ReviewStatus.GIVEN):
        return redirect(url_for("reviews.show_review", review_id=review.id))
    if form.validate_on_submit():
        services.cancel_review(review, member=current_user, now=utcnow())
        db.session.commit()
        flash("The review has been cancelled. Its link no longer works.")
        return redirect(url_for("reviews.list_reviews"))
    return render_template(
        "reviews/cancel_review.html", title="Cancel this review", form=form, review=review
    )


def _reviewer_form(view: Any, **kwargs: Any) -> ReviewGiveForm:
    skills = [(row.skill.code, row.skill.levels) for group in view.groups for row in group.rows]
    return review_give_form(skills, **kwargs)


def _answers(form: ReviewGiveForm, view: Any) -> dict[str, tuple[str | None, str]]:
    answers = {}
    for group in view.groups:
        for row in group.rows:
            level, comment = form.skill_fields(row.skill.code)
            answers[row.skill.code] = (level.data, comment.data or "")
    return answers


def _give(form: ReviewGiveForm, view: Any, act: Any) -> bool:
    """Validate the reviewer's form and act on it; put each refusal against its skill."""
    if not form.validate_on_submit():
        return False
    reviewer = services.Reviewer(
        form.reviewer_name.data, form.job_title.data, form.organisation.data
    )
    try:
        act(_answers(form, view), reviewer)
    except services.AnswersError as error:
        for code, message in error.errors.items():
            form.skill_fields(code)[0].errors.append(message)
        form._errors = None
        return False
    except DomainError as error:
        add_domain_error(form, error)
        return False
    db.session.commit()
    return True


@bp.route("/respond/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_review_limit, methods=["POST"])
def give_review(token: str):
    # Opening the link only shows the form: mail scanners that follow links change nothing.
    try:
        review = services.find_open_review(token, now=utcnow())
    except DomainError:
        return render_template("reviews/link_gone.html", title="This link no longer works"), 410
    view = queries.reviewed_view(review) or abort(404)
    form = _reviewer_form(view, data={"reviewer_name": review.reviewer_name})

    def act(answers: Any, reviewer: Any) -> None:
        services.give_review(
            review, answers=answers, reviewer=reviewer, now=utcnow(), link=_review_link(review.id)
        )

    if _give(form, view, act):
        return redirect(url_for("reviews.show_thanks"))
    return render_template(
        "reviews/give_review.html",
        title="Review a skills self-assessment",
        form=form,
        view=view,
        review=review,
        decline_url=url_for("reviews.decline_review", token=token),
    )


@bp.route("/respond/<token>/decline", methods=["GET", "POST"])
@public
@limiter.limit(_review_limit, methods=["POST"])
def decline_review(token: str):
    try:
        review = services.find_open_review(token, now=utcnow())
    except DomainError:
        return render_template("reviews/link_gone.html", title="This link no longer works"), 410
    form = ReviewDeclineForm()
    if form.validate_on_submit():
        services.decline_review(
            review, reason=form.reason.data or "", now=utcnow(), link=_review_link(review.id)
        )
        db.session.commit()
        return redirect(url_for("reviews.show_thanks", declined=1))
    return render_template(
        "reviews/decline_review.html",
        title="Decline the review",
        form=form,
        review=review,
        back_url=url_for("reviews.give_review", token=token),
    )


@bp.route("/respond/done")
@public
def show_thanks():
    declined = request.args.get("declined") == "1"
    title = "You have declined the review" if declined else "Your review has been sent"
    return render_template("reviews/show_thanks.html", title=title, declined=declined)


@bp.route("/assessments/<int:assessment_id>/organiser-review", methods=["GET", "POST"])
@organiser_required
@limiter.limit(_review_limit, methods=["POST"])
def give_organiser_review(assessment_id: int):
    assessment = visible_assessment(assessment_id, to={Audience.ORGANISER})
    view = queries.assessment_view(assessment) or abort(404)
    user = current_user
    form = _reviewer_form(
        view,
        data={
            "reviewer_name": user.name,
            "job_title": user.job_title,
            "organisation": user.organisation,
        },
    )

    def act(answers: Any, reviewer: Any) -> None:
        services.give_organiser_review(
            assessment,
            organiser=user,
            answers=answers,
            reviewer=reviewer,
            now=utcnow(),
            link=_review_link,
        )

    if _give(form, view, act):
        flash(f"Your review has been sent to {assessment.user.name}.")
        return redirect(
            url_for("assessments.show_shared_with_organisers", assessment_id=assessment.id)
        )
    return render_template(
        "reviews/give_review.html",
        title=f"Review the self-assessment of {assessment.user.name}",
        form=form,
        view=view,
        review=None,
        decline_url=None,
    )
