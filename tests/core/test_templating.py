"""The Jinja environment: template globals kept quick to compare, with Jinja's own meaning, and
layout macros kept per process for the same parameters."""

from __future__ import annotations

from flask import template_rendered
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovTextArea
from jinja2 import DictLoader
from markupsafe import Markup
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired

from skillsreg.core import templating
from skillsreg.core.templating import Environment, TemplateGlobals, kept_macro

TEMPLATES = {
    "macros.html": "{% macro greet() %}{{ greeting }}, {{ name }}{% endmacro %}",
    "page.html": '{% from "macros.html" import greet %}{{ greet() }}',
    "plain.html": "{{ greeting }}, {{ name }}",
}


def test_the_app_renders_with_the_quick_globals(app):
    assert isinstance(app.jinja_env, Environment)
    assert isinstance(app.jinja_env.get_template("base.html").globals, TemplateGlobals)


def test_an_imported_macro_sees_the_importing_templates_globals_and_later_changes(app):
    env = Environment(app, loader=DictLoader(TEMPLATES))
    env.globals["name"] = "Ada"
    page = env.get_template("page.html", globals={"greeting": "Hello"})

    env.globals["name"] = "Grace"

    assert page.render() == "Hello, Grace"
    assert {"greeting", "name"} <= page.globals.keys()
    assert "greeting" not in env.globals
    assert env.get_template("macros.html").module.greet() == ", Grace"


def test_a_templates_own_globals_come_before_the_environments(app):
    env = Environment(app, loader=DictLoader(TEMPLATES))
    env.globals.update(greeting="Hi", name="Ada")

    page = env.get_template("plain.html", globals={"name": "Grace"})

    assert page.render() == "Hi, Grace"
    assert env.globals["name"] == "Ada"


def _show(app):
    env = Environment(app, loader=DictLoader({"show.html": SHOW}), autoescape=True)
    return env.get_template("show.html").module.show


SHOW = "{% macro show(params) %}<p>{{ params.text }}{{ params.n }}</p>{% endmacro %}"


def test_a_kept_macro_is_made_once_for_the_same_parameters(app):
    show = _show(app)

    first = kept_macro(show, {"text": "Ada", "n": 1})

    assert first == Markup("<p>Ada1</p>")
    assert kept_macro(show, {"n": 1, "text": "Ada"}) is first
    assert kept_macro(show, {"text": "Grace", "n": 1}) == Markup("<p>Grace1</p>")


def test_a_kept_macro_tells_text_from_markup_and_renders_what_it_cannot_key(app):
    show = _show(app)

    assert kept_macro(show, {"text": "<b>"}) == Markup("<p>&lt;b&gt;</p>")
    assert kept_macro(show, {"text": Markup("<b>")}) == Markup("<p><b></p>")
    assert kept_macro(show, {"text": "x", "n": 1.5}) == Markup("<p>x1.5</p>")


def test_each_person_sees_their_own_name_in_the_kept_navigation(client, login_as, create_user):
    for name in ("Ada Lovelace", "Grace Hopper"):
        login_as(create_user(name=name))

        page = client.get("/home").get_data(as_text=True)

        assert f"({name})" in page
        assert page.count("Your account") == 1


class ChoiceForm(FlaskForm):
    colours = SelectMultipleField(
        "Colours",
        choices=[("red", "Red"), ("blue", "Blue")],
        widget=GovCheckboxesInput(),
        validators=[DataRequired("Select a colour")],
    )
    note = TextAreaField("Note", widget=GovTextArea())


def _rendered(app, action):
    """What `action` returns, and the templates Flask rendered meanwhile."""
    seen = []

    def record(_sender, template, **_extra):
        seen.append(template.name)

    template_rendered.connect(record, app)
    try:
        return action(), seen
    finally:
        template_rendered.disconnect(record, app)


def test_a_choice_field_is_rendered_once_for_the_same_choices_ticks_and_error(app):
    templating._kept.clear()  # as in a new process
    with app.test_request_context():
        ticked = ChoiceForm(meta={"csrf": False}, data={"colours": ["blue"]})
        first, seen = _rendered(app, ticked.colours)
        again, seen_again = _rendered(
            app, ChoiceForm(meta={"csrf": False}, data={"colours": ["blue"]}).colours
        )
        other, _ = _rendered(app, ChoiceForm(meta={"csrf": False}, data={"colours": []}).colours)
        wrong = ChoiceForm(meta={"csrf": False}, data={"colours": []})
        wrong.validate()
        refused, _ = _rendered(app, wrong.colours)
    assert seen == ["govuk_frontend_wtf/checkboxes.html"]
    assert seen_again == []  # kept
    assert again is first
    assert 'value="blue" checked' in first
    assert "checked" not in other
    assert "Select a colour" in refused
    assert "Select a colour" not in other


def test_text_a_person_typed_is_never_kept(app):
    with app.test_request_context():
        for _ in range(2):
            form = ChoiceForm(meta={"csrf": False}, data={"note": "my private note"})
            html, seen = _rendered(app, form.note)
            assert seen == ["govuk_frontend_wtf/textarea.html"]
            assert "my private note" in html
