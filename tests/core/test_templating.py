"""The Jinja environment: template globals kept quick to compare, with Jinja's own meaning."""

from __future__ import annotations

from jinja2 import DictLoader

from skillsreg.core.templating import Environment, TemplateGlobals

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
