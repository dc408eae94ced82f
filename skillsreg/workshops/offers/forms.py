"""Forms of the offers pages: replies to offers, withdrawal, messages and attendance."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from skillsreg.core.forms import GovForm


class AcceptOfferForm(GovForm):
    submit = SubmitField("Accept the place", widget=GovSubmitInput())


class DeclineOfferForm(GovForm):
    submit = SubmitField("Decline the place", widget=GovSubmitInput())


class WithdrawPlaceForm(GovForm):
    submit = SubmitField("Withdraw from this workshop", widget=GovSubmitInput())


class FillPlacesForm(GovForm):
    submit = SubmitField("Offer the free places to the waiting list", widget=GovSubmitInput())


class EmailAttendeesForm(GovForm):
    subject = StringField(
        "Subject",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a subject"),
            Length(max=150, message="Subject must be 150 characters or fewer"),
        ],
    )
    message = TextAreaField(
        "Message",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter a message"),
            Length(max=5000, message="Message must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send to attendees", widget=GovSubmitInput())


ATTENDANCE_CHOICES = [("yes", "Attended"), ("no", "Did not attend"), ("unknown", "Not known")]
ATTENDANCE_VALUES: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}


class AttendanceForm(GovForm):
    submit = SubmitField("Save attendance", widget=GovSubmitInput())

    def attended(self, ids: list[int]) -> dict[int, bool | None]:
        return {i: ATTENDANCE_VALUES[self[f"attended_{i}"].data] for i in ids}


def attendance_form(people: list[tuple[int, str]], **kwargs: Any) -> AttendanceForm:
    """A question per attendee (by choice id): did they come?"""

    class Attendance(AttendanceForm):
        pass

    for choice_id, name in people:
        setattr(
            Attendance,
            f"attended_{choice_id}",
            RadioField(
                f"Did {name} attend?",
                widget=GovRadioInput(),
                choices=ATTENDANCE_CHOICES,
                validators=[InputRequired(message=f"Select whether {name} attended")],
            ),
        )
    return Attendance(**kwargs)
