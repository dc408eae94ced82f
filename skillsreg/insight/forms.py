"""Insight forms: leaving the statistics, and making a release."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from skillsreg.core.forms import GovForm


class StatisticsChoiceForm(GovForm):
    choice = RadioField(
        "Should your self-assessments count in the community's skills statistics?",
        widget=GovRadioInput(),
        choices=[
            ("in", "Yes, count my self-assessments (no one can see them as mine)"),
            ("out", "No, leave me out of the statistics"),
        ],
        validators=[InputRequired(message="Select whether your self-assessments should count")],
    )
    submit = SubmitField("Save your choice", widget=GovSubmitInput())


class ReleaseForm(GovForm):
    submit = SubmitField("Make a release", widget=GovSubmitInput())
