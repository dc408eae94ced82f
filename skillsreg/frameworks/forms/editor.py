"""Forms of the organisers' framework editor, and how their answers become document parts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError
from wtforms.widgets import HiddenInput

from skillsreg.core.forms import GovDateField, GovForm, WholeNumberField
from skillsreg.frameworks.validation import DocumentError

if TYPE_CHECKING:
    from skillsreg.frameworks.models import RoleLevel, ScaleLevel, Skill

Doc = dict[str, Any]

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SKILL_CODE = r"^[A-Z][A-Z0-9]{1,7}$"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
RELATION_TYPES = {
    "unchanged": "Unchanged: the same skill, word for word",
    "reworded": "Reworded: the same meaning in better words",
    "changed": "Changed: the meaning or the levels changed",
    "split": "Split: one parent skill became several, and this is one of them",
    "merged": "Merged: several parent skills became this one",
    "new": "New: it does not come from any parent skill",
}


def clean_text(value: Any) -> Any:
    """Trim what was typed, with plain newlines: browsers send text areas with CRLF."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _text(
    label: str, *, required: str | None = None, max_length: int, area: bool = False, **kwargs: Any
) -> Any:
    validators: list[Any] = [DataRequired(message=required)] if required else []
    validators.append(
        Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    )
    field_class = TextAreaField if area else StringField
    widget = GovTextArea() if area else GovTextInput()
    filters = [clean_text, *kwargs.pop("filters", [])]
    return field_class(
        label, widget=widget, validators=validators, filters=filters, default="", **kwargs
    )


def _code(label: str, *, pattern: str, hint: str, required: str, **kwargs: Any) -> Any:
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[
            DataRequired(message=required),
            Regexp(pattern, message=f"{label} must be {hint[0].lower()}{hint[1:]}"),
        ],
        **kwargs,
    )


def _submit(label: str) -> Any:
    return SubmitField(label, widget=GovSubmitInput())


class ChoiceField(RadioField):
    """Radios whose required-check speaks when nothing is chosen, not "Not a valid choice"."""

    def process_formdata(self, valuelist: list[str]) -> None:
        # A submitted form without the radios' name means none was chosen: forget the default.
        if not valuelist:
            self.data = None
        super().process_formdata(valuelist)

    def pre_validate(self, form: Form) -> None:
        if self.data not in (None, ""):
            super().pre_validate(form)


