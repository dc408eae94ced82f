"""Browsing forms: searching a version's skills and choosing two versions to compare."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import Field, SelectField, StringField
from wtforms.validators import Length, ValidationError

from skillsreg.core.forms import GovForm


class OneOfChoices:
    """Field validator: the value must be one of the field's choices (checked with a message)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError(self.message)


class SkillSearchForm(GovForm):
    """A GET form: its values live in the address, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(
        "Words to search for",
        description="Words from a skill's code, name, description or level descriptors",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Search words must be 200 characters or fewer")],
    )
    category = SelectField(
        "Category",
        widget=GovSelect(),
        default="",
        validate_choice=False,
        validators=[OneOfChoices("Select a category from the list")],
    )
    role = SelectField(
        "Role",
        description="Show only the skills this role needs at any of its levels",
        widget=GovSelect(),
        default="",
        validate_choice=False,
        validators=[OneOfChoices("Select a role from the list")],
    )


class VersionCompareForm(GovForm):
    """A GET form naming two versions; the view answers an unknown version with 404."""

    class Meta:
        csrf = False

    old = SelectField("Compare version", name="from", widget=GovSelect(), validate_choice=False)
    new = SelectField("with version", name="to", widget=GovSelect(), validate_choice=False)
