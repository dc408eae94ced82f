"""Pages of the library: browse, search, download, upload, the feed and publishing targets."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from skillsreg.core.auth import admin_required, organiser_required, public
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.filenames import content_disposition
from skillsreg.core.forms import add_domain_error
from skillsreg.core.jobs.models import Job
from skillsreg.extensions import db
from skillsreg.library import queries, services
from skillsreg.library.feed import build_feed
from skillsreg.library.forms import (
    ConfirmForm,
    DocumentEditForm,
    DocumentUploadForm,
    PushForm,
    SearchForm,
    TargetForm,
    VersionUploadForm,
    WithdrawDocumentForm,
)
from skillsreg.library.models import Document, DocumentKind, LibraryFile, PublishingTarget
from skillsreg.library.publishing import list_targets, pushes_for
from skillsreg.library.rules import (
    MAX_FILES_PER_UPLOAD,
    ArchiveLimits,
    parse_skill_codes,
    parse_tags,
    rename_notice,
    served_media_type,
)
from skillsreg.library.services import TargetDetails, Upload

bp = Blueprint("library", __name__, url_prefix="/library")

FILE_CSP = "default-src 'none'; sandbox"


def _document_or_404(document_id: int) -> Document:
    document = queries.document(document_id)
    if document is None:
        abort(404)
    return document


def _target_or_404(target_id: int) -> PublishingTarget:
    target = queries.target(target_id)
    if target is None:
        abort(404)
    return target


def _uploads(field_name: str) -> list[Upload]:
    return [
        Upload(filename=file.filename or "", content=file.read())
        for file in request.files.getlist(field_name)
        if file.filename
    ]


def _max_bytes() -> int:
    return int(current_app.config.get("LIBRARY_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def _archive_limits() -> ArchiveLimits:
    config = current_app.config
    return ArchiveLimits(
        max_unpacked_bytes=int(config.get("LIBRARY_ARCHIVE_MAX_UNPACKED_MB", 100)) * 1024 * 1024,
        max_ratio=int(config.get("LIBRARY_ARCHIVE_MAX_RATIO", 100)),
        max_entries=int(config.get("LIBRARY_ARCHIVE_MAX_ENTRIES", 1000)),
    )


def _flash_renames(uploads: list[Upload]) -> None:
    notice = rename_notice(upload.filename for upload in uploads)
    if notice:
        flash(notice, "info")


@bp.before_request
def limit_request_size() -> None:
    # Files over the limit get a form error, but a body far beyond it is not read at all.
    request.max_content_length = MAX_FILES_PER_UPLOAD * _max_bytes() + 1024 * 1024


@bp.get("/")
@public
def list_documents():
    form = SearchForm(request.args)
    tags = queries.tag_counts()
    form.tag.choices = [("", "All tags"), *((tag, f"{tag} ({n})") for tag, n in tags)]
    query = queries.search_documents(form.q.data or "", form.tag.data or "")
    page = db.paginate(query, per_page=queries.PAGE_SIZE, error_out=False)
    return render_template(
        "library/list_documents.html", form=form, page=page, tags=tags, title="Community library"
    )


@bp.get("/feed.atom")
@public
def show_feed():
    body = build_feed(
        queries.feed_entries(),
        title=f"{current_app.config['SERVICE_NAME']}: community library",
        feed_url=url_for("library.show_feed", _external=True),
        library_url=url_for("library.list_documents", _external=True),
        document_url=lambda d: url_for("library.show_document", document_id=d.id, _external=True),
        now=utcnow(),
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/<int:document_id>")
@public
def show_document(document_id: int):
    document = _document_or_404(document_id)
    context: dict[str, Any] = {}
    if current_user.is_authenticated and current_user.is_organiser:
        push_form = PushForm()
        push_form.target_id.choices = [(t.id, t.name) for t in list_targets()]
        context = {
            "push_form": push_form,
            "pushes": pushes_for(services.push_key(document)),
            "downloads": queries.download_counts(document.id, now=utcnow()),
        }
    return render_template(
        "library/show_document.html", document=document, title=document.title, **context
    )


@bp.get("/<int:document_id>/versions/<int:number>/<name>")
@public
def download_file(document_id: int, number: int, name: str):
    file = queries.library_file(document_id, number, name)
    if file is None:
        abort(404)
    document = file.version.document
    if document.is_withdrawn or file.content is None:
        return render_template(
            "library/withdrawn_file.html", document=document, title="This document was withdrawn"
        ), 410
    response = _file_response(file).make_conditional(request)
    if request.method == "GET" and response.status_code == 200:
        services.record_download(file, now=utcnow())
        db.session.commit()
    return response


def _file_response(file: LibraryFile) -> Response:
    response = Response(file.content, content_type=served_media_type(file.media_type))
    # Files never change once added: their digest lets a cache check back with a 304.
    response.set_etag(file.sha256)
    response.headers["Content-Disposition"] = content_disposition(file.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    # A withdrawal must take effect at once: caches always check back first.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def upload_document():
    form = DocumentUploadForm()
    if form.validate_on_submit():
        uploads = _uploads("files")
        try:
            document = services.upload_document(
                title=form.title.data or "",
                summary=form.summary.data or "",
                tags=parse_tags(form.tags.data or ""),
                skill_codes=parse_skill_codes(form.skill_codes.data or ""),
                kind=DocumentKind(form.kind.data),
                uploads=uploads,
                max_bytes=_max_bytes(),
                archive_limits=_archive_limits(),
                actor=current_user,
                now=utcnow(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{document.title} added to the library", "success")
            _flash_renames(uploads)
            return redirect(url_for("library.show_document", document_id=document.id))
    return render_template("library/upload_document.html", form=form, title="Upload a document")


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_document(document_id: int):
    document = _document_or_404(document_id)
    form = DocumentEditForm(
        data={
            "title": document.title,
            "summary": document.summary,
            "tags": ", ".join(document.tags),
            "skill_codes": ", ".join(document.skill_codes),
        }
    )
    if form.validate_on_submit():
        try:
            services.update_document(
                document,
                title=form.title.data or "",
                summary=form.summary.data or "",
                tags=parse_tags(form.tags.data or ""),
                skill_codes=parse_skill_codes(form.skill_codes.data or ""),
                actor=current_user,
                now=utcnow(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash("Document saved", "success")
            return redirect(url_for("library.show_document", document_id=document.id))
    return render_template(
        "library/edit_document.html", form=form, document=document, title="Edit document"
    )


@bp.route("/<int:document_id>/versions/new", methods=["GET", "POST"])
@organiser_required
def upload_version(document_id: int):
    document = _document_or_404(document_id)
    form = VersionUploadForm()
    if form.validate_on_submit():
        uploads = _uploads("files")
        try:
            number = services.upload_version(
                document,
                note=form.note.data or "",
                uploads=uploads,
                max_bytes=_max_bytes(),
                archive_limits=_archive_limits(),
                actor=current_user,
                now=utcnow(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"Version {number} added", "success")
            _flash_renames(uploads)
            return redirect(url_for("library.show_document", document_id=document.id))
    return render_template(
        "library/upload_version.html", form=form, document=document, title="Add a new version"
    )


@bp.route("/<int:document_id>/withdraw", methods=["GET", "POST"])
@organiser_required
def withdraw_document(document_id: int):
    document = _document_or_404(document_id)
    form = WithdrawDocumentForm()
    if form.validate_on_submit():
        try:
            job = services.withdraw_library_document(
                document, notice=form.notice.data or "", actor=current_user, now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            _flash_withdrawal(job)
            return redirect(url_for("library.show_document", document_id=document.id))
    return render_template(
        "library/withdraw_document.html", form=form, document=document, title="Withdraw document"
    )


def _flash_withdrawal(job: Job | None) -> None:
    if job is None:
        flash("Document withdrawn", "success")
    else:
        flash(
            f"Document withdrawn. It is being removed from publishing targets (job {job.id} "
            "in your recent jobs)",
            "success",
        )


@bp.post("/<int:document_id>/withdraw-pushed")
@organiser_required
def retry_withdrawal(document_id: int):
    document = _document_or_404(document_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        job = services.retry_withdrawal(document, actor=current_user, now=utcnow())
    except DomainError:
        abort(400)
    db.session.commit()
    _flash_withdrawal(job)
    return redirect(url_for("library.show_document", document_id=document.id))


@bp.post("/<int:document_id>/push")
@organiser_required
def push_document(document_id: int):
    document = _document_or_404(document_id)
    form = PushForm()
    form.target_id.choices = [(t.id, t.name) for t in list_targets()]
    if not form.validate_on_submit():
        abort(400)
    try:
        job = services.start_push(document, form.target_id.data, actor=current_user, now=utcnow())
    except DomainError as error:
        flash(error.message)
    else:
        db.session.commit()
        flash("The push has started", "success")
        return redirect(url_for("jobs.show_job", job_id=job.id))
    return redirect(url_for("library.show_document", document_id=document.id))


@bp.get("/targets")
@admin_required
def list_publishing_targets():
    return render_template(
        "library/list_targets.html",
        targets=queries.all_targets(),
        pushes=queries.recent_pushes(),
        title="Publishing targets",
    )


@bp.route("/targets/new", methods=["GET", "POST"])
@admin_required
def create_target():
    form = TargetForm(data={"kind": "webdav", "is_enabled": True})
    if form.validate_on_submit():
        try:
            target = services.save_target(
                None, details=TargetDetails.from_form(form.data), actor=current_user, now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{target.name} saved", "success")
            return redirect(url_for("library.list_publishing_targets"))
    return render_template("library/edit_target.html", form=form, title="Add a publishing target")


def _target_data(target: PublishingTarget) -> dict[str, Any]:
    data = {name: getattr(target, name) for name in TargetDetails.__dataclass_fields__}
    return {**data, "kind": target.kind.value}


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_target(target_id: int):
    target = _target_or_404(target_id)
    form = TargetForm(data=_target_data(target))
    if form.validate_on_submit():
        try:
            services.save_target(
                target, details=TargetDetails.from_form(form.data), actor=current_user, now=utcnow()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            db.session.commit()
            flash(f"{target.name} saved", "success")
            return redirect(url_for("library.list_publishing_targets"))
    return render_template(
        "library/edit_target.html", form=form, title=f"Edit publishing target {target.name}"
    )


@bp.post("/targets/<int:target_id>/test")
@admin_required
def test_target(target_id: int):
    target = _target_or_404(target_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        flash(f"{target.name}: {services.check_connection(target)}", "success")
    except DomainError as error:
        flash(error.message)
    return redirect(url_for("library.list_publishing_targets"))
