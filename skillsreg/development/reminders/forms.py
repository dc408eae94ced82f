"""Reminder forms: fields and field validation only."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from skillsreg.core.forms import GovForm
from skillsreg.development.reminders.models import RHYTHM_LABELS, Rhythm


class RhythmForm(GovForm):
    rhythm = RadioField(
        "How often should we email you a reminder?",
        description="A short email about your goals due soon, workshops for them, "
        "consultations open for comments and the CPD you have logged this year",
        choices=[(rhythm.value, RHYTHM_LABELS[rhythm]) for rhythm in Rhythm],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how often we should email you")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class UnsubscribeForm(GovForm):
    submit = SubmitField("Stop reminders", widget=GovSubmitInput())
