"""The organisers' editor: draft, change, consult on, publish and retire framework versions.

Every change to a draft goes through `services.edit_version` with a small function that changes
the version's framework document; the service checks the whole document and saves it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response
from wtforms import Field

from skillsreg.core.auth import organiser_required
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import GovForm, add_domain_error
from skillsreg.extensions import db
from skillsreg.frameworks import editing, services
from skillsreg.frameworks.document import DocumentInvalid, parse_document
from skillsreg.frameworks.forms.editor import (
    CategoryAddForm,
    CategoryEditForm,
    ConfirmForm,
    ConsultationForm,
    EditorForm,
    ImportForm,
    LevelAddForm,
    LevelsForm,
    LockedConfirmForm,
    ProfileForm,
    RelationForm,
    ReleaseNotesForm,
    RetiredNoteForm,
    RoleAddForm,
    RoleEditForm,
    RoleLevelAddForm,
    RoleLevelEditForm,
    SkillAddForm,
    SkillEditForm,
    paths,
    show_document_errors,
    skill_values,
)
from skillsreg.frameworks.models import Framework, FrameworkVersion
from skillsreg.frameworks.store import load_version
from skillsreg.frameworks.views import bp

EDIT = "/<slug>/<version>/edit"


def _find(slug: str, number: str) -> FrameworkVersion:
    framework = services.find_framework(slug) or abort(404)
    found = services.find_version(framework, number) or abort(404)
    return load_version(found.id)


def _draft(slug: str, number: str) -> FrameworkVersion:
    """The version to change; a published or retired one gets the page saying it never changes."""
    found = _find(slug, number)
    if not found.is_editable:
        abort(make_response(_frozen_page(found), 409))
    return found


def _draft_in_progress(framework: Framework) -> FrameworkVersion | None:
    return next((v for v in framework.versions if v.is_editable), None)


def _frozen_page(version: FrameworkVersion) -> str:
    return render_template(
        "frameworks/edit_frozen.html",
        version=version,
        draft=_draft_in_progress(version.framework),
        latest=services.latest_published(version.framework),
        public_url=_public_url(version),
        title=f"Version {version.number} can never change",
    )


def _public_url(version: FrameworkVersion, *, external: bool = False) -> str | None:
    """The public page of a version, if the browsing pages exist."""
    try:
        return url_for(
            "frameworks.show_version",
            slug=version.framework.slug,
            version=version.number,
            _external=external,
        )
    except BuildError:
        return None


def _editor_url(version: FrameworkVersion, *, anchor: str | None = None, **kw: Any) -> str:
    return url_for(
        "frameworks.edit_version",
        slug=version.framework.slug,
        version=version.number,
        _anchor=anchor,
        **kw,
    )


def _position(entries: Sequence[Any], code: str) -> int:
    """Where the entry with this code is in a version's list (its index in the document)."""
    for index, entry in enumerate(entries):
        if entry.code == code:
            return index
    abort(404)


def _lock(version: FrameworkVersion) -> dict[str, int]:
    return {"lock_version": version.lock_version}


def _attempt(
    version: FrameworkVersion,
    form: GovForm,
    action: Callable[[], Any],
    fields: Mapping[str, Field] | None = None,
) -> tuple[bool, Any]:
    """Run one service call; if it refuses, roll back and show why on the form, answers kept."""
    try:
        result = action()
    except services.StaleEditError as error:
        db.session.rollback()
        form.add_summary_error(error.message)
        if isinstance(form, EditorForm):
            form.keep_lock(version.lock_version)
    except DocumentInvalid as invalid:
        db.session.rollback()
        show_document_errors(form, invalid.errors, fields)
    except DomainError as error:
        db.session.rollback()
        add_domain_error(form, error)
    else:
        db.session.commit()
        return True, result
    return False, None


def _save(
    draft: FrameworkVersion,
    form: EditorForm,
    change: editing.Change,
    fields: Mapping[str, Field] | None = None,
    *,
    confirm: set[str] | None = None,
) -> bool:
    """Apply a change to the draft's document through the one write service."""

    def edit() -> None:
        services.edit_version(
            draft,
            change,
            expected_lock=form.lock_version.data,
            now=utcnow(),
            confirm_relations=confirm,
        )

    saved, _ = _attempt(draft, form, edit, fields)
    return saved


def _done(version: FrameworkVersion, message: str, anchor: str | None = None) -> Response:
    flash(message, "success")
    return redirect(_editor_url(version, anchor=anchor))


