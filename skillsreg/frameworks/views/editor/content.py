"""Editor pages for a draft's version, release notes, level scale, categories and skills."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from skillsreg.core.auth import organiser_required
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db
from skillsreg.frameworks import editing, services
from skillsreg.frameworks.forms.editor import (
    CategoryAddForm,
    CategoryEditForm,
    ConfirmForm,
    LevelAddForm,
    LevelsForm,
    ReleaseNotesForm,
    SkillAddForm,
    SkillEditForm,
    paths,
    skill_values,
)
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.views import bp
from skillsreg.frameworks.views.editor.support import (
    EDIT,
    ask_removal,
    done,
    draft_in_progress,
    editor_url,
    find_draft,
    find_version,
    frozen_page,
    lock_of,
    page,
    position,
    public_url,
    save_change,
)


@bp.get(EDIT)
@organiser_required
def edit_version(slug: str, version: str):
    found = find_version(slug, version)
    if not found.is_editable:
        return frozen_page(found)
    return render_template(
        "frameworks/edit_version.html",
        version=found,
        public_url=public_url(found),
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
        existing = draft_in_progress(framework) or services.latest_published(framework)
        return redirect(editor_url(existing) if existing else url_for(".import_framework"))
    db.session.commit()
    source = draft.parent.number if draft.parent else "none"
    flash(f"Version {draft.number} is drafted from version {source}", "success")
    return redirect(editor_url(draft))


@bp.route(EDIT + "/release-notes", methods=["GET", "POST"])
@organiser_required
def edit_release_notes(slug: str, version: str):
    draft = find_draft(slug, version)
    form = ReleaseNotesForm(data={"release_notes": draft.release_notes, **lock_of(draft)})
    if form.validate_on_submit():
        notes = form.release_notes.data
        fields = {"version.release_notes": form.release_notes}
        if save_change(draft, form, partial(editing.set_release_notes, notes=notes), fields):
            return done(draft, "Release notes saved")
    return page("edit_release_notes", draft, form, "Release notes")


@bp.route(EDIT + "/levels", methods=["GET", "POST"])
@organiser_required
def edit_levels(slug: str, version: str):
    draft = find_draft(slug, version)
    levels = [{"name": level.name, "description": level.description} for level in draft.levels]
    form = LevelsForm(data={"levels": levels, **lock_of(draft)})
    if form.validate_on_submit():
        parts = form.parts()
        if save_change(
            draft, form, partial(editing.update_levels, parts=parts), form.error_fields()
        ):
            return done(draft, "Level scale saved", "levels")
    return page("edit_levels", draft, form, "Level scale")


@bp.route(EDIT + "/new-level", methods=["GET", "POST"])
@organiser_required
def add_level(slug: str, version: str):
    draft = find_draft(slug, version)
    number = len(draft.levels) + 1
    form = LevelAddForm(data=lock_of(draft))
    if form.validate_on_submit():
        part = {"number": number, "name": form.name.data, "description": form.description.data}
        fields = paths(f"levels[{number - 1}]", form, "name", "description")
        if save_change(draft, form, partial(editing.add_level, part=part), fields):
            return done(draft, f"Level {number} ({part['name']}) added", "levels")
    return page("edit_level_add", draft, form, f"Add level {number}", number=number)


@bp.route(EDIT + "/levels/remove-top", methods=["GET", "POST"])
@organiser_required
def remove_level(slug: str, version: str):
    draft = find_draft(slug, version)
    top = f"{draft.levels[-1].number} ({draft.levels[-1].name})"
    return ask_removal(
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
    draft = find_draft(slug, version)
    form = CategoryAddForm(data=lock_of(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"categories[{len(draft.categories)}]", form, *part)
        if save_change(draft, form, editing.appending("categories", part), fields):
            return done(draft, f"Category {part['name']} added", "categories")
    return page("edit_category", draft, form, "Add a category")


@bp.route(EDIT + "/categories/<code>", methods=["GET", "POST"])
@organiser_required
def edit_category(slug: str, version: str, code: str):
    draft = find_draft(slug, version)
    index = position(draft.categories, code)
    category = draft.categories[index]
    form = CategoryEditForm(obj=category, data=lock_of(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"categories[{index}]", form, *part)
        if save_change(draft, form, editing.updating("categories", code, part), fields):
            return done(draft, f"Category {part['name']} saved", "categories")
    return page("edit_category", draft, form, f"Category {category.name}", category=category)


@bp.route(EDIT + "/categories/<code>/remove", methods=["GET", "POST"])
@organiser_required
def remove_category(slug: str, version: str, code: str):
    draft = find_draft(slug, version)
    name = draft.categories[position(draft.categories, code)].name
    return ask_removal(
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
    draft = find_draft(slug, version)
    form = SkillAddForm(data=lock_of(draft))
    form.prepare(draft.levels, draft.categories)
    if form.validate_on_submit():
        part = form.part(draft.levels)
        fields = form.error_fields(f"skills[{len(draft.skills)}]", draft.levels)
        if save_change(draft, form, editing.appending("skills", part), fields):
            return done(draft, f"Skill {part['code']} {part['name']} added", "skills")
    return page("edit_skill", draft, form, "Add a skill")


@bp.route(EDIT + "/skills/<code>", methods=["GET", "POST"])
@organiser_required
def edit_skill(slug: str, version: str, code: str):
    draft = find_draft(slug, version)
    index = position(draft.skills, code)
    skill = draft.skills[index]
    form = SkillEditForm(data={**skill_values(skill, draft.levels), **lock_of(draft)})
    form.prepare(draft.levels, draft.categories)
    if form.validate_on_submit():
        part = form.part(draft.levels)
        fields = form.error_fields(f"skills[{index}]", draft.levels)
        if save_change(draft, form, editing.updating("skills", code, part), fields):
            return done(draft, f"Skill {code} {part['name']} saved", "skills")
    return page("edit_skill", draft, form, f"Skill {code} {skill.name}", skill=skill)


@bp.route(EDIT + "/skills/<code>/remove", methods=["GET", "POST"])
@organiser_required
def remove_skill(slug: str, version: str, code: str):
    draft = find_draft(slug, version)
    name = f"{code} {draft.skills[position(draft.skills, code)].name}"
    steps = [step for role in draft.roles for step in role.levels if code in step.expected]
    return ask_removal(
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
