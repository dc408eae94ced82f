"""Every form speaks GOV.UK English: no field can show one of WTForms' own default messages."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import Optional

import skillsreg
from skillsreg.core.forms import GovForm, normalise_line_endings
from skillsreg.workshops.forms import rank_form_class

# Fields whose parsing raises a fixed English message ("Not a valid integer value.").
PARSING_FIELDS = (IntegerField, FloatField, DecimalField, DateField, DateTimeField)
CHOICE_FIELDS = (SelectField, RadioField, SelectMultipleField)


def form_classes() -> Iterator[type[FlaskForm]]:
    """Every form class the service defines, including those built by a function."""
    for module in pkgutil.walk_packages(skillsreg.__path__, "skillsreg."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)
    seen: set[type] = set()
    stack: list[type] = [FlaskForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen and sub.__module__.startswith("skillsreg."):
                seen.add(sub)
                yield sub
            stack.append(sub)
    yield rank_form_class([(1, "A workshop"), (2, "Another")])


def unbound_fields(form: type[FlaskForm]) -> Iterator[tuple[str, UnboundField]]:
    for klass in reversed(form.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField):
                yield name, value


def problems_of(form: type[FlaskForm]) -> Iterator[str]:
    for name, field in unbound_fields(form):
        where = f"{form.__module__}.{form.__qualname__}.{name}"
        for validator in field.kwargs.get("validators") or []:
            if isinstance(validator, Optional):
                continue  # it stops the checks; it never says anything
            if getattr(validator, "message", "") is None:
                yield f"{where}: {type(validator).__name__} has WTForms' default message"
        if field.field_class in PARSING_FIELDS:
            yield f"{where}: {field.field_class.__name__} says WTForms' 'Not a valid ...' message"
        checked = field.kwargs.get("validate_choice", True)
        is_choice = issubclass(field.field_class, CHOICE_FIELDS)
        if is_choice and checked and not issubclass(form, GovForm):
            yield f"{where}: a checked choice outside GovForm says 'Not a valid choice.'"


@pytest.mark.parametrize("form", list(form_classes()), ids=lambda form: form.__qualname__)
def test_no_field_can_show_a_library_default_message(form: type[FlaskForm]) -> None:
    assert list(problems_of(form)) == []


def test_the_walk_finds_the_forms_and_their_fields() -> None:
    forms = list(form_classes())
    assert len(forms) > 30
    assert sum(1 for form in forms for _ in unbound_fields(form)) > 100


def test_a_default_message_is_caught() -> None:
    from wtforms.validators import InputRequired

    class Careless(GovForm):
        years = IntegerField("Years", validators=[InputRequired()])

    assert len(list(problems_of(Careless))) == 2


def test_choices_a_person_cannot_forge_are_explained_in_plain_english(app) -> None:
    with app.test_request_context(method="POST", data={"pick": "forged"}):

        class Choose(GovForm):
            pick = RadioField("Pick", choices=[("a", "A")])

        form = Choose(meta={"csrf": False})
        assert not form.validate()
        assert form.pick.errors == ["Select one of the options shown"]


def test_text_is_kept_with_unix_line_endings(app) -> None:
    with app.test_request_context(method="POST", data={"text": "one\r\n\r\ntwo\rthree"}):

        class Write(GovForm):
            text = TextAreaField("Text")

        assert Write(meta={"csrf": False}).text.data == "one\n\ntwo\nthree"
    assert normalise_line_endings(None) is None
