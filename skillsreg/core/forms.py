"""Form helpers shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm

from skillsreg.core.errors import DomainError


def add_domain_error(form: FlaskForm, error: DomainError, *, field: str | None = None) -> None:
    """Show a service's refusal against the field it concerns (or the form as a whole)."""
    name = field or error.field
    target = getattr(form, name, None) if name else None
    if target is None:
        target = next(iter(form))  # the summary links to the first field
    target.errors = [*target.errors, error.message]
    form._errors = None  # WTForms caches form.errors; recompute with the new message