class LevelChoiceField(SelectField):
    """A select of levels that says so in plain English when a level not offered is sent."""

    def pre_validate(self, form: Form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError("Choose one of the levels offered for this skill") from None


class EditorForm(GovForm):
    """A form that changes a draft, carrying the lock version the draft had when it was shown."""

    lists_form_errors = True

    lock_version = WholeNumberField(
        invalid="Reload the page and make your change again",
        widget=HiddenInput(),
        validators=[InputRequired(message="Reload the page and make your change again")],
    )

    def keep_lock(self, lock: int) -> None:
        """Let the person save what they typed over someone else's change, once told about it."""
        self.lock_version.data = lock
        self.lock_version.raw_data = [str(lock)]


def show_document_errors(
    form: GovForm, errors: Iterable[DocumentError], fields: Mapping[str, Field] | None = None
) -> None:
    """Show each error against the field its path points at, or else in the summary."""
    for error in errors:
        field = field_for_path(error.path, fields or {})
        if field is None:
            form.add_summary_error(str(error))
        else:
            field.errors = [*field.errors, error.message]


def field_for_path(path: str, fields: Mapping[str, Field]) -> Field | None:
    """The field whose document path is `path` or the nearest enclosing part of it."""
    matches = [key for key in fields if path == key or path.startswith((f"{key}.", f"{key}["))]
    return fields[max(matches, key=len)] if matches else None


def paths(prefix: str, form: Form, *names: str) -> dict[str, Field]:
    """Map document paths under `prefix` to the form fields of the same name."""
    return {f"{prefix}.{name}": form[name] for name in names}


class ConfirmForm(GovForm):
    """A confirmation: only the button (and the CSRF token)."""

    lists_form_errors = True

    submit = _submit("Continue")


class LockedConfirmForm(EditorForm):
    """A confirmation of a change to a draft."""

    submit = _submit("Continue")


class ReleaseNotesForm(EditorForm):
    release_notes = _text(
        "Release notes",
        max_length=20000,
        area=True,
        description="What is in this version and what changed since the version it was "
        "drafted from, in plain English",
    )
    submit = _submit("Save release notes")


def _level_name() -> Any:
    return _text("Name", required="Enter a name for the level", max_length=60)


def _level_description() -> Any:
    return _text(
        "Description",
        max_length=2000,
        area=True,
        description="What anyone at this level does, whatever the skill",
    )


class LevelEntryForm(Form):
    name = _level_name()
    description = _level_description()


class LevelsForm(EditorForm):
    levels = FieldList(FormField(LevelEntryForm))
    submit = _submit("Save level scale")

    def parts(self) -> list[Doc]:
        return [
            {"name": entry.form.name.data, "description": entry.form.description.data}
            for entry in self.levels
        ]

    def error_fields(self) -> dict[str, Field]:
        fields: dict[str, Field] = {}
        for index, entry in enumerate(self.levels):
            fields.update(paths(f"levels[{index}]", entry.form, "name", "description"))
        return fields


class LevelAddForm(EditorForm):
    name = _level_name()
    description = _level_description()
    submit = _submit("Add level")


def _category_name() -> Any:
    return _text("Name", required="Enter the category's name", max_length=100)


def _category_description() -> Any:
    return _text(
        "Description", max_length=2000, area=True, description="What its skills have in common"
    )


class CategoryEditForm(EditorForm):
    name = _category_name()
    description = _category_description()
    submit = _submit("Save category")

    def part(self) -> Doc:
        return {"name": self.name.data, "description": self.description.data}


class CategoryAddForm(CategoryEditForm):
    code = _code(
        "Code",
        pattern=SLUG,
        hint="Lower-case letters and digits, separated by single hyphens, like content-design",
        required="Enter a code for the category",
        filters=[clean_text, lower],
    )
    name = _category_name()
    description = _category_description()
    submit = _submit("Add category")

    def part(self) -> Doc:
        return {"code": self.code.data, **super().part()}


def _skill_name() -> Any:
    return _text("Name", required="Enter the skill's name", max_length=100)


def _skill_category() -> Any:
    return ChoiceField(
        "Category",
        widget=GovRadioInput(),
        validators=[DataRequired(message="Choose the category the skill belongs to")],
    )


def _skill_description() -> Any:
    return _text(
        "Description",
        required="Describe the skill",
        max_length=2000,
        area=True,
        description="What the skill is, in a sentence or two of plain English",
    )


def _skill_guidance() -> Any:
    return _text(
        "Guidance",
        max_length=5000,
        area=True,
        description="Optional. What counts as evidence, and what the skill does not cover",
    )


def _descriptors() -> Any:
    return FieldList(
        _text("Descriptor", max_length=2000, area=True), label="What someone does at each level"
    )


class SkillEditForm(EditorForm):
    """A skill's text and a descriptor per level of the scale (empty: not applicable)."""

    name = _skill_name()
    category = _skill_category()
    description = _skill_description()
    guidance = _skill_guidance()
    descriptors = _descriptors()
    submit = _submit("Save skill")

    def prepare(self, levels: Sequence[ScaleLevel], categories: Iterable[Any]) -> None:
        """Offer this version's categories and a descriptor box for each level."""
        self.category.choices = [(c.code, c.name) for c in categories]
        while len(self.descriptors) < len(levels):
            self.descriptors.append_entry()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.descriptors.entries and not any(self.descriptors.data):
            self.descriptors.entries[0].errors = ["Describe the skill at one level at least"]
            return False
        return valid

    def part(self, levels: Sequence[ScaleLevel]) -> Doc:
        return {
            "name": self.name.data,
            "category": self.category.data,
            "description": self.description.data,
            "guidance": self.guidance.data,
            "descriptors": [
                {"level": level.number, "text": text}
                for level, text in zip(levels, self.descriptors.data, strict=False)
                if text
            ],
        }

    def error_fields(self, prefix: str, levels: Sequence[ScaleLevel]) -> dict[str, Field]:
        fields = paths(prefix, self, "name", "category", "description", "guidance")
        if self.descriptors.entries:
            fields[f"{prefix}.descriptors"] = self.descriptors.entries[0]
        texts = zip(levels, self.descriptors.entries, strict=False)
        filled = [entry for _, entry in texts if entry.data]
        for index, entry in enumerate(filled):
            fields[f"{prefix}.descriptors[{index}]"] = entry
        return fields


class SkillAddForm(SkillEditForm):
    code = _code(
        "Code",
        pattern=SKILL_CODE,
        hint="2 to 8 capital letters or digits, starting with a letter, like CONT",
        required="Enter a code for the skill",
        filters=[clean_text, upper],
    )
    name = _skill_name()
    category = _skill_category()
    description = _skill_description()
    guidance = _skill_guidance()
    descriptors = _descriptors()
    submit = _submit("Add skill")

    def part(self, levels: Sequence[ScaleLevel]) -> Doc:
        return {"code": self.code.data, **super().part(levels)}

    def error_fields(self, prefix: str, levels: Sequence[ScaleLevel]) -> dict[str, Field]:
        return {**super().error_fields(prefix, levels), **paths(prefix, self, "code")}


def skill_values(skill: Skill, levels: Sequence[ScaleLevel]) -> Doc:
    """What the skill form shows for a stored skill."""
    return {
        "name": skill.name,
        "category": skill.category_code,
        "description": skill.description,
        "guidance": skill.guidance,
        "descriptors": [skill.descriptor_at(level.number) or "" for level in levels],
    }


def _role_name(what: str) -> Any:
    return _text("Name", required=f"Enter the {what}'s name", max_length=100)


def _role_description(hint: str) -> Any:
    return _text("Description", max_length=2000, area=True, description=hint)


ROLE_HINT = "What people in this role do"
STEP_HINT = "What someone at this step does"


class RoleEditForm(EditorForm):
    name = _role_name("role")
    description = _role_description(ROLE_HINT)
    submit = _submit("Save role")

    def part(self) -> Doc:
        return {"name": self.name.data, "description": self.description.data}


def _role_code(what: str, example: str) -> Any:
    return _code(
        "Code",
        pattern=SLUG,
        hint=f"Lower-case letters and digits, separated by single hyphens, like {example}",
        required=f"Enter a code for the {what}",
        filters=[clean_text, lower],
    )


class RoleAddForm(RoleEditForm):
    """A new role with its first role level: a role always has at least one."""

    code = _role_code("role", "web-manager")
    name = _role_name("role")
    description = _role_description(ROLE_HINT)
    level_code = _role_code("first role level", "junior")
    level_name = _text(
        "Job title",
        required="Enter the first role level's job title",
        max_length=100,
        description="For example, Junior web manager",
    )
    submit = _submit("Add role")

    def part(self) -> Doc:
        first = {
            "code": self.level_code.data,
            "name": self.level_name.data,
            "description": "",
            "profile": {},
        }
        return {"code": self.code.data, **super().part(), "levels": [first]}

    def error_fields(self, prefix: str) -> dict[str, Field]:
        fields = paths(prefix, self, "code", "name", "description")
        fields[f"{prefix}.levels[0].code"] = self.level_code
        fields[f"{prefix}.levels[0].name"] = self.level_name
        return fields


class RoleLevelEditForm(EditorForm):
    name = _text("Job title", required="Enter the role level's job title", max_length=100)
    description = _role_description(STEP_HINT)
    submit = _submit("Save role level")

    def part(self) -> Doc:
        return {"name": self.name.data, "description": self.description.data}


class RoleLevelAddForm(RoleLevelEditForm):
    code = _role_code("role level", "senior")
    name = _text("Job title", required="Enter the role level's job title", max_length=100)
    description = _role_description(STEP_HINT)
    submit = _submit("Add role level")

    def part(self) -> Doc:
        return {"code": self.code.data, **super().part(), "profile": {}}


class ProfileForm(EditorForm):
    """The level a role level expects in each skill; the fields are made per version."""

    submit = _submit("Save profile")

    @classmethod
    def for_skills(cls, skills: Sequence[Skill], levels: Sequence[ScaleLevel]) -> type[ProfileForm]:
        """A form class with a select per skill: not expected, or a level it describes."""
        names = {level.number: level.name for level in levels}
        fields = {
            f"skill_{skill.code}": LevelChoiceField(
                f"{skill.code} {skill.name}",
                widget=GovSelect(),
                choices=[
                    ("", "Not expected"),
                    *[(str(n), f"Level {n}: {names.get(n, '')}") for n in skill.levels],
                ],
                default="",
            )
            for skill in skills
        }
        return type("VersionProfileForm", (cls,), fields)

    @staticmethod
    def values(step: RoleLevel) -> dict[str, str]:
        return {f"skill_{code}": str(level) for code, level in step.expected.items()}

    def profile(self, skills: Sequence[Skill]) -> dict[str, int]:
        chosen = ((skill.code, self[f"skill_{skill.code}"].data) for skill in skills)
        return {code: int(level) for code, level in chosen if level}

    def error_fields(self, prefix: str, skills: Sequence[Skill]) -> dict[str, Field]:
        return {f"{prefix}.{s.code}": self[f"skill_{s.code}"] for s in skills}


class RelationForm(EditorForm):
    relation_type = ChoiceField(
        "How does this skill come from the parent version?",
        widget=GovRadioInput(),
        choices=list(RELATION_TYPES.items()),
        validators=[DataRequired(message="Choose how the skill comes from the parent version")],
    )
    from_codes = SelectMultipleField(
        "Which skills of the parent version does it come from?",
        widget=GovCheckboxesInput(),
        description="Choose one for unchanged, reworded, changed and split; two or more for "
        "merged; none for new",
    )
    submit = _submit("Save relation")

    def relation(self) -> Doc:
        return {"type": self.relation_type.data, "from": list(self.from_codes.data or [])}

    def error_fields(self, prefix: str) -> dict[str, Field]:
        return {
            f"{prefix}.relation.type": self.relation_type,
            f"{prefix}.relation.from": self.from_codes,
            f"{prefix}.relation": self.relation_type,
        }


class RetiredNoteForm(EditorForm):
    note = _text(
        "Note",
        max_length=2000,
        area=True,
        description="Why the skill was retired and where its content went. People whose "
        "self-assessments rated it will see this",
    )
    submit = _submit("Save note")


class ConsultationForm(EditorForm):
    closes_on = GovDateField(
        "When does the consultation close?",
        invalid="The closing date must be a real date",
        description="Members can comment until the end of this day. For example, 27 11 2026",
        validators=[InputRequired(message="Enter the date the consultation closes")],
    )
    submit = _submit("Open for consultation")


class ImportForm(GovForm):
    lists_form_errors = True
    file = FileField(
        "Upload a framework file",
        description="A YAML (.yaml or .yml) or JSON (.json) file in framework format 1, "
        "UTF-8 text, smaller than 2 MB",
        widget=GovFileInput(),
        validators=[
            FileRequired(message="Choose a framework file to upload"),
            FileAllowed(
                ["yaml", "yml", "json"],
                message="The file must be YAML (.yaml or .yml) or JSON (.json)",
            ),
            FileSize(max_size=MAX_UPLOAD_BYTES, message="The file must be smaller than 2 MB"),
        ],
    )
    submit = _submit("Import")