def _page(
    template: str, version: FrameworkVersion, form: GovForm, title: str, **context: Any
) -> str:
    context.setdefault("back_url", _editor_url(version))
    return render_template(
        f"frameworks/{template}.html", version=version, form=form, title=title, **context
    )


def _confirm(
    version: FrameworkVersion, form: GovForm, title: str, *, button: str, **context: Any
) -> str:
    return _page("edit_confirm", version, form, title, button=button, **context)


def _removal(
    draft: FrameworkVersion, change: editing.Change, kind: str, name: str, *, anchor: str, body: str
) -> Response | str:
    """Ask before removing a part of the draft, like kind "skill" and name "CONT Content design"."""
    form = LockedConfirmForm(data=_lock(draft))
    if form.validate_on_submit() and _save(draft, form, change):
        return _done(draft, f"{kind.capitalize()} {name} removed", anchor)
    title = f"Remove {kind} {name}?"
    return _confirm(draft, form, title, button=f"Remove {kind}", body=body)


@bp.get(EDIT)
@organiser_required
def edit_version(slug: str, version: str):
    found = _find(slug, version)
    if not found.is_editable:
        return _frozen_page(found)
    return render_template(
        "frameworks/edit_version.html",
        version=found,
        public_url=_public_url(found),
        title=f"Edit version {found.number}",
    )


@bp.post("/<slug>/drafts")
@organiser_required
def create_draft(slug: str):
    framework = services.find_framework(slug) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        draft = services.create_draft(framework, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "info")
        existing = _draft_in_progress(framework) or services.latest_published(framework)
        return redirect(_editor_url(existing) if existing else url_for(".import_framework"))
    db.session.commit()
    source = draft.parent.number if draft.parent else "none"
    flash(f"Version {draft.number} is drafted from version {source}", "success")
    return redirect(_editor_url(draft))


@bp.route(EDIT + "/release-notes", methods=["GET", "POST"])
@organiser_required
def edit_release_notes(slug: str, version: str):
    draft = _draft(slug, version)
    form = ReleaseNotesForm(data={"release_notes": draft.release_notes, **_lock(draft)})
    if form.validate_on_submit():
        notes = form.release_notes.data
        fields = {"version.release_notes": form.release_notes}
        if _save(draft, form, partial(editing.set_release_notes, notes=notes), fields):
            return _done(draft, "Release notes saved")
    return _page("edit_release_notes", draft, form, "Release notes")


@bp.route(EDIT + "/levels", methods=["GET", "POST"])
@organiser_required
def edit_levels(slug: str, version: str):
    draft = _draft(slug, version)
    levels = [{"name": level.name, "description": level.description} for level in draft.levels]
    form = LevelsForm(data={"levels": levels, **_lock(draft)})
    if form.validate_on_submit():
        parts = form.parts()
        if _save(draft, form, partial(editing.update_levels, parts=parts), form.error_fields()):
            return _done(draft, "Level scale saved", "levels")
    return _page("edit_levels", draft, form, "Level scale")


@bp.route(EDIT + "/new-level", methods=["GET", "POST"])
@organiser_required
def add_level(slug: str, version: str):
    draft = _draft(slug, version)
    number = len(draft.levels) + 1
    form = LevelAddForm(data=_lock(draft))
    if form.validate_on_submit():
        part = {"number": number, "name": form.name.data, "description": form.description.data}
        fields = paths(f"levels[{number - 1}]", form, "name", "description")
        if _save(draft, form, partial(editing.add_level, part=part), fields):
            return _done(draft, f"Level {number} ({part['name']}) added", "levels")
    return _page("edit_level_add", draft, form, f"Add level {number}", number=number)


@bp.route(EDIT + "/levels/remove-top", methods=["GET", "POST"])
@organiser_required
def remove_level(slug: str, version: str):
    draft = _draft(slug, version)
    top = f"{draft.levels[-1].number} ({draft.levels[-1].name})"
    return _removal(
        draft,
        editing.remove_top_level,
        "level",
        top,
        anchor="levels",
        body="Only the top level of the scale can be removed. No skill may have a descriptor "
        "at that level: change those skills first.",
    )


