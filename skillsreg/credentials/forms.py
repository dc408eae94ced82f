"""Credential forms: fields and field validation only."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from skillsreg.core.forms import GovForm


class VerifyUploadForm(GovForm):
    credential = StringField(
        "Paste the credential",
        description="The JWT (it starts with eyJ) or the JSON file's text.",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=200_000, message="The credential is too long")],
    )
    upload = FileField(
        "Or upload the credential",
        description="A JSON file, or a badge image (SVG or PNG) with the credential baked in.",
        widget=GovFileInput(),
    )
    submit = SubmitField("Check the credential", widget=GovSubmitInput())


class VisibilityForm(GovForm):
    visibility = RadioField(
        "Who can see this credential?",
        choices=[
            ("private", "Only me"),
            ("public", "Anyone with the link: it gets a public page that verifies it"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose who can see this credential")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class RevokeForm(GovForm):
    reason = StringField(
        "Why is it revoked?",
        description="Verifiers see only that it was revoked, not the reason.",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter why the credential is revoked"),
            Length(max=300, message="The reason must be 300 characters or fewer"),
        ],
    )
    submit = SubmitField("Revoke the credential", widget=GovSubmitInput())


class IssueForm(GovForm):
    submit = SubmitField("Issue credentials", widget=GovSubmitInput())
