"""Development forms: fields and field validation only (choices are set by the views)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from skillsreg.core.forms import GovDateField, GovForm
from skillsreg.development.models import (
    ACTIVITY_KIND_LABELS,
    ACTIVITY_STATE_LABELS,
    CommitmentOutcome,
    PlanAim,
)

TARGET_DATE_HINT = "For example, 31 3 2027"


class PlanAimForm(GovForm):
    """Which role level to measure the gaps against."""

    aim = RadioField(
        "Which role level do you want your goals to aim for?",
        widget=GovRadioInput(),
        choices=[(aim.value, aim.label) for aim in PlanAim],
        validators=[InputRequired(message="Select which role level to aim for")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class PlanGoalsForm(GovForm):
    """Pick the gaps to work on and the date to reach them by."""

    skill_codes = SelectMultipleField(
        "Skills to develop",
        widget=GovCheckboxesInput(),
        validators=[DataRequired(message="Select at least one skill to develop")],
        description="Each skill becomes a goal: reach the level the role level expects.",
    )
    target_on = GovDateField(
        "Reach these levels by",
        invalid="The target date must be a real date",
        description=TARGET_DATE_HINT + ". You can change each goal's date later.",
        validators=[InputRequired(message="Enter a target date")],
    )
    submit = SubmitField("Start plan", widget=GovSubmitInput())


class GoalForm(GovForm):
    """Change a goal's target level and date."""

    target_level = RadioField(
        "Target level",
        widget=GovRadioInput(),
        coerce=int,
        validators=[InputRequired(message="Select a target level")],
    )
    target_on = GovDateField(
        "Target date",
        invalid="The target date must be a real date",
        description=TARGET_DATE_HINT,
        validators=[InputRequired(message="Enter a target date")],
    )
    submit = SubmitField("Save goal", widget=GovSubmitInput())


class ActivityForm(GovForm):
    """Something to do towards a goal."""

    kind = RadioField(
        "Kind of activity",
        widget=GovRadioInput(),
        choices=[(kind.value, label) for kind, label in ACTIVITY_KIND_LABELS.items()],
        validators=[InputRequired(message="Select the kind of activity")],
    )
    title = StringField(
        "What will you do?",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter what you will do"),
            Length(max=200, message="What you will do must be 200 characters or fewer"),
        ],
        description="For example, Shadow the accessibility lead for 2 audits",
    )
    notes = TextAreaField(
        "Notes (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=2000, message="Notes must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add activity", widget=GovSubmitInput())


class SuggestedActivityForm(GovForm):
    """Add a suggested workshop or library document as an activity."""

    kind = HiddenField(validators=[InputRequired(message="Choose a suggestion to add")])
    linked_id = HiddenField(validators=[InputRequired(message="Choose a suggestion to add")])
    submit = SubmitField("Add to goal", widget=GovSubmitInput())


class ActivityStateForm(GovForm):
    state = RadioField(
        "How far has this activity got?",
        widget=GovRadioInput(),
        choices=[(state.value, label) for state, label in ACTIVITY_STATE_LABELS.items()],
        validators=[InputRequired(message="Select how far this activity has got")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class SuccessorForm(GovForm):
    code = RadioField(
        "Which skill should this goal follow now?",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the skill this goal should follow")],
    )
    submit = SubmitField("Follow this skill", widget=GovSubmitInput())


class CommitmentAnswerForm(GovForm):
    """Whether a commitment whose date has come was kept."""

    outcome = RadioField(
        "Did you keep your commitment?",
        widget=GovRadioInput(),
        choices=[
            (CommitmentOutcome.KEPT.value, "Yes, I kept it"),
            (CommitmentOutcome.MISSED.value, "No, I missed it"),
            (CommitmentOutcome.RENEWED.value, "Not yet: I renew it with a new date"),
        ],
        validators=[InputRequired(message="Select whether you kept your commitment")],
    )
    new_due_on = GovDateField(
        "New date, if you renew it",
        invalid="The new date must be a real date",
        description=TARGET_DATE_HINT,
        validators=[Optional()],
    )
    submit = SubmitField("Save answer", widget=GovSubmitInput())


class ConfirmForm(GovForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())
