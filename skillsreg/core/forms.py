"""Form helpers shared by every domain: GOV.UK form pieces and showing a service's refusal."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import (
    DateField,
    Field,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    StringField,
)
from wtforms.fields.core import UnboundField
from wtforms.widgets import HiddenInput, TextArea

from skillsreg.core.errors import DomainError


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year) with a plain-English message for impossible dates."""

    def __init__(self, label: str, *, invalid: str, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) != 3:  # a forged or partial post: the GOV.UK widget sends three parts
            self.raw_data = ["", "", ""]
            if any(part.strip() for part in valuelist):
                raise ValueError(self.invalid)
            return
        if not any(part.strip() for part in valuelist):
            return  # nothing typed: the required check says so
        try:
            super().process_formdata([part.strip() for part in valuelist])
        except ValueError:
            raise ValueError(self.invalid) from None

    def validate(self, form: Form, extra_validators: Any = ()) -> bool:
        if self.process_errors:  # an impossible date needs no "enter a date" as well
            self.errors = list(self.process_errors)
            return False
        return super().validate(form, extra_validators)


class _NumberMessage:
    """A number field that says the form's own message when what was typed is not a number."""

    def __init__(self, label: str = "", *, invalid: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)  # type: ignore[call-arg]
        self.invalid = invalid

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and valuelist[0].strip():
            valuelist = [valuelist[0].strip().replace(",", "")]
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError:
            raise ValueError(self.invalid) from None


class WholeNumberField(_NumberMessage, IntegerField):
    """A whole number, like 12 or 1,000."""


class NumberField(_NumberMessage, FloatField):
    """A number that may have a decimal part, like 2.5."""


def _leaves(fields: Iterable[Field]) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FieldList):
            yield from _leaves(field.entries)
        elif isinstance(field, FormField):
            yield from _leaves(field.form)
        else:
            yield field


def _is_hidden(field: Field) -> bool:
    return isinstance(field.widget, HiddenInput) or field.type == "CSRFTokenField"


def _is_input(field: Field) -> bool:
    return not _is_hidden(field) and field.type != "SubmitField"


def _anchor(field: Field) -> str:
    return f"{field.name}-day" if isinstance(field.widget, GovDateInput) else field.id


# C0 and C1 control characters (and DEL): a NUL cannot be stored in PostgreSQL, and none of
# them can be seen or typed. A multi-line box keeps its tabs and line breaks.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_CHARACTERS_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def remove_control_characters(text: str, *, multiline: bool = False) -> str:
    """The text without control characters; a multi-line text keeps tab, CR and LF."""
    pattern = _CONTROL_CHARACTERS_IN_TEXT if multiline else _CONTROL_CHARACTERS
    return pattern.sub("", text)


def _is_text(field: Field) -> bool:
    return isinstance(field, StringField) and not _is_hidden(field)


def control_characters_message(field: Field) -> str:
    """The error for a text field that was sent invisible control characters."""
    label = field.label.text if field.label and field.label.text else "This answer"
    return (
        f"{label} contained invisible control characters, which have been removed: "
        "check it and send the form again"
    )


def normalise_line_endings(value: Any) -> Any:
    """Browsers send a text area's line breaks as CRLF: keep every text with LF only."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class _PlainEnglish:
    """WTForms' own words for a choice that was not offered (only a forged post can make one),
    said the GOV.UK way. Every other message is the form's own."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "Not a valid choice.": "Select one of the options shown",
        "Invalid Choice: could not coerce.": "Select one of the options shown",
        "Invalid choice(s): one or more data inputs could not be coerced.": (
            "Select only the options shown"
        ),
        "'%(value)s' is not a valid choice for this field.": "Select only the options shown",
        "'%(value)s' are not valid choices for this field.": "Select only the options shown",
    }

    def gettext(self, text: str) -> str:
        return self.MESSAGES.get(text, text)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.gettext(singular if count == 1 else plural)


class GovForm(FlaskForm):
    """A form whose errors all reach the GOV.UK error summary, nested ones included.

    Control characters sent in any text field (a NUL, say) are removed from what is shown
    again, and the field gets an error, so nothing else the person typed is lost.
    """

    class Meta(FlaskForm.Meta):
        def bind_field(
            self, form: Any, unbound_field: UnboundField, options: dict[str, Any]
        ) -> Any:
            """Every text field of every form gets the shared filters, after its own."""
            if issubclass(unbound_field.field_class, StringField):
                own = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": [*own, normalise_line_endings]}
            return super().bind_field(form, unbound_field, options)

        def get_translations(self, form: Any) -> _PlainEnglish:
            return _PlainEnglish()

    # Whether its page lists form-wide errors (through `error_list`); base.html's summary
    # (govuk-frontend-wtf's `wtforms_errors`) cannot link them, so there they go on a field.
    lists_form_errors: ClassVar[bool] = False

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        super().process(formdata, obj, data, **kwargs)
        self._had_control_characters: list[Field] = []
        for field in _leaves(self):
            # Only what was sent is checked: raw_data is empty for values from the database.
            if not (_is_text(field) and field.raw_data and isinstance(field.data, str)):
                continue
            cleaned = remove_control_characters(
                field.data, multiline=isinstance(field.widget, TextArea)
            )
            if cleaned != field.data:
                field.data = cleaned
                self._had_control_characters.append(field)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in getattr(self, "_had_control_characters", []):
            field.errors = [control_characters_message(field), *field.errors]
            valid = False
        self._errors = None
        return valid

    @property
    def errors(self) -> dict[str | None, list[str]]:  # type: ignore[override]
        found: dict[str | None, list[str]] = {
            field.name: list(field.errors) for field in _leaves(self) if field.errors
        }
        if self.form_errors:
            found[None] = list(self.form_errors)
        return found

    def add_summary_error(self, message: str) -> None:
        """An error about the form as a whole rather than one of its fields."""
        self.form_errors.append(message)

    def error_list(self) -> list[dict[str, str]]:
        """Every error, in page order, for the summary; each links to the field it is about."""
        inputs = [field for field in _leaves(self) if _is_input(field)]
        first = {"href": f"#{_anchor(inputs[0])}"} if inputs else {}
        items = [{"text": message, **first} for message in self.form_errors]
        for field in _leaves(self):
            link = {"href": f"#{_anchor(field)}"} if _is_input(field) else first
            items.extend({"text": message, **link} for message in field.errors)
        return items


def add_domain_error(form: FlaskForm, error: DomainError, *, field: str | None = None) -> None:
    """Show a service's refusal against the field it concerns, or else about the whole form."""
    name = field or error.field
    target = getattr(form, name, None) if name else None
    if not isinstance(target, Field):
        if isinstance(form, GovForm) and form.lists_form_errors:
            form.add_summary_error(error.message)
            return
        # The summary links to a field the person can see, never a hidden one like the CSRF token.
        target = next((f for f in form if not _is_hidden(f)), None) or next(iter(form))
    target.errors = [*target.errors, error.message]
    form._errors = None  # WTForms caches form.errors; recompute with the new message
