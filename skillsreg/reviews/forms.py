"""Review forms: asking for a review, giving one, declining, cancelling and accepting."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from skillsreg.core.forms import GovForm
from skillsreg.reviews.models import ReviewerRelationship
from skillsreg.reviews.rules import COMMENT_LIMIT

RELATIONSHIPS = [
    (kind.value, kind.label)
    for kind in ReviewerRelationship
    if kind is not ReviewerRelationship.ORGANISER
]


class ReviewRequestForm(GovForm):
    name = StringField(
        "Their full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the reviewer's full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Their email address",
        widget=GovTextInput(),
        description="We send them a link that works once. They do not need an account.",
        validators=[
            InputRequired(message="Enter the reviewer's email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
        ],
    )
    relationship = RadioField(
        "How do they know your work?",
        widget=GovRadioInput(),
        choices=RELATIONSHIPS,
        validators=[InputRequired(message="Choose how the reviewer knows your work")],
    )
    message = TextAreaField(
        "Message to the reviewer (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=2000, message="Message must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send the request", widget=GovSubmitInput())


class ReviewGiveForm(GovForm):
    """The reviewer's answer for every skill (added per skill) and who they are."""

    reviewer_name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    job_title = StringField(
        "Your job title",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your job title"),
            Length(max=200, message="Job title must be 200 characters or fewer"),
        ],
    )
    organisation = StringField(
        "Your organisation",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your organisation"),
            Length(max=200, message="Organisation must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Send your review", widget=GovSubmitInput())

    def skill_fields(self, code: str) -> tuple[Any, Any]:
        return self[f"level_{code}"], self[f"comment_{code}"]


def review_give_form(skills: Iterable[tuple[str, list[int]]], **kwargs: Any) -> ReviewGiveForm:
    """A review form with a choice and a comment box for each (code, levels) given."""

    class Form(ReviewGiveForm):
        pass

    for code, levels in skills:
        choices = [("agree", "Agree")] + [(str(n), str(n)) for n in levels] + [("na", "N/A")]
        setattr(
            Form,
            f"level_{code}",
            RadioField(
                code,
                choices=choices,
                validators=[
                    InputRequired(message="Say whether you agree, or choose another level")
                ],
            ),
        )
        setattr(
            Form,
            f"comment_{code}",
            TextAreaField(
                "Comment",
                validators=[
                    Length(
                        max=COMMENT_LIMIT,
                        message=f"Comment must be {COMMENT_LIMIT:,} characters or fewer",
                    )
                ],
            ),
        )
    return Form(**kwargs)


class ReviewDeclineForm(GovForm):
    reason = TextAreaField(
        "Reason (optional)",
        widget=GovTextArea(),
        description="We pass this on to the person who asked you.",
        validators=[
            Optional(),
            Length(max=2000, message="Reason must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Decline the review", widget=GovSubmitInput())


class ReviewCancelForm(GovForm):
    submit = SubmitField("Cancel the review", widget=GovSubmitInput())


class ReviewAcceptForm(GovForm):
    accepted = SelectMultipleField(
        "Levels to accept",
        widget=GovCheckboxesInput(),
        choices=[],
        validate_choice=True,
    )
    submit = SubmitField("Create my validated assessment", widget=GovSubmitInput())
