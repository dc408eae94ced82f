"""Pages of the jobs: the list of recent jobs, one job's progress, and retrying a failed one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.routing import BuildError

from skillsreg.core.auth import organiser_required
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import GovForm
from skillsreg.core.jobs import services
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.queue import title_of
from skillsreg.extensions import db

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _framework_version(subject_id: str) -> dict[str, Any]:
    slug, _, number = subject_id.partition("/")
    return {"slug": slug, "version": number}


# Where the thing a job is about is shown: subject type -> (link text, endpoint, its arguments).
SUBJECT_LINKS: dict[str, tuple[str, str, Callable[[str], dict[str, Any]]]] = {
    "register": ("View register {id}", "register.show_snapshot", lambda i: {"number": int(i)}),
    "selection_round": (
        "View the round and its latest run",
        "selection.show_round",
        lambda i: {"round_id": int(i)},
    ),
    "library_document": (
        "View the document",
        "library.show_document",
        lambda i: {"document_id": int(i)},
    ),
    "framework_version": ("Open {id} in the editor", "frameworks.edit_version", _framework_version),
}


class RetryJobForm(GovForm):
    """Only the CSRF token: the button is the whole form."""


def subject_link(job: Job) -> tuple[str, str] | None:
    """The text and address of the page about what this job made or changed."""
    link = SUBJECT_LINKS.get(job.subject_type or "")
    if link is None or job.subject_id is None:
        return None
    text, endpoint, arguments = link
    try:
        return text.format(id=job.subject_id), url_for(endpoint, **arguments(job.subject_id))
    except (BuildError, ValueError):  # an address this build does not have: shown without it
        return None


def _visible_job_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id) or abort(404)
    if not services.can_see(job, current_user):
        abort(403)
    return job


@bp.get("/")
@organiser_required
def list_jobs():
    return render_template(
        "jobs/list_jobs.html",
        jobs=services.recent_jobs(current_user),
        title_of=title_of,
        title="Recent jobs",
    )


@bp.get("/<int:job_id>")
@organiser_required
def show_job(job_id: int):
    job = _visible_job_or_404(job_id)
    # The HTTP Refresh header reloads the page without JavaScript (a <meta> refresh would fail
    # WCAG 2.2.1 as axe checks it); the person can turn it off with the link the page shows.
    refreshing = not job.is_finished and request.args.get("refresh") != "off"
    refresh_seconds = int(current_app.config["JOBS_PAGE_REFRESH_SECONDS"])
    response = make_response(
        render_template(
            "jobs/show_job.html",
            job=job,
            job_title=title_of(job),
            link=subject_link(job),
            form=RetryJobForm(),
            refreshing=refreshing,
            refresh_seconds=refresh_seconds,
            title=title_of(job),
        )
    )
    if refreshing:
        response.headers["Refresh"] = str(refresh_seconds)
    return response


@bp.post("/<int:job_id>/retry")
@organiser_required
def retry_job(job_id: int):
    job = _visible_job_or_404(job_id)
    form = RetryJobForm()
    if form.validate_on_submit():
        try:
            services.retry_job(job, actor=current_user, now=utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("The job will be tried again", "success")
    return redirect(url_for("jobs.show_job", job_id=job.id))
