"""Editor pages that move a version on: relations to its parent, consultation, publishing,
retiring, deleting a draft, and importing a framework file."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from skillsreg.core.auth import organiser_required
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job
from skillsreg.extensions import db
from skillsreg.frameworks import editing, services
from skillsreg.frameworks.document import DocumentInvalid, parse_document
from skillsreg.frameworks.forms.editor import (
    ConfirmForm,
    ConsultationForm,
    ImportForm,
    LockedConfirmForm,
    RelationForm,
    RetiredNoteForm,
)
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.store import load_version
from skillsreg.frameworks.views import bp
from skillsreg.frameworks.views.editor.support import (
    EDIT,
    attempt,
    confirm_page,
    done,
    editor_url,
    find_draft,
    find_version,
    lock_of,
    page,
    position,
    public_url,
    save_change,
)


def _parent(draft: FrameworkVersion) -> FrameworkVersion:
    """The version a draft came from; a first version has no relations to review."""
    if draft.parent is None:
        abort(404)
    return load_version(draft.parent.id)


@bp.get(EDIT + "/relations")
@organiser_required
def review_relations(slug: str, version: str):
    draft = find_draft(slug, version)
    parent = _parent(draft)
    return render_template(
        "frameworks/edit_relations.html",
        version=draft,
        parent=parent,
        parent_names={skill.code: skill.name for skill in parent.skills},
        back_url=editor_url(draft),
        title=f"Relations to version {parent.number}",
    )


@bp.route(EDIT + "/relations/<code>", methods=["GET", "POST"])
@organiser_required
def edit_relation(slug: str, version: str, code: str):
    draft = find_draft(slug, version)
    parent = _parent(draft)
    index = position(draft.skills, code)
    skill = draft.skills[index]
    name = f"{code} {skill.name}"
    values = {"relation_type": skill.relation_type, "from_codes": skill.relation_from or []}
    form = RelationForm(data={**values, **lock_of(draft)})
    form.from_codes.choices = [(s.code, f"{s.code} {s.name}") for s in parent.skills]
    if form.validate_on_submit():
        change = editing.updating("skills", code, {"relation": form.relation()})
        fields = form.error_fields(f"skills[{index}]")
        if save_change(draft, form, change, fields, confirm={code}):
            return _done_relations(draft, f"Relation of {name} saved")
    back_url = url_for(".review_relations", slug=slug, version=version)
    title = f"Relation of {name}"
    return page("edit_relation", draft, form, title, skill=skill, parent=parent, back_url=back_url)


def _done_relations(draft: FrameworkVersion, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for(".review_relations", slug=draft.framework.slug, version=draft.number))


@bp.route(EDIT + "/retired-skills/<code>", methods=["GET", "POST"])
@organiser_required
def edit_retired_note(slug: str, version: str, code: str):
    draft = find_draft(slug, version)
    index = position(draft.retired_skills, code)
    form = RetiredNoteForm(obj=draft.retired_skills[index], data=lock_of(draft))
    if form.validate_on_submit():
        change = editing.updating("retired", code, {"note": form.note.data})
        if save_change(draft, form, change, {f"retired[{index}].note": form.note}):
            return _done_relations(draft, f"Note on retired skill {code} saved")
    back_url = url_for(".review_relations", slug=slug, version=version)
    return page("edit_retired_note", draft, form, f"Retired skill {code}", back_url=back_url)


@bp.route(EDIT + "/consultation", methods=["GET", "POST"])
@organiser_required
def open_consultation(slug: str, version: str):
    draft = find_draft(slug, version)
    form = ConsultationForm(data=lock_of(draft))
    if form.validate_on_submit():
        closes_on = form.closes_on.data
        opened, _ = attempt(
            draft,
            form,
            lambda: services.open_consultation(
                draft, closes_on=closes_on, expected_lock=form.lock_version.data, now=utcnow()
            ),
        )
        if opened:
            until = f"{closes_on.day} {closes_on:%B %Y}"
            return done(draft, f"Version {draft.number} is open for comments until {until}")
    return page("edit_consultation", draft, form, f"Open version {draft.number} for consultation")


@bp.route(EDIT + "/publish", methods=["GET", "POST"])
@organiser_required
def publish_version(slug: str, version: str):
    draft = find_draft(slug, version)
    form = LockedConfirmForm(data=lock_of(draft))
    if form.validate_on_submit():
        version_url = public_url(draft, external=True) or editor_url(draft, _external=True)
        published, told = attempt(
            draft,
            form,
            lambda: services.publish_version(
                draft, expected_lock=form.lock_version.data, now=utcnow(), version_url=version_url
            ),
        )
        if published:
            return done(draft, f"Version {draft.number} is published. {_told(told)}")
    return confirm_page(
        draft,
        form,
        f"Publish version {draft.number}?",
        button="Publish",
        warning="Are you sure? A published version can never change.",
    )


def _told(count: int) -> str:
    if count == 0:
        return "No one had commented on it."
    return f"The {count} {'person' if count == 1 else 'people'} who commented will be told."


@bp.route(EDIT + "/retire", methods=["GET", "POST"])
@organiser_required
def retire_version(slug: str, version: str):
    found = find_version(slug, version)
    form = ConfirmForm()
    if form.validate_on_submit():
        retired, _ = attempt(found, form, lambda: services.retire_version(found, now=utcnow()))
        if retired:
            return done(found, f"Version {found.number} is retired")
    return confirm_page(
        found,
        form,
        f"Retire version {found.number}?",
        button="Retire",
        body="A retired version stays readable, but no one can start a self-assessment against it.",
    )


@bp.route(EDIT + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_draft(slug: str, version: str):
    draft = find_draft(slug, version)
    parent = draft.parent
    after = editor_url(parent) if parent else url_for(".import_framework")
    form = ConfirmForm()
    if form.validate_on_submit():
        deleted, _ = attempt(draft, form, lambda: services.delete_draft(draft))
        if deleted:
            flash(f"Draft {version} is deleted", "success")
            return redirect(after)
    return confirm_page(
        draft,
        form,
        f"Delete draft {draft.number}?",
        button="Delete draft",
        warning="Everything in this draft will be lost. This cannot be undone.",
    )


@bp.route("/import", methods=["GET", "POST"])
@organiser_required
def import_framework():
    form = ImportForm()
    if form.validate_on_submit():
        outcome = _import_upload(form)
        if isinstance(outcome, Job):
            db.session.commit()
            flash("The file is being imported", "success")
            return redirect(url_for("jobs.show_job", job_id=outcome.id))
        if outcome is not None:
            db.session.commit()
            flash(outcome.message, "success" if outcome.created else "info")
            return redirect(editor_url(outcome.version))
    return render_template("frameworks/edit_import.html", form=form, title="Import a framework")


def _import_upload(form: ImportForm) -> services.ImportOutcome | Job | None:
    """Read, check and store the uploaded file (a large one on the queue); on any problem
    write nothing and say why."""
    upload = form.file.data
    filename = Path(upload.filename or "upload.yaml").name
    try:
        text = upload.read().decode("utf-8")
        if len(text) > current_app.config["FRAMEWORK_IMPORT_QUEUE_KB"] * 1024:
            return services.start_import(text, filename=filename, actor=current_user, now=utcnow())
        doc = parse_document(text, filename=filename)
        return services.import_document(doc, filename=filename, now=utcnow())
    except UnicodeDecodeError as error:
        problems = [f"{filename}: the file is not UTF-8 text (byte {error.start})"]
    except DocumentInvalid as invalid:
        problems = [str(problem) for problem in invalid.errors]
    except DomainError as error:
        problems = [error.message]
    db.session.rollback()
    form.file.errors = [*form.file.errors, *problems]
    return None
