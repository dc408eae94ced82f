"""Workshop forms: fields and field validation only."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from skillsreg.accounts.rules import SECTOR_LABELS
from skillsreg.core.forms import GovDateField, GovForm, WholeNumberField

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class TimeOfDay:
    """Field validator and parser for a 24-hour time like 09:30."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: GovForm, field: Field) -> None:
        if parse_time(field.data or "") is None:
            raise ValidationError(self.message)


def parse_time(text: str) -> time | None:
    match = TIME_PATTERN.match(text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _codes(text: str | None) -> list[str]:
    return [code for code in re.split(r"[\s,]+", text or "") if code]


def _optional_number(label: str, description: str, top: int) -> WholeNumberField:
    return WholeNumberField(
        label,
        invalid=f"{label} must be a whole number, like 10",
        description=description,
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=top, message=f"{label} must be between 1 and {top}"),
        ],
    )


class WorkshopForm(GovForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    description = StringField("Description", widget=GovTextArea())
    day = GovDateField(
        "Date",
        invalid="The date must be a real date",
        description="For example, 27 11 2026",
        validators=[InputRequired(message="Enter the date of the workshop")],
    )
    start = StringField(
        "Start time",
        description="24-hour clock, London time, for example 09:30",
        widget=GovTextInput(),
        validators=[TimeOfDay("Enter a start time like 09:30")],
    )
    end = StringField(
        "End time",
        description="For example, 16:00",
        widget=GovTextInput(),
        validators=[TimeOfDay("Enter an end time like 16:00")],
    )
    venue = StringField(
        "Venue",
        widget=GovTextInput(),
        validators=[Length(max=300, message="Venue must be 300 characters or fewer")],
    )
    address = StringField(
        "Full address (optional)",
        description="Building, street, town and postcode, so people can find the venue",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="Address must be 1000 characters or fewer")],
    )
    is_online = BooleanField("The workshop is online", widget=GovCheckboxInput())
    capacity = WholeNumberField(
        "Number of places",
        invalid="Enter the number of places as a whole number, like 20",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the number of places"),
            NumberRange(min=1, max=1000, message="Number of places must be between 1 and 1000"),
        ],
    )
    closes_on = GovDateField(
        "Closing date for expressions of interest",
        invalid="The closing date must be a real date",
        description="People can express interest until the end of this day",
        validators=[InputRequired(message="Enter the closing date")],
    )
    eligible_sectors = SelectMultipleField(
        "Who may apply?",
        widget=GovCheckboxesInput(),
        choices=[(sector.value, label) for sector, label in SECTOR_LABELS.items()],
        validators=[InputRequired(message="Select who may apply")],
    )
    target_version_id = SelectField(
        "Framework version for target roles and skills",
        widget=GovSelect(),
        choices=[("", "None")],
        validate_choice=True,
    )
    target_role_codes = StringField(
        "Target roles", description="Role codes, separated by commas", widget=GovTextInput()
    )
    target_skill_codes = StringField(
        "Target skills", description="Skill codes, separated by commas", widget=GovTextInput()
    )
    prefer_managers = BooleanField(
        "Prefer people with experience of managing web teams", widget=GovCheckboxInput()
    )
    max_share_per_sector = _optional_number(
        "Largest share of places for one sector (percent)", "Leave blank for no limit", 100
    )
    max_per_organisation = _optional_number(
        "Most places for one organisation", "Leave blank for no limit", 1000
    )
    one_place_per_person = BooleanField(
        "Give each person a place at one workshop at most", widget=GovCheckboxInput()
    )
    # The closing date (ISO) the organiser was warned would close the workshop now.
    closing_confirmed = HiddenField()
    submit = SubmitField("Save workshop", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The entered details as plain values for the service."""
        data = dict(self.data)
        data["start"] = parse_time(data["start"] or "")
        data["end"] = parse_time(data["end"] or "")
        data["target_version_id"] = int(data["target_version_id"] or 0) or None
        data["target_role_codes"] = _codes(data["target_role_codes"])
        data["target_skill_codes"] = _codes(data["target_skill_codes"])
        data["description"] = data["description"] or ""
        data["venue"] = data["venue"] or ""
        data["address"] = data["address"] or ""
        data.pop("closing_confirmed", None)
        return data


class PublishForm(GovForm):
    submit = SubmitField("Publish workshop", widget=GovSubmitInput())


class CancelForm(GovForm):
    submit = SubmitField("Cancel workshop", widget=GovSubmitInput())


class ChooseWorkshopsForm(GovForm):
    workshop_ids = SelectMultipleField(
        "Which workshops are you interested in?",
        description="Select all that apply. You will rank them on the next page.",
        widget=GovCheckboxesInput(),
        coerce=int,
        choices=[],
        validate_choice=False,  # the service explains why a workshop cannot be chosen
    )
    wants_to_comment_on_draft = BooleanField(
        "I cannot attend but would like to comment on the draft framework",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AnswersForm(GovForm):
    experience = StringField(
        "Your relevant skills and experience",
        description="Tell us about your web work and what you would bring to the workshop",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter your relevant skills and experience"),
            Length(max=5000, message="Skills and experience must be 5000 characters or fewer"),
        ],
    )
    manages_web_team = RadioField(
        "Do you have experience of managing web teams?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[InputRequired(message="Select yes if you have managed web teams")],
    )
    years_managing = WholeNumberField(
        "For how many years?",
        invalid="Enter the number of years as a whole number, like 3",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=0, max=60, message="Years must be a number between 0 and 60"),
        ],
    )
    share_assessment = BooleanField(
        "Share my latest submitted self-assessment with the organisers",
        widget=GovCheckboxInput(),
    )
    access_needs = StringField(
        "Access needs (optional)",
        description="Only the organisers will see this",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Access needs must be 2000 characters or fewer")],
    )
    consent_fields = SelectMultipleField(
        "What may we publish about you in the register?",
        widget=GovCheckboxesInput(),
        choices=[],  # the current consent wording, set by the view
        validate_choice=False,  # the consent service checks the fields
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        """The years are asked only of someone who answers yes; otherwise what was typed goes."""
        years = self.years_managing
        if self.manages_web_team.data != "yes":
            years.data, years.raw_data, years.process_errors = None, [], []
        valid = super().validate(extra_validators)
        if self.manages_web_team.data == "yes" and years.data is None and not years.errors:
            years.errors = ["Enter how many years you have managed web teams"]
            return False
        return valid


class ConfirmForm(GovForm):
    submit = SubmitField("Send", widget=GovSubmitInput())


class WithdrawForm(GovForm):
    submit = SubmitField("Withdraw", widget=GovSubmitInput())


class RankForm(GovForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def ranks(self, ids: list[int]) -> dict[int, int]:
        return {i: int(self[f"rank_{i}"].data) for i in ids}

    def availability(self, ids: list[int]) -> dict[int, bool]:
        return {i: self[f"available_{i}"].data == "yes" for i in ids}


def rank_form(workshops: list[tuple[int, str]], **kwargs: Any) -> RankForm:
    """A ranking form with a rank and an availability question for each chosen workshop."""
    return rank_form_class(workshops)(**kwargs)


def rank_form_class(workshops: list[tuple[int, str]]) -> type[RankForm]:
    """The class of a ranking form for these workshops (ids and titles)."""
    numbers = [(str(n), str(n)) for n in range(1, len(workshops) + 1)]

    class Ranking(RankForm):
        pass

    for workshop_id, name in workshops:
        setattr(
            Ranking,
            f"rank_{workshop_id}",
            SelectField(
                f"Rank for {name}",
                description="1 is the workshop you most want to attend",
                widget=GovSelect(),
                choices=numbers,
            ),
        )
        setattr(
            Ranking,
            f"available_{workshop_id}",
            RadioField(
                f"Are you willing and able to attend {name}?",
                widget=GovRadioInput(),
                choices=[("yes", "Yes"), ("no", "No")],
                validators=[InputRequired(message=f"Select yes if you can attend {name}")],
            ),
        )
    return Ranking
