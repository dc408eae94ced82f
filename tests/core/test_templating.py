"""The Jinja environment: template globals kept quick to compare, with Jinja's own meaning, and
layout macros kept per process for the same parameters."""

from __future__ import annotations

from jinja2 import DictLoader
from markupsafe import Markup

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
