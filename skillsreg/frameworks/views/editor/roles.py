"""Editor pages for a draft's roles, their levels and the skill profile of each level."""

from __future__ import annotations

from functools import partial

from skillsreg.core.auth import organiser_required
from skillsreg.frameworks import editing
from skillsreg.frameworks.forms.editor import (
    ProfileForm,
    RoleAddForm,
    RoleEditForm,
    RoleLevelAddForm,
    RoleLevelEditForm,
    paths,
)
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.views import bp
from skillsreg.frameworks.views.editor.support import (
    EDIT,
    ask_removal,
    done,
    find_draft,
    lock_of,
    page,
    position,
    save_change,
)


@bp.route(EDIT + "/new-role", methods=["GET", "POST"])
@organiser_required
def add_role(slug: str, version: str):
    draft = find_draft(slug, version)
    form = RoleAddForm(data=lock_of(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = form.error_fields(f"roles[{len(draft.roles)}]")
        if save_change(draft, form, editing.appending("roles", part), fields):
            return done(draft, f"Role {part['name']} added", "roles")
    return page("edit_role", draft, form, "Add a role")


@bp.route(EDIT + "/roles/<role>", methods=["GET", "POST"])
@organiser_required
def edit_role(slug: str, version: str, role: str):
    draft = find_draft(slug, version)
    index = position(draft.roles, role)
    found = draft.roles[index]
    form = RoleEditForm(obj=found, data=lock_of(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"roles[{index}]", form, *part)
        if save_change(draft, form, editing.updating("roles", role, part), fields):
            return done(draft, f"Role {part['name']} saved", "roles")
    return page("edit_role", draft, form, f"Role {found.name}", role=found)


@bp.route(EDIT + "/roles/<role>/remove", methods=["GET", "POST"])
@organiser_required
def remove_role(slug: str, version: str, role: str):
    draft = find_draft(slug, version)
    found = draft.roles[position(draft.roles, role)]
    name, steps = found.name, len(found.levels)
    return ask_removal(
        draft,
        editing.removing("roles", role),
        "role",
        name,
        anchor="roles",
        body=f"Its role levels ({steps}) and their profiles will be removed with it.",
    )


def _role_level(draft: FrameworkVersion, role: str, step: str) -> tuple[int, int]:
    """The indexes of a role and one of its role levels, or 404."""
    role_index = position(draft.roles, role)
    return role_index, position(draft.roles[role_index].levels, step)


@bp.route(EDIT + "/roles/<role>/new-level", methods=["GET", "POST"])
@organiser_required
def add_role_level(slug: str, version: str, role: str):
    draft = find_draft(slug, version)
    index = position(draft.roles, role)
    found = draft.roles[index]
    name = found.name
    form = RoleLevelAddForm(data=lock_of(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"roles[{index}].levels[{len(found.levels)}]", form, "code", "name")
        if save_change(
            draft, form, editing.within_role(role, editing.appending("levels", part)), fields
        ):
            return done(draft, f"Role level {part['name']} added to {name}", "roles")
    return page("edit_role_level", draft, form, f"Add a role level to {name}", role=found)


@bp.route(EDIT + "/roles/<role>/levels/<step>", methods=["GET", "POST"])
@organiser_required
def edit_role_level(slug: str, version: str, role: str, step: str):
    draft = find_draft(slug, version)
    role_index, step_index = _role_level(draft, role, step)
    found = draft.roles[role_index]
    form = RoleLevelEditForm(obj=found.levels[step_index], data=lock_of(draft))
    if form.validate_on_submit():
        part = form.part()
        fields = paths(f"roles[{role_index}].levels[{step_index}]", form, *part)
        change = editing.within_role(role, editing.updating("levels", step, part))
        if save_change(draft, form, change, fields):
            return done(draft, f"Role level {part['name']} saved", "roles")
    title = f"Role level {found.levels[step_index].name}"
    return page("edit_role_level", draft, form, title, role=found, step=found.levels[step_index])


@bp.route(EDIT + "/roles/<role>/levels/<step>/remove", methods=["GET", "POST"])
@organiser_required
def remove_role_level(slug: str, version: str, role: str, step: str):
    draft = find_draft(slug, version)
    role_index, step_index = _role_level(draft, role, step)
    name = draft.roles[role_index].levels[step_index].name
    return ask_removal(
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
    draft = find_draft(slug, version)
    role_index, step_index = _role_level(draft, role, step)
    found = draft.roles[role_index].levels[step_index]
    name = found.name
    form_class = ProfileForm.for_skills(draft.skills, draft.levels)
    form = form_class(data={**form_class.values(found), **lock_of(draft)})
    if form.validate_on_submit():
        profile = form.profile(draft.skills)
        prefix = f"roles[{role_index}].levels[{step_index}].profile"
        change = editing.within_role(role, editing.updating("levels", step, {"profile": profile}))
        if save_change(draft, form, change, form.error_fields(prefix, draft.skills)):
            return done(draft, f"Profile of {name} saved", "roles")
    return page("edit_profile", draft, form, f"Profile of {name}", step=found)
