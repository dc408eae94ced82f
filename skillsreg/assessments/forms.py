"""Self-assessment forms: fields and field validation only."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from skillsreg.core.forms import GovForm

EVIDENCE_LIMIT = 5000


class AssessmentStartForm(GovForm):
    """Choose the role level to be measured against; choices come from the version."""

    role_level = SelectField(
        "Role and role level",
        widget=GovSelect(),
        validators=[InputRequired(message="Choose the role and role level to measure against")],
        description="Your skills are compared with what this role level expects.",
    )
    submit = SubmitField("Start", widget=GovSubmitInput())


class CarryForwardForm(AssessmentStartForm):
    """Choose the role level for an assessment pre-filled from an earlier one."""

    submit = SubmitField("Carry forward", widget=GovSubmitInput())


class SkillAddForm(GovForm):
    """Pick another skill of the version to add."""

    skill = SelectField(
        "Skill",
        widget=GovSelect(),
        validators=[InputRequired(message="Choose a skill to add")],
    )
    submit = SubmitField("Add skill", widget=GovSubmitInput())


class ConfirmForm(GovForm):
    """A button that changes something: submit, share, revoke, remove."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


class CategoryRatingForm(GovForm):
    """Levels and evidence for the skills of one category; fields are added per skill."""

    save_continue = SubmitField("Save and continue")
    save_later = SubmitField("Save and come back later")

    def skill_fields(self, code: str) -> tuple[Any, Any]:
        return self[f"level_{code}"], self[f"evidence_{code}"]


def category_rating_form(
    skills: Iterable[tuple[str, Sequence[int]]], **kwargs: Any
) -> CategoryRatingForm:
    """A rating form with a level choice and an evidence box for each (code, levels) given."""
    form_class = _rating_form_class(tuple((code, tuple(levels)) for code, levels in skills))
    return form_class(**kwargs)


@functools.lru_cache(maxsize=256)
def _rating_form_class(
    skills: tuple[tuple[str, tuple[int, ...]], ...],
) -> type[CategoryRatingForm]:
    # Made once per set of skills, as a declared form is: making the class, and WTForms
    # ordering its fields on its first use, on every request was a tenth of the answer page.
    class Form(CategoryRatingForm):
        pass

    for code, levels in skills:
        choices = [(str(level), str(level)) for level in levels] + [("na", "Not applicable")]
        setattr(
            Form,
            f"level_{code}",
            # A skill may be left unrated and come back to later, so a choice is optional.
            RadioField(
                code,
                choices=choices,
                coerce=_optional_text,
                validate_choice=False,
                validators=[OneOf(choices)],
            ),
        )
        setattr(
            Form,
            f"evidence_{code}",
            TextAreaField(
                "Evidence (optional)",
                validators=[
                    Length(
                        max=EVIDENCE_LIMIT,
                        message=f"Evidence must be {EVIDENCE_LIMIT} characters or fewer",
                    )
                ],
            ),
        )
    return Form


class OneOf:
    """An optional choice that, when made, must be one of the choices."""

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        self.values = {value for value, _ in choices}

    def __call__(self, form: FlaskForm, field: RadioField) -> None:
        if field.data and field.data not in self.values:
            raise ValidationError("Choose one of the levels shown, or not applicable")
