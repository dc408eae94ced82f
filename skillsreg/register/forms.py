"""Register forms: consent, choosing a population, publishing, pushing, withdrawing."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired

from skillsreg.accounts.rules import UK_REGIONS
from skillsreg.core.forms import GovForm

CONSENT_LABEL = "What may we publish about you in the register?"
CONSENT_HINT = (
    "The register is a public list of people interested in the skills framework. Select only "
    "what you agree to publish; nothing is published unless you select it. You can change your "
    "mind at any time."
)
REGION_CHOICES = [("", "Not given"), *UK_REGIONS.items()]


def consent_field(**kwargs: Any) -> SelectMultipleField:
    """Per-field consent checkboxes, none ticked unless the person already agreed."""
    return SelectMultipleField(
        CONSENT_LABEL,
        description=CONSENT_HINT,
        widget=GovCheckboxesInput(),
        choices=[],  # the current wording, set by the view
        **kwargs,
    )


def region_field() -> SelectField:
    return SelectField(
        "Which region do you work in? (optional)",
        widget=GovSelect(),
        choices=REGION_CHOICES,
        validate_choice=True,
        default="",
    )


class ConsentForm(GovForm):
    consent_fields = consent_field()
    region = region_field()
    submit = SubmitField("Save your choices", widget=GovSubmitInput())


class WithdrawAllForm(GovForm):
    submit = SubmitField("Withdraw consent to publish anything", widget=GovSubmitInput())


class PopulationForm(GovForm):
    class Meta:
        csrf = False  # a GET form that only chooses what to preview

    population = RadioField(
        "Who should the register list?",
        widget=GovRadioInput(),
        choices=[
            ("framework", "Everyone interested in the framework who agreed to be listed"),
            ("workshops", "The applicants of chosen workshops who agreed to be listed"),
        ],
        validators=[InputRequired(message="Select who the register lists")],
    )
    workshop_ids = SelectMultipleField(
        "Which workshops?",
        description="Only if you chose the applicants of chosen workshops",
        widget=GovCheckboxesInput(),
        coerce=int,
        choices=[],
        validate_choice=False,  # the service explains an unknown workshop
    )
    submit = SubmitField("Preview the register", widget=GovSubmitInput())


class PublishForm(GovForm):
    population = HiddenField(validators=[InputRequired(message="Choose who the register lists")])
    workshop_ids = HiddenField()
    submit = SubmitField("Publish this register", widget=GovSubmitInput())

    def workshop_id_list(self) -> list[int]:
        text = self.workshop_ids.data or ""
        return [int(part) for part in text.split(",") if part.strip().isdigit()]


class RepublishForm(GovForm):
    submit = SubmitField("Republish the register", widget=GovSubmitInput())


class PushForm(GovForm):
    submit = SubmitField("Push", widget=GovSubmitInput())


class WithdrawByLinkForm(GovForm):
    submit = SubmitField("Withdraw my consent", widget=GovSubmitInput())
