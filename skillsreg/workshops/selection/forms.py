"""Forms of the selection pages: fields and field validation only."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import (
    FloatField,
    HiddenField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, Regexp

from skillsreg.core.forms import GovForm, NumberField, WholeNumberField
from skillsreg.workshops import allocation
from skillsreg.workshops.selection.rules import WEIGHT_LABELS

DEFAULT_WEIGHTS = allocation.Weights()
RELOAD = "Something went wrong with the page: reload it and try again"


def _weight(name: str) -> FloatField:
    return NumberField(
        WEIGHT_LABELS[name],
        invalid=f"Enter a weight for: {WEIGHT_LABELS[name].lower()} as a number, like 2.5",
        widget=GovTextInput(),
        default=getattr(DEFAULT_WEIGHTS, name),
        validators=[
            InputRequired(message=f"Enter a weight for: {WEIGHT_LABELS[name].lower()}"),
            NumberRange(min=0, max=1000, message="Enter a weight from 0 to 1,000"),
        ],
    )


class OpenRoundForm(GovForm):
    title = StringField(
        "Name of the round",
        description="Optional: the workshops' titles are used if you leave it blank",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message="Name must be 200 characters or fewer")],
    )
    workshop_ids = SelectMultipleField(
        "Workshops to select for",
        description="Published workshops whose closing date has passed",
        widget=GovCheckboxesInput(),
        coerce=int,
        choices=[],
        # The service says why a workshop cannot be in a round; "not a valid choice" would not.
        validate_choice=False,
        validators=[InputRequired(message="Select at least one workshop")],
    )
    max_places_per_person = WholeNumberField(
        "Most places one person may be given in this round",
        invalid="Enter the most places one person may be given as a whole number, like 1",
        widget=GovTextInput(),
        default=1,
        validators=[
            InputRequired(message="Enter the most places one person may be given"),
            NumberRange(min=1, max=50, message="Enter a number of places from 1 to 50"),
        ],
    )
    min_per_target_role = WholeNumberField(
        "Minimum number of people from each target role",
        invalid="Enter the minimum number of people per target role as a whole number, like 2",
        description="A soft minimum: a shortfall is reported, never an error. 0 for none.",
        widget=GovTextInput(),
        default=0,
        validators=[
            InputRequired(message="Enter the minimum number of people per target role"),
            NumberRange(min=0, max=1000, message="Enter a minimum from 0 to 1,000"),
        ],
    )
    time_limit = NumberField(
        "Time limit for the optimiser (seconds)",
        invalid="Enter the time limit as a number of seconds, like 10",
        widget=GovTextInput(),
        default=10.0,
        validators=[
            InputRequired(message="Enter a time limit in seconds"),
            # Runs happen within the request, which the web server ends after 30 seconds.
            NumberRange(min=0.1, max=25, message="Enter a time limit from 0.1 to 25 seconds"),
        ],
    )
    preference = _weight("preference")
    manages_web_team = _weight("manages_web_team")
    years_managing = _weight("years_managing")
    role_match = _weight("role_match")
    skill_match = _weight("skill_match")
    newcomer = _weight("newcomer")
    role_shortfall = _weight("role_shortfall")
    submit = SubmitField("Open the round", widget=GovSubmitInput())

    def weights(self) -> dict[str, Any]:
        """The entered score weights by name."""
        return {name: self[name].data for name in WEIGHT_LABELS}


class RunRoundForm(GovForm):
    seed = WholeNumberField(
        "Tie-breaking seed (optional)",
        invalid="Enter the seed as a whole number, like 42, or leave it blank",
        description="Leave blank for a random seed; it is recorded either way",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, max=2**31 - 1, message="Enter a seed from 0 to 2147483647"),
        ],
    )
    submit = SubmitField("Run the optimiser", widget=GovSubmitInput())


class LockForm(GovForm):
    # Hidden: only a forged or damaged post gets these wrong.
    user_id = HiddenField(
        validators=[
            InputRequired(message=RELOAD),
            Regexp(r"^\d{1,9}$", message=RELOAD),
        ]
    )
    workshop_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$", message=RELOAD)])
    kind = HiddenField(
        validators=[InputRequired(message=RELOAD), AnyOf(["in", "out"], message=RELOAD)]
    )


class RemoveLockForm(GovForm):
    pass


class ConfirmRoundForm(GovForm):
    submit = SubmitField("Confirm and send offers", widget=GovSubmitInput())
