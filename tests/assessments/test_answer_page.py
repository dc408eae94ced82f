"""The answer page's cost: the version's content and rendered fields kept per process."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import render_template_string

from skillsreg.assessments import fragments
from skillsreg.assessments.forms import category_rating_form
from skillsreg.extensions import db as _db
from skillsreg.frameworks import structure
from skillsreg.frameworks.structure import version_structure
from tests.assessments.test_services import import_version, start
from tests.pages import check_page

CONTENT = ("framework_skills", "framework_descriptors", "framework_roles", "framework_levels")


@pytest.fixture
def version(db):
    structure.clear_cache()
    return import_version("1.0.0")


@pytest.fixture
def signed_in(client, login_as, member):
    login_as(member)
    return member


def _statements(client, method, path, **kwargs):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.open(path, method=method, **kwargs)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return response, statements


def test_the_answer_page_reads_no_framework_content_once_it_is_kept(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()
    path = f"/assessments/{assessment.id}/categories/content"
    check_page(client.get(path))

    page, shown = _statements(client, "GET", path)
    saved, saving = _statements(client, "POST", path, data={"level_CONT": "4", "save_later": "y"})

    check_page(page)
    assert saved.status_code == 302
    for statement in [*shown, *saving]:
        assert not any(table in statement for table in CONTENT), statement
    # The person, then the assessment with its ratings, version and framework; saving adds
    # the assessment's and the ratings' updates (the test database's savepoints aside).
    assert [statement.split()[0] for statement in shown] == ["SELECT", "SELECT"]
    written = [s.split()[0] for s in saving if not s.startswith(("SAVEPOINT", "RELEASE"))]
    assert written == ["SELECT", "SELECT", "UPDATE", "UPDATE"]


def _render(call: str, **values):
    return render_template_string(
        '{% from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios %}'
        '{% from "govuk_frontend_jinja/components/textarea/macro.html" import govukTextarea %}'
        + call,
        **values,
    )


@pytest.mark.parametrize("level", [None, "2", "na", "9"])
def test_kept_radios_are_what_the_govuk_macro_renders(app, version, level):
    kept = version_structure(version)
    skill = kept.skill("CONT")
    with app.test_request_context():
        form = category_rating_form([(skill.code, skill.levels)], data={"level_CONT": level})
        field, _ = form.skill_fields("CONT")
        checked = level if level in {"2", "na"} else None
        params = fragments.radios_params(skill, field, kept.level_names, checked=checked)

        assert fragments.skill_radios(kept, skill, field) == _render(
            "{{ govukRadios(params) }}", params=params
        )
        assert fragments.skill_radios(kept, skill, field) == _render(
            "{{ govukRadios(params) }}", params=params
        )


@pytest.mark.parametrize("text", ["", "Ran the <b>style</b> guide & more\nsecond line"])
def test_kept_evidence_boxes_are_what_the_govuk_macro_renders(app, version, text):
    kept = version_structure(version)
    skill = kept.skill("CONT")
    with app.test_request_context():
        form = category_rating_form([(skill.code, skill.levels)], data={"evidence_CONT": text})
        _, field = form.skill_fields("CONT")
        params = fragments.evidence_params(field, value=text)

        rendered = fragments.skill_evidence(kept, field)

        assert rendered == _render("{{ govukTextarea(params) }}", params=params)
        assert "<b>" not in rendered


def test_a_field_with_an_error_is_rendered_with_its_message_and_not_kept(app, version):
    kept = version_structure(version)
    skill = kept.skill("CONT")
    message = "Choose your level in Content strategy, or not applicable to me"
    with app.test_request_context():
        level, evidence = category_rating_form([(skill.code, skill.levels)]).skill_fields("CONT")
        level.errors = [message]
        evidence.errors = ["Evidence must be 5000 characters or fewer"]

        assert message in fragments.skill_radios(kept, skill, level)
        assert "5000 characters" in fragments.skill_evidence(kept, evidence)

        fresh, _ = category_rating_form([(skill.code, skill.levels)]).skill_fields("CONT")
        assert message not in fragments.skill_radios(kept, skill, fresh)
