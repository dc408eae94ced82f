"""Pages for taking a self-assessment: start or carry forward, rate, check and submit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from skillsreg.assessments import queries, services
from skillsreg.assessments.forms import (
    AssessmentStartForm,
    CarryForwardForm,
    ConfirmForm,
    SkillAddForm,
    category_rating_form,
)
from skillsreg.assessments.models import Assessment
from skillsreg.assessments.rules import CARRY_FORWARD_RULES
from skillsreg.assessments.views import bp
from skillsreg.assessments.views.support import (
    current_version,
    own_assessment,
    own_draft,
    role_level_choices,
)
from skillsreg.core.auth import (
    pop_kept_form,
    signed_in,
    signed_in_keeping_form,
)
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.extensions import db
from skillsreg.frameworks.models import FrameworkVersion

SAVED = "Your answers have been saved. You can come back to them at any time."


@bp.route("/")
@signed_in
def list_assessments():
    assessments = queries.assessments_of(current_user)
    frameworks = queries.frameworks_to_assess()
    return render_template(
        "assessments/list_assessments.html",
        title="Your self-assessments",
        assessments=assessments,
        frameworks=frameworks,
        offers=queries.carry_forward_offers(assessments, frameworks),
        roles=queries.role_level_names(assessments),
    )


@bp.route("/new/<slug>", methods=["GET", "POST"])
@signed_in
def start_assessment(slug: str):
    framework, version, structure = current_version(slug)
    form = AssessmentStartForm()
    form.role_level.choices = role_level_choices(structure)
    if form.validate_on_submit():
        started = _begin(
            form, lambda **role: services.start_assessment(user=current_user, **role), version
        )
        if started is not None:
            return started
    return render_template(
        "assessments/start_assessment.html",
        title="Start a self-assessment",
        form=form,
        framework=framework,
        version=version,
        roles=structure.roles,
    )


def _begin(form: Any, start: Callable[..., Assessment], version: FrameworkVersion) -> Any:
    """Start (or carry forward) an assessment for the chosen role level; None on refusal."""
    role_code, _, level_code = form.role_level.data.partition("/")
    try:
        assessment = start(
            version=version, role_code=role_code, role_level_code=level_code, now=utcnow()
        )
    except DomainError as error:
        add_domain_error(form, error)
        return None
    db.session.commit()
    return redirect(url_for("assessments.show_assessment", assessment_id=assessment.id))


@bp.route("/carry-forward/<slug>", methods=["GET", "POST"])
@signed_in
def carry_forward(slug: str):
    framework, version, structure = current_version(slug)
    previous = services.latest_submitted(current_user, framework_id=framework.id)
    if previous is None or previous.version.sort_key >= version.sort_key:
        abort(404)
    form = CarryForwardForm(role_level=f"{previous.role_code}/{previous.role_level_code}")
    form.role_level.choices = role_level_choices(structure)
    if form.validate_on_submit():
        started = _begin(
            form, lambda **role: services.carry_forward_assessment(previous, **role), version
        )
        if started is not None:
            return started
    return render_template(
        "assessments/carry_forward.html",
        title=f"Carry your assessment forward to version {version.number}",
        form=form,
        previous=previous,
        version=version,
        roles=structure.roles,
        rules=CARRY_FORWARD_RULES,
    )


@bp.route("/<int:assessment_id>")
@signed_in
def show_assessment(assessment_id: int):
    assessment = own_assessment(assessment_id)
    if assessment.is_submitted:
        return redirect(url_for("assessments.show_result", assessment_id=assessment_id))
    view = queries.assessment_view(assessment) or abort(404)
    return render_template(
        "assessments/show_assessment.html",
        title="Your self-assessment",
        view=view,
        new_skills=queries.new_skills_to_add(view),
        retired=queries.retired_ratings(assessment, view.version),
    )


@bp.route("/<int:assessment_id>/categories/<code>", methods=["GET", "POST"])
@signed_in_keeping_form
def rate_category(assessment_id: int, code: str):
    assessment = own_draft(assessment_id)
    view = queries.assessment_view(assessment) or abort(404)
    group = view.group(code) or abort(404)
    if request.method == "POST" and "skip" in request.form:
        # Skipping saves nothing, so the task list still shows what was (not) started.
        return redirect(_next_page(view, code))
    kept = pop_kept_form() if request.method == "GET" else None
    form = category_rating_form(
        [(row.skill.code, row.skill.levels) for row in group.rows],
        data=_answers_of(group),
        **({"formdata": kept} if kept is not None else {}),
    )
    if form.validate_on_submit():
        save = services.save_ratings if form.save_later.data else services.answer_skills
        try:
            save(assessment, _answers(form, group), now=utcnow())
        except services.MissingAnswersError as error:
            _mark_missing(form, error.codes, group)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            target = _after_saving(form, view, code)  # before the commit expires the rows
            db.session.commit()
            if form.save_later.data:
                flash(SAVED, "success")
            return redirect(target)
    return render_template(
        "assessments/rate_category.html",
        title=group.category.name,
        form=form,
        view=view,
        group=group,
        previous=queries.previous_descriptors(assessment),
        restored=kept is not None,
    )


def _mark_missing(form: Any, codes: list[str], group: queries.CategoryGroup) -> None:
    names = {row.skill.code: row.skill.name for row in group.rows}
    for code in codes:
        level, _ = form.skill_fields(code)
        level.errors = [
            *level.errors,
            f"Choose your level in {names[code]}, or not applicable to me",
        ]
    form._errors = None  # WTForms caches form.errors; recompute with the new messages


def _answers_of(group: queries.CategoryGroup) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for row in group.rows:
        rating = row.rating
        if rating is None:  # assessment_view only groups rated skills; blank if ever not
            continue
        choice = "na" if rating.is_not_applicable else rating.level
        data[f"level_{row.skill.code}"] = None if choice is None else str(choice)
        data[f"evidence_{row.skill.code}"] = rating.evidence
    return data


def _answers(form: Any, group: queries.CategoryGroup) -> dict[str, services.Answer]:
    answers = {}
    for row in group.rows:
        level, evidence = form.skill_fields(row.skill.code)
        answers[row.skill.code] = services.Answer(level.data, evidence.data or "")
    return answers


def _after_saving(form: Any, view: queries.AssessmentView, code: str) -> str:
    if form.save_later.data:
        return url_for("assessments.show_assessment", assessment_id=view.assessment.id)
    return _next_page(view, code)


def _next_page(view: queries.AssessmentView, code: str) -> str:
    assessment_id = view.assessment.id
    codes = [group.category.code for group in view.groups]
    following = codes[codes.index(code) + 1 :]
    if following:
        return url_for("assessments.rate_category", assessment_id=assessment_id, code=following[0])
    return url_for("assessments.check_answers", assessment_id=assessment_id)


@bp.route("/<int:assessment_id>/add-skill", methods=["GET", "POST"])
@signed_in
def add_skill(assessment_id: int):
    assessment = own_draft(assessment_id)
    view = queries.assessment_view(assessment) or abort(404)
    form = SkillAddForm()
    form.skill.choices = [("", "Choose a skill")] + [
        (skill.code, f"{skill.name} ({skill.code})") for skill in view.other_skills
    ]
    if form.validate_on_submit():
        try:
            rating = services.add_skill(assessment, skill_code=form.skill.data, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            skill = next(s for s in view.other_skills if s.code == rating.skill_code)
            return redirect(
                url_for(
                    "assessments.rate_category",
                    assessment_id=assessment_id,
                    code=skill.category_code,
                    _anchor=f"level_{skill.code}",
                )
            )
    return render_template("assessments/add_skill.html", title="Add a skill", form=form, view=view)


@bp.route("/<int:assessment_id>/skills/<code>/remove", methods=["POST"])
@signed_in
def remove_skill(assessment_id: int, code: str):
    assessment = own_draft(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_skill(assessment, skill_code=code, now=utcnow())
    except DomainError as error:
        flash(error.message)
    else:
        db.session.commit()
    return redirect(url_for("assessments.show_assessment", assessment_id=assessment_id))


@bp.route("/<int:assessment_id>/check-answers", methods=["GET", "POST"])
@signed_in
def check_answers(assessment_id: int):
    assessment = own_draft(assessment_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.submit_assessment(assessment, now=utcnow(), warm_pdf=True)
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            return redirect(url_for("assessments.show_confirmation", assessment_id=assessment_id))
    view = queries.assessment_view(assessment) or abort(404)
    return render_template(
        "assessments/check_answers.html",
        title="Check your answers before submitting",
        form=form,
        view=view,
        new_skills=queries.new_skills_to_add(view),
        retired=queries.retired_ratings(assessment, view.version),
    )


@bp.route("/<int:assessment_id>/submitted")
@signed_in
def show_confirmation(assessment_id: int):
    assessment = own_assessment(assessment_id)
    if not assessment.is_submitted:
        abort(404)
    return render_template(
        "assessments/show_confirmation.html",
        title="Self-assessment submitted",
        assessment=assessment,
    )
