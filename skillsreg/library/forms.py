"""Library forms: fields and field validation only."""

from __future__ import annotations

from flask_wtf.file import FileRequired, MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from skillsreg.core.forms import GovForm
from skillsreg.library.models import DOCUMENT_KIND_LABELS, TargetKind
from skillsreg.library.rules import ALLOWED_LABEL

FILES_HINT = f"{ALLOWED_LABEL}. You can choose several files."


class SearchForm(GovForm):
    class Meta:
        csrf = False  # a GET form that only filters the list

    q = StringField("Search the library", widget=GovTextInput(), validators=[Optional()])
    tag = SelectField("Tag", widget=GovSelect(), choices=[], validate_choice=False)
    submit = SubmitField("Search", widget=GovSubmitInput())


def _title() -> StringField:
    return StringField(
        "Title",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )


def _summary() -> StringField:
    return StringField(
        "Summary",
        widget=GovTextArea(),
        description="What the document is about and who it is for.",
        validators=[Length(max=5000, message="Summary must be 5,000 characters or fewer")],
    )


def _tags() -> StringField:
    return StringField(
        "Tags (optional)",
        widget=GovTextInput(),
        description="Separate tags with commas, for example: accessibility, procurement",
        validators=[Length(max=600, message="Tags must be 600 characters or fewer in all")],
    )


def _skill_codes() -> StringField:
    return StringField(
        "Framework skills it helps develop (optional)",
        widget=GovTextInput(),
        description="Skill codes separated by commas, for example: ACCS, EDIT",
        validators=[Length(max=300, message="Skill codes must be 300 characters or fewer in all")],
    )


def _files(label: str) -> MultipleFileField:
    return MultipleFileField(
        label,
        widget=GovFileInput(multiple=True),
        description=FILES_HINT,
        validators=[FileRequired(message="Choose a file to upload")],
    )


class DocumentUploadForm(GovForm):
    title = _title()
    summary = _summary()
    tags = _tags()
    skill_codes = _skill_codes()
    kind = RadioField(
        "What kind of document is it?",
        widget=GovRadioInput(),
        choices=[(kind.value, label) for kind, label in DOCUMENT_KIND_LABELS.items()],
        default="community_document",
        validators=[InputRequired(message="Choose what kind of document it is")],
    )
    files = _files("Files")
    submit = SubmitField("Upload document", widget=GovSubmitInput())


class DocumentEditForm(GovForm):
    title = _title()
    summary = _summary()
    tags = _tags()
    skill_codes = _skill_codes()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class VersionUploadForm(GovForm):
    note = StringField(
        "What changed (optional)",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="What changed must be 2,000 characters or fewer")],
    )
    files = _files("Files of the new version")
    submit = SubmitField("Add version", widget=GovSubmitInput())


class WithdrawDocumentForm(GovForm):
    notice = StringField(
        "Notice shown instead of the files",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter the notice to show instead of the files"),
            Length(max=2000, message="The notice must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Withdraw document", widget=GovSubmitInput())


class PushForm(GovForm):
    target_id = SelectField(
        "Publishing target",
        widget=GovSelect(),
        choices=[],
        coerce=int,
        validators=[InputRequired(message="Choose a publishing target")],
    )
    submit = SubmitField("Push latest version", widget=GovSubmitInput())


class ConfirmForm(GovForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())


class TargetForm(GovForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    kind = RadioField(
        "Kind of target",
        widget=GovRadioInput(),
        choices=[(kind.value, kind.label) for kind in TargetKind],
        validators=[InputRequired(message="Choose the kind of target")],
    )
    base_url = StringField(
        "Address",
        widget=GovTextInput(),
        description=(
            "WebDAV: the folder's address, for example "
            "https://cloud.example.org/remote.php/dav/files/register/. "
            "CKAN: the portal's address, for example https://data.example.org"
        ),
        validators=[
            InputRequired(message="Enter the address"),
            Length(max=500, message="Address must be 500 characters or fewer"),
        ],
    )
    folder = StringField(
        "Folder or CKAN organisation (optional)",
        widget=GovTextInput(),
        description="WebDAV: a folder under the address. CKAN: the organisation's name.",
        validators=[Length(max=300, message="Folder must be 300 characters or fewer")],
    )
    dataset_prefix = StringField(
        "CKAN dataset name prefix (optional)",
        widget=GovTextInput(),
        description="Put before each publication's name, for example skills-register-",
        validators=[
            Length(max=60, message="Prefix must be 60 characters or fewer"),
            Regexp(
                r"^[a-z0-9_-]*$",
                message="Prefix can only contain lower-case letters, numbers, - and _",
            ),
        ],
    )
    username = StringField(
        "User name (optional)",
        widget=GovTextInput(),
        description="WebDAV only. CKAN uses the API token alone.",
        validators=[Length(max=200, message="User name must be 200 characters or fewer")],
    )
    secret_env = StringField(
        "Environment variable holding the password or API token (optional)",
        widget=GovTextInput(),
        description=(
            "The password or token is never stored in the service: set it as an environment "
            "variable on the app servers and enter its name here. It must start with "
            "SKILLSREG_, for example SKILLSREG_DAV_TOKEN"
        ),
        validators=[Length(max=100, message="Name must be 100 characters or fewer")],
    )
    is_enabled = BooleanField("Turned on: organisers can push to it", widget=GovCheckboxInput())
    submit = SubmitField("Save target", widget=GovSubmitInput())
