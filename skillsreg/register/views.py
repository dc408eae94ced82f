"""Pages of the register domain: the public list of publications, building and publishing one."""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from skillsreg.core.auth import organiser_required, public
from skillsreg.core.db import utcnow
from skillsreg.core.downloads import content_type
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import add_domain_error
from skillsreg.extensions import db
from skillsreg.register import queries, services
from skillsreg.register.files import RegisterTable
from skillsreg.register.forms import (
    PopulationForm,
    PublishForm,
    PushForm,
    RepublishForm,
    WithdrawByLinkForm,
)
from skillsreg.register.models import RegisterSnapshot
from skillsreg.register.notices import auto_republish, send_consent_receipt
from skillsreg.register.rules import (
    ConsentField,
    PopulationSpec,
    csv_lines,
    in_blocks,
    json_chunks,
)
from skillsreg.register.tokens import user_for_token

bp = Blueprint("register", __name__, url_prefix="/register")


@bp.get("/")
@public
def list_snapshots():
    return render_template(
        "register/list_snapshots.html",
        snapshots=queries.snapshots(),
        stale=queries.stale_snapshot(),
        title="Register of web professionals",
    )


def _snapshot_or_404(number: int) -> RegisterSnapshot:
    return queries.snapshot_by_number(number) or abort(404)


def _stored_table(snapshot: RegisterSnapshot) -> RegisterTable | None:
    stored = snapshot.file_named(f"{snapshot.key}.json")
    if stored is None or stored.content is None:
        return None
    data = json.loads(stored.content)
    return RegisterTable(
        title=snapshot.title,
        number=snapshot.number,
        published_at=snapshot.published_at,
        population=snapshot.population_label,
        columns=[ConsentField(c["name"]) for c in data["columns"]],
        rows=data["people"],
    )


@bp.get("/<int:number>")
@public
def show_snapshot(number: int):
    snapshot = _snapshot_or_404(number)
    table = None if snapshot.is_withdrawn else _stored_table(snapshot)
    organiser = current_user.is_authenticated and current_user.is_organiser
    return render_template(
        "register/show_snapshot.html",
        snapshot=snapshot,
        table=table,
        targets=services.publishing_targets() if organiser and table else [],
        pushes=services.pushes_of(snapshot) if organiser else [],
        push_form=PushForm(),
        title=f"Register {snapshot.number}",
    ), (410 if snapshot.is_withdrawn else 200)


@bp.get("/<int:number>/files/<name>")
@public
def download_file(number: int, name: str):
    snapshot = _snapshot_or_404(number)
    stored = snapshot.file_named(name) or abort(404)
    if snapshot.is_withdrawn or stored.content is None:
        return Response(snapshot.withdrawal_notice + "\n", status=410, mimetype="text/plain")
    content = stored.content
    chunk = 64 * 1024

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(content), chunk):
            yield content[start : start + chunk]

    response = Response(chunks(), content_type=content_type(stored.media_type))
    response.headers["Content-Length"] = str(len(content))
    response.headers["X-Content-Type-Options"] = "nosniff"
    disposition = "inline" if name.endswith((".html", ".pdf")) else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    if name.endswith(".html"):
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
    return response


def _population_form() -> PopulationForm:
    form = PopulationForm(request.args)
    form.workshop_ids.choices = queries.workshop_choices()
    return form


@bp.get("/new")
@organiser_required
def build_register():
    form = _population_form()
    return render_template("register/build_register.html", form=form, title="Build a register")


def _chosen_spec(form: PopulationForm) -> PopulationSpec | None:
    if not request.args or not form.validate():
        return None
    try:
        return services.population_spec(form.population.data, form.workshop_ids.data or [])
    except DomainError as error:
        add_domain_error(form, error)
        return None


@bp.get("/preview")
@organiser_required
def preview_register():
    form = _population_form()
    spec = _chosen_spec(form)
    if spec is None:
        title = "Build a register"
        return render_template("register/build_register.html", form=form, title=title), 400
    table, listed = services.build_table(spec)
    publish = PublishForm(
        data={
            "population": spec.kind.value,
            "workshop_ids": ",".join(str(i) for i in spec.workshop_ids),
        }
    )
    return render_template(
        "register/preview_register.html",
        table=table,
        listed=len(listed),
        spec=spec,
        form=publish,
        title="Preview the register",
    )


@bp.get("/preview.<fmt>")
@organiser_required
def export_preview(fmt: str):
    if fmt not in ("csv", "json"):
        abort(404)
    form = _population_form()
    spec = _chosen_spec(form) or abort(400)
    return stream_register(spec, fmt)


def stream_register(spec: PopulationSpec, fmt: str) -> Response:
    """The register of a population as CSV or JSON, streamed from the database in batches."""
    columns = services.columns_of(spec)
    rows = services.stream_rows(spec, columns)
    if fmt == "csv":
        body: Iterator[str] = csv_lines(columns, rows)
        mimetype = "text/csv"
    else:
        body = json_chunks({"title": services.REGISTER_TITLE}, columns, rows)
        mimetype = "application/json"
    response = Response(stream_with_context(in_blocks(body)), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="register-preview.{fmt}"'
    return response


@bp.post("/publish")
@organiser_required
def publish_register():
    form = PublishForm()
    if form.validate_on_submit():
        try:
            spec = services.population_spec(form.population.data, form.workshop_id_list())
            job = services.start_publishing(spec, actor=current_user, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            flash("The register is being published", "success")
            return redirect(url_for("jobs.show_job", job_id=job.id))
    return render_template(
        "register/publish_failed.html", form=form, title="The register was not published"
    ), 400


@bp.route("/republish", methods=["GET", "POST"])
@organiser_required
def republish_register():
    stale = queries.stale_snapshot()
    form = RepublishForm()
    if stale is not None and form.validate_on_submit():
        try:
            job = services.start_republishing(actor=current_user, now=utcnow())
        except DomainError as error:
            add_domain_error(form, error, field="submit")
        else:
            db.session.commit()
            flash("The register is being republished", "success")
            return redirect(url_for("jobs.show_job", job_id=job.id))
    return render_template(
        "register/republish_register.html", form=form, stale=stale, title="Republish the register"
    )


@bp.post("/<int:number>/push/<int:target_id>")
@organiser_required
def push_snapshot(number: int, target_id: int):
    snapshot = _snapshot_or_404(number)
    form = PushForm()
    if form.validate_on_submit():
        try:
            job = services.start_push(
                snapshot, target_id=target_id, actor=current_user, now=utcnow()
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"Register {snapshot.number} is being pushed", "success")
            return redirect(url_for("jobs.show_job", job_id=job.id))
    return redirect(url_for("register.show_snapshot", number=snapshot.number))


@bp.route("/withdraw/<token>", methods=["GET", "POST"])
@public
def withdraw_by_link(token: str):
    user = user_for_token(token) or abort(404)
    form = WithdrawByLinkForm()
    if form.validate_on_submit():
        change = services.withdraw_all_consent(
            user, source="email link", now=utcnow(), auto_republish=auto_republish()
        )
        send_consent_receipt(user, change)
        db.session.commit()
        return render_template("register/withdrawn.html", change=change, title="Consent withdrawn")
    agreed = queries.consents_of(user)
    return render_template(
        "register/withdraw_by_link.html",
        form=form,
        agreed=[f.label for f in ConsentField if f in agreed],
        title="Withdraw your consent to be listed in the register",
    )
