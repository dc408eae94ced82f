"""What every editor page shares: finding the draft, saving a change, pages and redirects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, url_for
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response
from wtforms import Field

from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.forms import GovForm, add_domain_error
from skillsreg.extensions import db
from skillsreg.frameworks import editing, services
from skillsreg.frameworks.document import DocumentInvalid
from skillsreg.frameworks.forms.editor import (
    EditorForm,
    LockedConfirmForm,
    show_document_errors,
)
from skillsreg.frameworks.models import Framework, FrameworkVersion
from skillsreg.frameworks.store import load_version

EDIT = "/<slug>/<version>/edit"


def find_version(slug: str, number: str) -> FrameworkVersion:
    framework = services.find_framework(slug) or abort(404)
    found = services.find_version(framework, number) or abort(404)
    return load_version(found.id)


def find_draft(slug: str, number: str) -> FrameworkVersion:
    """The version to change; a published or retired one gets the page saying it never changes."""
    found = find_version(slug, number)
    if not found.is_editable:
        abort(make_response(frozen_page(found), 409))
    return found


def draft_in_progress(framework: Framework) -> FrameworkVersion | None:
    return next((v for v in framework.versions if v.is_editable), None)


def frozen_page(version: FrameworkVersion) -> str:
    return render_template(
        "frameworks/edit_frozen.html",
        version=version,
        draft=draft_in_progress(version.framework),
        latest=services.latest_published(version.framework),
        public_url=public_url(version),
        title=f"Version {version.number} can never change",
    )


def public_url(version: FrameworkVersion, *, external: bool = False) -> str | None:
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


def editor_url(version: FrameworkVersion, *, anchor: str | None = None, **kw: Any) -> str:
    return url_for(
        "frameworks.edit_version",
        slug=version.framework.slug,
        version=version.number,
        _anchor=anchor,
        **kw,
    )


def position(entries: Sequence[Any], code: str) -> int:
    """Where the entry with this code is in a version's list (its index in the document)."""
    for index, entry in enumerate(entries):
        if entry.code == code:
            return index
    abort(404)


def lock_of(version: FrameworkVersion) -> dict[str, int]:
    return {"lock_version": version.lock_version}


def attempt(
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


def save_change(
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

    saved, _ = attempt(draft, form, edit, fields)
    return saved


def done(version: FrameworkVersion, message: str, anchor: str | None = None) -> Response:
    flash(message, "success")
    return redirect(editor_url(version, anchor=anchor))


def page(
    template: str, version: FrameworkVersion, form: GovForm, title: str, **context: Any
) -> str:
    context.setdefault("back_url", editor_url(version))
    return render_template(
        f"frameworks/{template}.html", version=version, form=form, title=title, **context
    )


def confirm_page(
    version: FrameworkVersion, form: GovForm, title: str, *, button: str, **context: Any
) -> str:
    return page("edit_confirm", version, form, title, button=button, **context)


def ask_removal(
    draft: FrameworkVersion, change: editing.Change, kind: str, name: str, *, anchor: str, body: str
) -> Response | str:
    """Ask before removing a part of the draft, like kind "skill" and name "CONT Content design"."""
    form = LockedConfirmForm(data=lock_of(draft))
    if form.validate_on_submit() and save_change(draft, form, change):
        return done(draft, f"{kind.capitalize()} {name} removed", anchor)
    title = f"Remove {kind} {name}?"
    return confirm_page(draft, form, title, button=f"Remove {kind}", body=body)