@bp.route(EDIT + "/new-category", methods=["GET", "POST"])
@organiser_required
def add_category(slug: str, version: str):
    draft = _draft(slug, version)
    form = CategoryAddForm(data=_lock(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"categories[{len(draft.categories)}]", form, *part)
        if _save(draft, form, editing.appending("categories", part), fields):
            return _done(draft, f"Category {part['name']} added", "categories")
    return _page("edit_category", draft, form, "Add a category")


@bp.route(EDIT + "/categories/<code>", methods=["GET", "POST"])
@organiser_required
def edit_category(slug: str, version: str, code: str):
    draft = _draft(slug, version)
    index = _position(draft.categories, code)
    category = draft.categories[index]
    form = CategoryEditForm(obj=category, data=_lock(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"categories[{index}]", form, *part)
        if _save(draft, form, editing.updating("categories", code, part), fields):
            return _done(draft, f"Category {part['name']} saved", "categories")
    return _page("edit_category", draft, form, f"Category {category.name}", category=category)


@bp.route(EDIT + "/categories/<code>/remove", methods=["GET", "POST"])
@organiser_required
def remove_category(slug: str, version: str, code: str):
    draft = _draft(slug, version)
    name = draft.categories[_position(draft.categories, code)].name
    return _removal(
        draft,
        partial(editing.remove_category, code=code),
        "category",
        name,
        anchor="categories",
        body="A category can be removed only when no skill is in it.",
    )


@bp.route(EDIT + "/new-skill", methods=["GET", "POST"])
@organiser_required
def add_skill(slug: str, version: str):
    draft = _draft(slug, version)
    form = SkillAddForm(data=_lock(draft))
    form.prepare(draft.levels, draft.categories)
    if form.validate_on_submit():
        part = form.part(draft.levels)
        fields = form.error_fields(f"skills[{len(draft.skills)}]", draft.levels)
        if _save(draft, form, editing.appending("skills", part), fields):
            return _done(draft, f"Skill {part['code']} {part['name']} added", "skills")
    return _page("edit_skill", draft, form, "Add a skill")


@bp.route(EDIT + "/skills/<code>", methods=["GET", "POST"])
@organiser_required
def edit_skill(slug: str, version: str, code: str):
    draft = _draft(slug, version)
    index = _position(draft.skills, code)
    skill = draft.skills[index]
    form = SkillEditForm(data={**skill_values(skill, draft.levels), **_lock(draft)})
    form.prepare(draft.levels, draft.categories)
    if form.validate_on_submit():
        part = form.part(draft.levels)
        fields = form.error_fields(f"skills[{index}]", draft.levels)
        if _save(draft, form, editing.updating("skills", code, part), fields):
            return _done(draft, f"Skill {code} {part['name']} saved", "skills")
    return _page("edit_skill", draft, form, f"Skill {code} {skill.name}", skill=skill)


@bp.route(EDIT + "/skills/<code>/remove", methods=["GET", "POST"])
@organiser_required
def remove_skill(slug: str, version: str, code: str):
    draft = _draft(slug, version)
    name = f"{code} {draft.skills[_position(draft.skills, code)].name}"
    steps = [step for role in draft.roles for step in role.levels if code in step.expected]
    return _removal(
        draft,
        partial(editing.remove_skill, code=code),
        "skill",
        name,
        anchor="skills",
        body=_removal_note(draft, code, len(steps)),
    )


def _removal_note(draft: FrameworkVersion, code: str, profiles: int) -> str:
    note = f"It will also leave the profiles of {profiles} role levels. " if profiles else ""
    parent = draft.parent
    if parent is not None and any(s.code == code for s in parent.skills):
        note += f"Skill {code} of version {parent.number} will be retired in this version."
    return note


@bp.route(EDIT + "/new-role", methods=["GET", "POST"])
@organiser_required
def add_role(slug: str, version: str):
    draft = _draft(slug, version)
    form = RoleAddForm(data=_lock(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = form.error_fields(f"roles[{len(draft.roles)}]")
        if _save(draft, form, editing.appending("roles", part), fields):
            return _done(draft, f"Role {part['name']} added", "roles")
    return _page("edit_role", draft, form, "Add a role")


@bp.route(EDIT + "/roles/<role>", methods=["GET", "POST"])
@organiser_required
def edit_role(slug: str, version: str, role: str):
    draft = _draft(slug, version)
    index = _position(draft.roles, role)
    found = draft.roles[index]
    form = RoleEditForm(obj=found, data=_lock(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"roles[{index}]", form, *part)
        if _save(draft, form, editing.updating("roles", role, part), fields):
            return _done(draft, f"Role {part['name']} saved", "roles")
    return _page("edit_role", draft, form, f"Role {found.name}", role=found)


@bp.route(EDIT + "/roles/<role>/remove", methods=["GET", "POST"])
@organiser_required
def remove_role(slug: str, version: str, role: str):
    draft = _draft(slug, version)
    found = draft.roles[_position(draft.roles, role)]
    name, steps = found.name, len(found.levels)
    return _removal(
        draft,
        editing.removing("roles", role),
        "role",
        name,
        anchor="roles",
        body=f"Its role levels ({steps}) and their profiles will be removed with it.",
    )


def _role_level(draft: FrameworkVersion, role: str, step: str) -> tuple[int, int]:
    """The indexes of a role and one of its role levels, or 404."""
    role_index = _position(draft.roles, role)
    return role_index, _position(draft.roles[role_index].levels, step)


@bp.route(EDIT + "/roles/<role>/new-level", methods=["GET", "POST"])
@organiser_required
def add_role_level(slug: str, version: str, role: str):
    draft = _draft(slug, version)
    index = _position(draft.roles, role)
    found = draft.roles[index]
    name = found.name
    form = RoleLevelAddForm(data=_lock(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"roles[{index}].levels[{len(found.levels)}]", form, "code", "name")
        if _save(draft, form, editing.within_role(role, editing.appending("levels", part)), fields):
            return _done(draft, f"Role level {part['name']} added to {name}", "roles")
    return _page("edit_role_level", draft, form, f"Add a role level to {name}", role=found)


@bp.route(EDIT + "/roles/<role>/levels/<step>", methods=["GET", "POST"])
@organiser_required
def edit_role_level(slug: str, version: str, role: str, step: str):
    draft = _draft(slug, version)
    role_index, step_index = _role_level(draft, role, step)
    found = draft.roles[role_index]
    form = RoleLevelEditForm(obj=found.levels[step_index], data=_lock(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"roles[{role_index}].levels[{step_index}]", form, *part)
        change = editing.within_role(role, editing.updating("levels", step, part))
        if _save(draft, form, change, fields):
            return _done(draft, f"Role level {part['name']} saved", "roles")
    title = f"Role level {found.levels[step_index].name}"
    return _page("edit_role_level", draft, form, title, role=found, step=found.levels[step_index])


@bp.route(EDIT + "/roles/<role>/levels/<step>/remove", methods=["GET", "POST"])
@organiser_required
def remove_role_level(slug: str, version: str, role: str, step: str):
    draft = _draft(slug, version)
    role_index, step_index = _role_level(draft, role, step)
    name = draft.roles[role_index].levels[step_index].name
    return _removal(
        draft,
        editing.within_role(role, partial(editing.remove_role_level, step=step)),
        "role level",
        name,
        anchor="roles",
        body="Its profile will be removed with it. A role keeps one role level at least.",
    )


@bp.route(EDIT + "/roles/<role>/levels/<step>/profile", methods=["GET", "POST"])
@organiser_required
def edit_profile(slug: str, version: str, role: str, step: str):
    draft = _draft(slug, version)
    role_index, step_index = _role_level(draft, role, step)
    found = draft.roles[role_index].levels[step_index]
    name = found.name
    form_class = ProfileForm.for_skills(draft.skills, draft.levels)
    form = form_class(data={**form_class.values(found), **_lock(draft)})
    if form.validate_on_submit():
        profile = form.profile(draft.skills)
        prefix = f"roles[{role_index}].levels[{step_index}].profile"
        change = editing.within_role(role, editing.updating("levels", step, {"profile": profile}))
        if _save(draft, form, change, form.error_fields(prefix, draft.skills)):
            return _done(draft, f"Profile of {name} saved", "roles")
    return _page("edit_profile", draft, form, f"Profile of {name}", step=found)


def _parent(draft: FrameworkVersion) -> FrameworkVersion:
    """The version a draft came from; a first version has no relations to review."""
    if draft.parent is None:
        abort(404)
    return load_version(draft.parent.id)


@bp.get(EDIT + "/relations")
@organiser_required
def review_relations(slug: str, version: str):
    draft = _draft(slug, version)
    parent = _parent(draft)
    return render_template(
        "frameworks/edit_relations.html",
        version=draft,
        parent=parent,
        parent_names={skill.code: skill.name for skill in parent.skills},
        back_url=_editor_url(draft),
        title=f"Relations to version {parent.number}",
    )


@bp.route(EDIT + "/relations/<code>", methods=["GET", "POST"])
@organiser_required
def edit_relation(slug: str, version: str, code: str):
    draft = _draft(slug, version)
    parent = _parent(draft)
    index = _position(draft.skills, code)
    skill = draft.skills[index]
    name = f"{code} {skill.name}"
    values = {"relation_type": skill.relation_type, "from_codes": skill.relation_from or []}
    form = RelationForm(data={**values, **_lock(draft)})
    form.from_codes.choices = [(s.code, f"{s.code} {s.name}") for s in parent.skills]
    if form.validate_on_submit():
        change = editing.updating("skills", code, {"relation": form.relation()})
        fields = form.error_fields(f"skills[{index}]")
        if _save(draft, form, change, fields, confirm={code}):
            return _done_relations(draft, f"Relation of {name} saved")
    back_url = url_for(".review_relations", slug=slug, version=version)
    title = f"Relation of {name}"
    return _page("edit_relation", draft, form, title, skill=skill, parent=parent, back_url=back_url)


def _done_relations(draft: FrameworkVersion, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for(".review_relations", slug=draft.framework.slug, version=draft.number))


@bp.route(EDIT + "/retired-skills/<code>", methods=["GET", "POST"])
@organiser_required
def edit_retired_note(slug: str, version: str, code: str):
    draft = _draft(slug, version)
    index = _position(draft.retired_skills, code)
    form = RetiredNoteForm(obj=draft.retired_skills[index], data=_lock(draft))
    if form.validate_on_submit():
        change = editing.updating("retired", code, {"note": form.note.data})
        if _save(draft, form, change, {f"retired[{index}].note": form.note}):
            return _done_relations(draft, f"Note on retired skill {code} saved")
    back_url = url_for(".review_relations", slug=slug, version=version)
    return _page("edit_retired_note", draft, form, f"Retired skill {code}", back_url=back_url)


@bp.route(EDIT + "/consultation", methods=["GET", "POST"])
@organiser_required
def open_consultation(slug: str, version: str):
    draft = _draft(slug, version)
    form = ConsultationForm(data=_lock(draft))
    if form.validate_on_submit():
        closes_on = form.closes_on.data
        opened, _ = _attempt(
            draft,
            form,
            lambda: services.open_consultation(
                draft, closes_on=closes_on, expected_lock=form.lock_version.data, now=utcnow()
            ),
        )
        if opened:
            until = f"{closes_on.day} {closes_on:%B %Y}"
            return _done(draft, f"Version {draft.number} is open for comments until {until}")
    return _page("edit_consultation", draft, form, f"Open version {draft.number} for consultation")


@bp.route(EDIT + "/publish", methods=["GET", "POST"])
@organiser_required
def publish_version(slug: str, version: str):
    draft = _draft(slug, version)
    form = LockedConfirmForm(data=_lock(draft))
    if form.validate_on_submit():
        version_url = _public_url(draft, external=True) or _editor_url(draft, _external=True)
        published, told = _attempt(
            draft,
            form,
            lambda: services.publish_version(
                draft, expected_lock=form.lock_version.data, now=utcnow(), version_url=version_url
            ),
        )
        if published:
            return _done(draft, f"Version {draft.number} is published. {_told(told)}")
    return _confirm(
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
    found = _find(slug, version)
    form = ConfirmForm()
    if form.validate_on_submit():
        retired, _ = _attempt(found, form, lambda: services.retire_version(found, now=utcnow()))
        if retired:
            return _done(found, f"Version {found.number} is retired")
    return _confirm(
        found,
        form,
        f"Retire version {found.number}?",
        button="Retire",
        body="A retired version stays readable, but no one can start a self-assessment against it.",
    )


@bp.route(EDIT + "/delete", methods=["GET", "POST"])
@organiser_required
def delete_draft(slug: str, version: str):
    draft = _draft(slug, version)
    parent = draft.parent
    after = _editor_url(parent) if parent else url_for(".import_framework")
    form = ConfirmForm()
    if form.validate_on_submit():
        deleted, _ = _attempt(draft, form, lambda: services.delete_draft(draft))
        if deleted:
            flash(f"Draft {version} is deleted", "success")
            return redirect(after)
    return _confirm(
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
        if outcome is not None:
            db.session.commit()
            flash(outcome.message, "success" if outcome.created else "info")
            return redirect(_editor_url(outcome.version))
    return render_template("frameworks/edit_import.html", form=form, title="Import a framework")


def _import_upload(form: ImportForm) -> services.ImportOutcome | None:
    """Read, check and store the uploaded file; on any problem write nothing and say why."""
    upload = form.file.data
    filename = Path(upload.filename or "upload.yaml").name
    try:
        text = upload.read().decode("utf-8")
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
