"""CPD record pages: the record with its yearly totals, logging activities, exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from skillsreg.core.auth import signed_in
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.development.cpd import exports, queries, services
from skillsreg.development.cpd.forms import ActivityForm, ReflectionForm, RemoveForm, TargetForm
from skillsreg.development.cpd.models import CpdActivity
from skillsreg.development.cpd.rules import format_hours, hours_phrase
from skillsreg.development.cpd.services import ActivityDetails
from skillsreg.extensions import db
from skillsreg.workshops.queries import in_london

bp = Blueprint("cpd", __name__, url_prefix="/development/cpd")


@bp.context_processor
def display_helpers() -> dict[str, Any]:
    return {"format_hours": format_hours, "hours_phrase": hours_phrase}


def _today():
    return in_london(utcnow()).date()


def _activity_or_404(activity_id: int) -> CpdActivity:
    activity = queries.own_activity(current_user, activity_id)
    if activity is None:
        abort(404)
    return activity


def _with_skills(form: ActivityForm) -> ActivityForm:
    version = queries.skill_version()
    form.skill_codes.choices = [
        (s.code, f"{s.name} ({s.code})") for s in queries.skill_choices(version)
    ]
    offered = dict(form.skill_codes.choices)
    # A skill kept from an earlier framework version stays selectable on its entry.
    form.skill_codes.choices += [(c, c) for c in form.skill_codes.data or [] if c not in offered]
    goals = queries.goal_choices(current_user)
    form.goal_id.choices = [("", "Not linked to a goal")] + [(str(i), text) for i, text in goals]
    return form


@bp.get("/")
@signed_in
def show_record():
    record = queries.cpd_record(current_user)
    years = record.years(today=_today())
    year = request.args.get("year", type=int) or years[0]
    if year not in years:
        abort(404)
    return render_template(
        "development/cpd/show_record.html",
        title="Your CPD record",
        record=record,
        years=years,
        year=year,
        rows=record.rows_in(year),
        totals=record.totals(year),
    )


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def log_activity():
    form = _with_skills(ActivityForm())
    if form.validate_on_submit():
        try:
            details = ActivityDetails(**form.details())
            activity = services.log_activity(current_user, details=details, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{activity.title} added to your CPD record", "success")
            return redirect(url_for("cpd.show_record", year=activity.done_on.year))
    return render_template(
        "development/cpd/log_activity.html", form=form, title="Log a CPD activity"
    )


def _answers(activity: CpdActivity) -> dict[str, Any]:
    """What the member said about an activity, as the form's fields hold it."""
    names = ("done_on", "title", "learned", "application", "skill_codes")
    return {
        **{name: getattr(activity, name) for name in names},
        "kind": activity.kind.value,
        "hours": format_hours(activity.minutes),
        "goal_id": str(activity.goal_id or ""),
    }


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_activity(activity_id: int):
    activity = _activity_or_404(activity_id)
    form = _with_skills(ActivityForm(data=_answers(activity)))
    if form.validate_on_submit():
        try:
            details = ActivityDetails(**form.details())
            services.update_activity(activity, details=details, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{activity.title} updated", "success")
            return redirect(url_for("cpd.show_record", year=activity.done_on.year))
    return render_template(
        "development/cpd/log_activity.html",
        form=form,
        activity=activity,
        title="Change a CPD activity",
    )


@bp.route("/<int:activity_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_activity(activity_id: int):
    activity = _activity_or_404(activity_id)
    form = RemoveForm()
    if form.validate_on_submit():
        year = activity.done_on.year
        services.remove_activity(activity, actor=current_user)
        db.session.commit()
        flash("The activity was removed from your CPD record", "success")
        return redirect(url_for("cpd.show_record", year=year))
    return render_template(
        "development/cpd/remove_activity.html",
        form=form,
        activity=activity,
        title="Remove this activity?",
    )


@bp.route("/workshops/<int:workshop_id>", methods=["GET", "POST"])
@signed_in
def reflect_on_workshop(workshop_id: int):
    choice = queries.attended_choice(current_user, workshop_id)
    if choice is None:
        abort(404)
    workshop = choice.workshop
    data = {"title": workshop.title, "hours": format_hours(services.workshop_hours(workshop))}
    form = _with_skills(ReflectionForm(data={**data, "skill_codes": workshop.target_skill_codes}))
    if form.validate_on_submit():
        try:
            services.reflect_on_workshop(
                current_user, workshop_id=workshop.id, **form.details(), now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"Your reflections on {workshop.title} are saved", "success")
            return redirect(url_for("cpd.show_record", year=services.workshop_day(workshop).year))
    return render_template(
        "development/cpd/reflect_on_workshop.html",
        form=form,
        workshop=workshop,
        title="Add your reflections",
    )


@bp.route("/target", methods=["GET", "POST"])
@signed_in
def change_target():
    record = queries.cpd_record(current_user)
    form = TargetForm(data={"yearly_hours": record.target_hours})
    if form.validate_on_submit():
        try:
            services.set_target(current_user, yearly_hours=form.yearly_hours.data, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Your yearly target is saved", "success")
            return redirect(url_for("cpd.show_record"))
    return render_template(
        "development/cpd/change_target.html", form=form, title="Your yearly CPD target"
    )


def _export(year: int | None, extension: str):
    record = queries.cpd_record(current_user)
    years = record.years(today=_today())
    if year is not None and year not in years:
        abort(404)
    name = exports.filename(year, extension)
    if extension == "csv":
        return attachment(exports.record_csv(record, year=year), mimetype="text/csv", filename=name)
    context = exports.record_context(
        record,
        user=current_user,
        years=[year] if year else sorted(years),
        today=_today(),
        site_url=url_for("cpd.show_record", _external=True),
    )
    return attachment(exports.record_pdf(context), mimetype="application/pdf", filename=name)


@bp.get("/record.csv")
@signed_in
def download_csv():
    return _export(None, "csv")


@bp.get("/record.pdf")
@signed_in
def download_pdf():
    return _export(None, "pdf")


@bp.get("/<int:year>/record.csv")
@signed_in
def download_year_csv(year: int):
    return _export(year, "csv")


@bp.get("/<int:year>/record.pdf")
@signed_in
def download_year_pdf(year: int):
    return _export(year, "pdf")
