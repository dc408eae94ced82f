"""Pages of the selection domain: applicants, rounds, runs, locks and confirmation."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from skillsreg.core.auth import organiser_required
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import attachment
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.services import latest_job
from skillsreg.core.templating import pluralise
from skillsreg.extensions import db
from skillsreg.workshops import queries as workshop_queries
from skillsreg.workshops.selection import queries, services
from skillsreg.workshops.selection.forms import (
    ConfirmRoundForm,
    LockForm,
    OpenRoundForm,
    RemoveLockForm,
    RunRoundForm,
)
from skillsreg.workshops.selection.models import LockKind, SelectionRound, SelectionRun
from skillsreg.workshops.selection.rules import WEIGHT_LABELS

bp = Blueprint("selection", __name__, url_prefix="/workshops/organise/rounds")


# The limits in a round's weights, in words (the form does not ask for them).
LIMIT_LABELS = {
    "rank_horizon": "Choices that earn preference points (first choice to this one)",
    "years_cap": "Years of managing counted at most",
    "skill_level_cap": "Skill level counted at most",
}


@bp.context_processor
def display_helpers() -> dict[str, Any]:
    return {
        "long_date": workshop_queries.long_date,
        "clock": workshop_queries.clock,
        "weight_labels": {**WEIGHT_LABELS, **LIMIT_LABELS},
    }


def _round_or_404(round_id: int) -> SelectionRound:
    return queries.find_round(round_id) or abort(404)


def _run_or_404(round_: SelectionRound, run_id: int) -> SelectionRun:
    run = next((run for run in round_.runs if run.id == run_id), None)
    return run or abort(404)


@bp.get("/workshops/<slug>/applicants")
@organiser_required
def list_applicants(slug: str):
    workshop = queries.workshop_by_slug(slug) or abort(404)
    return render_template(
        "workshops/selection/list_applicants.html",
        workshop=workshop,
        choices=queries.applicants_of(workshop),
        title=f"Applicants: {workshop.title}",
    )


@bp.get("/")
@organiser_required
def list_rounds():
    return render_template(
        "workshops/selection/list_rounds.html",
        rounds=queries.all_rounds(),
        eligible=queries.eligible_workshops(utcnow()),
        title="Selection rounds",
    )


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def open_round():
    eligible = {workshop.id: workshop for workshop in queries.eligible_workshops(utcnow())}
    form = OpenRoundForm()
    form.workshop_ids.choices = [(key, workshop.title) for key, workshop in eligible.items()]
    if form.validate_on_submit():
        try:
            round_ = services.open_round(
                workshops=queries.workshops_by_ids(form.workshop_ids.data),
                title=form.title.data or "",
                max_places_per_person=form.max_places_per_person.data,
                min_per_target_role=form.min_per_target_role.data,
                time_limit=form.time_limit.data,
                weights=form.weights(),
                actor=current_user,
                now=utcnow(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"Round opened: {round_.title}", "success")
            return redirect(url_for("selection.show_round", round_id=round_.id))
    return render_template(
        "workshops/selection/open_round.html", form=form, eligible=eligible, title="Open a round"
    )


def _render_round(round_: SelectionRound, form: RunRoundForm, *, lock_error: str = "") -> str:
    _, _, current_hash = services.current_input(round_)
    run = round_.latest_run
    return render_template(
        "workshops/selection/show_round.html",
        round=round_,
        form=form,
        lock_form=LockForm(formdata=None),
        view=queries.run_view(round_, run, current_hash=current_hash) if run else None,
        lock_error=lock_error,
        running=running_job(round_),
        title=round_.title,
    )


def running_job(round_: SelectionRound) -> Job | None:
    """The queued or running job solving this round, if there is one."""
    job = latest_job(services.RUN, subject=("selection_round", str(round_.id)))
    return job if job is not None and not job.is_finished else None


@bp.get("/<int:round_id>")
@organiser_required
def show_round(round_id: int):
    return _render_round(_round_or_404(round_id), RunRoundForm(formdata=None))


@bp.post("/<int:round_id>/run")
@organiser_required
def run_round(round_id: int):
    round_ = _round_or_404(round_id)
    form = RunRoundForm()
    if form.validate_on_submit():
        try:
            job = services.start_run(round_, seed=form.seed.data, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error, field="seed")
        else:
            db.session.commit()
            flash("The optimiser is running", "success")
            return redirect(url_for("jobs.show_job", job_id=job.id))
    return _render_round(round_, form)


@bp.post("/<int:round_id>/locks")
@organiser_required
def add_lock(round_id: int):
    round_ = _round_or_404(round_id)
    form = LockForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.lock_applicant(
            round_,
            user_id=int(form.user_id.data),
            workshop_id=int(form.workshop_id.data) if form.workshop_id.data else None,
            kind=LockKind(form.kind.data),
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        return _render_round(round_, RunRoundForm(formdata=None), lock_error=error.message)
    db.session.commit()
    return redirect(url_for("selection.show_round", round_id=round_.id, _anchor="applicants"))


@bp.post("/<int:round_id>/locks/<int:lock_id>/remove")
@organiser_required
def remove_lock(round_id: int, lock_id: int):
    round_ = _round_or_404(round_id)
    lock = next((lock for lock in round_.locks if lock.id == lock_id), None) or abort(404)
    if not RemoveLockForm().validate_on_submit():
        abort(400)
    try:
        services.remove_lock(lock, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        return _render_round(round_, RunRoundForm(formdata=None), lock_error=error.message)
    db.session.commit()
    return redirect(url_for("selection.show_round", round_id=round_.id, _anchor="applicants"))


def _json_download(document: dict[str, Any], filename: str) -> Response:
    return attachment(
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        mimetype="application/json",
        filename=filename,
    )


@bp.get("/<int:round_id>/runs/<int:run_id>/input.json")
@organiser_required
def download_input(round_id: int, run_id: int):
    run = _run_or_404(_round_or_404(round_id), run_id)
    # The seed lets `flask workshops allocate` replay the run exactly; the hash excludes it.
    document = {**run.input_document, "seed": run.seed}
    return _json_download(document, f"round-{round_id}-run-{run.number}-input.json")


@bp.get("/<int:round_id>/runs/<int:run_id>/result.json")
@organiser_required
def download_result(round_id: int, run_id: int):
    run = _run_or_404(_round_or_404(round_id), run_id)
    document = {
        "round": run.input_document["id"],
        "run": run.number,
        "input_hash": run.input_hash,
        "created_at": run.created_at.isoformat(),
        **run.result,
    }
    return _json_download(document, f"round-{round_id}-run-{run.number}-result.json")


@bp.route("/<int:round_id>/confirm", methods=["GET", "POST"])
@organiser_required
def confirm_round(round_id: int):
    round_ = _round_or_404(round_id)
    run = round_.latest_run or abort(404)
    form = ConfirmRoundForm()
    outcome = None
    try:
        outcome = services.decision(round_, run)
    except DomainError as error:
        add_domain_error(form, error, field="submit")
    if outcome is not None and form.validate_on_submit():
        try:
            services.confirm_round(round_, run, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            offered = len(outcome.offered)
            flash(f"{offered} {pluralise(offered, 'place')} offered", "success")
            return redirect(url_for("selection.show_round", round_id=round_.id))
    return render_template(
        "workshops/selection/confirm_round.html",
        round=round_,
        run=run,
        outcome=outcome,
        form=form,
        title="Confirm the selection",
    )
