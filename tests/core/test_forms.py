"""Every form of the service refuses control characters in text fields, keeping what was typed."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.widgets import HiddenInput, TextArea

import skillsreg
from skillsreg.core.forms import GovForm, remove_control_characters


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _form_classes() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(skillsreg.__path__, "skillsreg."):
        importlib.import_module(module.name)
    forms = [
        form for form in _all_subclasses(FlaskForm) if form.__module__.startswith("skillsreg.")
    ]
    return sorted(forms, key=lambda form: f"{form.__module__}.{form.__qualname__}")


FORMS = _form_classes()


def _text_fields(app, form_class):
    with app.test_request_context():
        form = form_class(formdata=None, meta={"csrf": False})
        return [
            (field.name, isinstance(field.widget, TextArea))
            for field in form
            if isinstance(field, StringField) and not isinstance(field.widget, HiddenInput)
        ]


def test_the_walk_finds_the_service_forms():
    names = {form.__name__ for form in FORMS}
    assert {"SignUpForm", "DocumentUploadForm", "SkillCommentForm", "CategoryRatingForm"} <= names
    assert len(FORMS) > 30


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__qualname__)
def test_every_form_shares_the_base_that_checks_text(form_class):
    assert issubclass(form_class, GovForm)


def _posted(form_class, name: str, text: str):
    form = form_class(formdata=MultiDict({name: text}), meta={"csrf": False})
    for field in form:
        if getattr(field, "choices", False) is None:
            field.choices = []  # set by the view from the database
    form.validate()
    return form


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__qualname__)
def test_a_control_character_in_any_text_field_is_removed_with_a_field_error(app, form_class):
    for name, multiline in _text_fields(app, form_class):
        lines = "\r\nline\ttwo" if multiline else ""
        with app.test_request_context(method="POST"):
            clean = _posted(form_class, name, f"Ada Lovelace{lines}")
            sent = _posted(form_class, name, f"Ada\x00 Love\x7flace\x85{lines}")
            # What the form keeps is what it keeps of the same text without the characters.
            assert sent[name].data == clean[name].data, (form_class.__name__, name)
            assert "invisible control characters" in sent[name].errors[0], (form_class, name)
            assert name in sent.errors
            assert not any("control characters" in error for error in clean[name].errors)


def test_control_characters_are_removed_but_a_text_keeps_its_lines_and_tabs():
    assert remove_control_characters("a\x00b\x1bc\x9fd\te\r\nf") == "abcdef"
    assert remove_control_characters("a\x00b\te\r\nf", multiline=True) == "ab\te\r\nf"
