"""CPD record forms: fields and field validation only."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from skillsreg.core.forms import GovDateField, GovForm, WholeNumberField
from skillsreg.development.cpd.models import KIND_LABELS, CpdKind
from skillsreg.development.cpd.rules import parse_hours

TEXT_LIMIT = 5000


def _hours(form: GovForm, field: Field) -> None:
    if parse_hours(field.data or "") is None:
        raise ValidationError("Enter the hours as a number, like 2 or 1.5")


def _reflection(label: str, hint: str) -> StringField:
    return StringField(
        label,
        description=hint,
        widget=GovTextArea(),
        validators=[
            Length(max=TEXT_LIMIT, message=f"{label} must be {TEXT_LIMIT} characters or fewer")
        ],
    )


class ActivityForm(GovForm):
    done_on = GovDateField(
        "When did you do it?",
        invalid="The date must be a real date, like 14 3 2026",
        description="If it took several days, the day it ended. For example, 14 3 2026",
        validators=[InputRequired(message="Enter the date of the activity")],
    )
    kind = RadioField(
        "What kind of activity was it?",
        choices=[(kind.value, KIND_LABELS[kind]) for kind in CpdKind],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the kind of activity")],
    )
    title = StringField(
        "What did you do?",
        description="For example, the name of the course or the book",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter what you did"),
            Length(max=200, message="What you did must be 200 characters or fewer"),
        ],
    )
    hours = StringField(
        "How many hours did it take?",
        description="For example, 2 or 1.5",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter how many hours it took"), _hours],
    )
    learned = _reflection("What did you learn?", "Optional")
    application = _reflection("How will you apply it?", "Optional")
    skill_codes = SelectMultipleField(
        "Which skills did it develop?",
        description="Optional. Select all that apply",
        choices=[],
        widget=GovCheckboxesInput(),
    )
    goal_id = SelectField(
        "Which goal of your plan did it work toward?",
        description="Optional",
        choices=[],
        widget=GovSelect(),
        # Shown only to members with a plan: not sending it at all means no goal.
        validators=[Optional()],
    )
    submit = SubmitField("Save activity", widget=GovSubmitInput())

    def details(self) -> dict[str, Any]:
        """The answers as plain values for the service."""
        return {
            "done_on": self.done_on.data if self.done_on else None,
            "minutes": parse_hours(self.hours.data or "") or 0,
            "kind": CpdKind(self.kind.data) if self.kind else CpdKind.WORKSHOP,
            "title": self.title.data or "",
            "learned": self.learned.data or "",
            "application": self.application.data or "",
            "skill_codes": tuple(self.skill_codes.data or ()),
            "goal_id": int(self.goal_id.data) if self.goal_id.data else None,
        }


class ReflectionForm(ActivityForm):
    """The reflections on an attended workshop: its date and kind are the workshop's."""

    done_on = None  # type: ignore[assignment]
    kind = None  # type: ignore[assignment]
    submit = SubmitField("Save reflections", widget=GovSubmitInput())

    def details(self) -> dict[str, Any]:
        answers = super().details()
        return {key: answers[key] for key in REFLECTION_FIELDS}


REFLECTION_FIELDS = ("minutes", "title", "learned", "application", "skill_codes", "goal_id")


class TargetForm(GovForm):
    yearly_hours = WholeNumberField(
        "How many hours of CPD do you aim for each year?",
        invalid="The target must be a whole number of hours, like 35",
        description="Many professional bodies ask for about 30 hours a year. Leave it empty "
        "for no target",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=2000, message="The target must be between 1 and 2000 hours"),
        ],
    )
    submit = SubmitField("Save target", widget=GovSubmitInput())


class RemoveForm(GovForm):
    submit = SubmitField("Yes, remove it", widget=GovSubmitInput())
