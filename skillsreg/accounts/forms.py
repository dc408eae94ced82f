"""Account forms: fields and field validation only."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from skillsreg.accounts.rules import SECTOR_LABELS, UK_REGIONS, WEB_GROUPS, Role, password_problem
from skillsreg.core.forms import GovForm


class NewPassword:
    """Field validator applying the password policy (length and common passwords)."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


EMAIL_FIELD: dict[str, Any] = {
    "widget": GovTextInput(),
    "validators": [
        InputRequired(message="Enter your email address"),
        Email(
            message="Enter an email address in the correct format, like name@example.gov.uk",
            check_deliverability=False,
        ),
        Length(max=320, message="Email address must be 320 characters or fewer"),
    ],
}


def _required_text(
    label: str, message: str, *, max_length: int = 200, **kwargs: object
) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(message=message),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
        **kwargs,
    )


class SignUpForm(GovForm):
    name = _required_text("Full name", "Enter your full name")
    email = StringField(
        "Email address",
        description="We will use this to sign you in and to send you messages about the service",
        **EMAIL_FIELD,
    )
    organisation = _required_text("Organisation", "Enter the organisation you work for or with")
    sector = RadioField(
        "Which sector do you work in?",
        widget=GovRadioInput(),
        choices=[(sector.value, label) for sector, label in SECTOR_LABELS.items()],
        validators=[InputRequired(message="Select the sector you work in")],
    )
    job_title = _required_text("Job title", "Enter your job title")
    web_groups = SelectMultipleField(
        "Which kinds of web work do you do?",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        choices=list(WEB_GROUPS.items()),
        validators=[InputRequired(message="Select at least one kind of web work you do")],
    )
    region = SelectField(
        "Which region do you work in? (optional)",
        widget=GovSelect(),
        choices=[("", "Not given"), *UK_REGIONS.items()],
        default="",
    )
    consent_fields = SelectMultipleField(
        "What may we publish about you in the register?",
        widget=GovCheckboxesInput(),
        choices=[],  # the current consent wording, set by the view
        validate_choice=False,  # the consent service checks the fields
    )
    password = PasswordField(
        "Create a password",
        description="Use 12 characters or more. A few unrelated words make a strong password.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a password"), NewPassword()],
    )
    password_confirm = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignInForm(GovForm):
    email = StringField("Email address", **EMAIL_FIELD)
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    remember = BooleanField(
        "Keep me signed in on this device for 30 days", widget=GovCheckboxInput()
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class PasswordChangeForm(GovForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    new_password = PasswordField(
        "New password",
        description="Use 12 characters or more.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password"), NewPassword()],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class PasswordResetRequestForm(GovForm):
    email = StringField("Email address", **EMAIL_FIELD)
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class PasswordResetForm(GovForm):
    password = PasswordField(
        "New password",
        description="Use 12 characters or more.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password"), NewPassword()],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


class RoleChangeForm(GovForm):
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[(role.value, role.label) for role in Role],
        validators=[InputRequired(message="Select a role")],
    )
    submit = SubmitField("Save role", widget=GovSubmitInput())


class DeleteAccountForm(GovForm):
    password = PasswordField(
        "Enter your password to confirm",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password to delete your account")],
    )
    submit = SubmitField("Delete my account", widget=GovSubmitInput())


class AuditFilterForm(GovForm):
    class Meta:
        csrf = False  # a GET form that only filters a list

    action = SelectField("Action", widget=GovSelect(), choices=[], validate_choice=False)
    submit = SubmitField("Filter", widget=GovSubmitInput())
