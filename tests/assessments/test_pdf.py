"""The PDF skills profile: its context, rendering, cache and who may download it."""

from __future__ import annotations

import re
import zlib

import pytest
from flask import render_template
from markupsafe import escape

from skillsreg.assessments import pdf, queries
from skillsreg.extensions import db as _db
from tests.assessments.test_services import import_version, submitted


@pytest.fixture
def version(db):
    return import_version("1.0.0")


@pytest.fixture
def assessment(member, version):
    result = submitted(member, version)
    _db.session.commit()
    return result


def test_the_context_holds_plain_values_for_every_rated_skill(assessment):
    view = queries.assessment_view(assessment)

    context = pdf.profile_context(view, version_url="https://x/frameworks/wp/1.0.0")

    assert context["name"] == assessment.user.name
    assert context["role"] == "Web manager"
    assert context["role_level"] == "Assistant web manager"
    assert context["version_number"] == "1.0.0"
    assert context["version_url"] == "https://x/frameworks/wp/1.0.0"
    skills = [skill for category in context["categories"] for skill in category["skills"]]
    assert len(skills) == 9
    cont = skills[0]
    assert (cont["code"], cont["level"], cont["level_name"]) == ("CONT", 3, "Practitioner")
    assert cont["descriptor"]
    assert cont["evidence"] == "Evidence for CONT"
    assert (cont["status"], cont["status_label"]) == ("meets", "Meets")
    assert context["total"]["above"] == 3
    expected = [skill["code"] for skill in skills if skill["expected"]]
    assert len(expected) == context["total"]["expected"]


def test_the_chart_scales_each_category_to_the_widest_and_splits_met_from_short(app, assessment):
    view = queries.assessment_view(assessment)
    context = pdf.profile_context(view, version_url="https://x/frameworks/wp/1.0.0")

    charted = [category for category in context["categories"] if category["counts"]["expected"]]
    widths = [category["chart"]["met"] + category["chart"]["short"] for category in charted]
    assert max(widths) == pytest.approx(pdf.CHART_WIDTH_MM)
    for category, width in zip(charted, widths, strict=True):
        counts = category["counts"]
        met = counts["meets"] + counts["above"]
        assert width == pytest.approx(
            pdf.CHART_WIDTH_MM * counts["expected"] / max(c["counts"]["expected"] for c in charted),
            abs=0.1,
        )
        assert (category["chart"]["met"] > 0) == (met > 0)
        assert (category["chart"]["short"] > 0) == (met < counts["expected"])


def test_the_template_shows_every_skill_with_its_level_descriptor_and_evidence(app, assessment):
    view = queries.assessment_view(assessment)
    context = pdf.profile_context(view, version_url="https://x/frameworks/wp/1.0.0")

    with app.test_request_context():
        html = render_template("pdf/profile.html", **context)

    assert '<html lang="en-GB">' in html
    assert f"<title>{context['title']}</title>" in html
    assert 'href="https://x/frameworks/wp/1.0.0"' in html
    skills = [skill for category in context["categories"] for skill in category["skills"]]
    for skill in skills:
        assert f"{skill['name']} ({skill['code']})" in html
        assert f"Evidence: {skill['evidence']}" in html
    cont = skills[0]
    assert "3 Practitioner" in html
    assert escape(cont["descriptor"]) in html
    assert "Meets: expects 3 Practitioner" in html
    charted = [category for category in context["categories"] if category["counts"]["expected"]]
    bars = html.count('class="bar met"') + html.count('class="bar short"')
    assert bars == sum(
        bool(category["chart"]["met"]) + bool(category["chart"]["short"]) for category in charted
    )
    assert bars >= len(charted)


def pdf_text(body: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for structure and metadata."""
    parts = [body]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_profile_renders_a_tagged_pdf_with_its_metadata(app, assessment):
    view = queries.assessment_view(assessment)
    with app.test_request_context():
        body = pdf.render_pdf(pdf.profile_context(view, version_url="https://x/v"))

    text = pdf_text(body)
    assert body.startswith(b"%PDF")
    assert b"/StructTreeRoot" in text
    assert b"(en-GB)" in text
    assert b"pdfuaid" in text


def test_the_owner_downloads_the_pdf_and_the_next_download_comes_from_the_cache(
    client, login_as, member, assessment, monkeypatch
):
    login_as(member)

    first = client.get(f"/assessments/{assessment.id}/profile.pdf")
    monkeypatch.setattr(pdf, "render_pdf", lambda context: pytest.fail("rendered again"))
    again = client.get(f"/assessments/{assessment.id}/profile.pdf")

    assert first.status_code == again.status_code == 200
    assert first.mimetype == "application/pdf"
    assert "attachment" in first.headers["Content-Disposition"]
    assert again.data == first.data
    first.close()
    again.close()


def test_renaming_the_owner_renders_the_pdf_again(client, login_as, member, assessment):
    login_as(member)
    client.get(f"/assessments/{assessment.id}/profile.pdf").close()
    key = assessment.pdf_key

    member.name = "Renamed Person"
    _db.session.commit()
    client.get(f"/assessments/{assessment.id}/profile.pdf").close()

    assert assessment.pdf_key != key


def test_neither_another_member_nor_an_administrator_may_download_an_unshared_profile(
    client, login_as, administrator, create_user, assessment
):
    login_as(create_user())
    refused = client.get(f"/assessments/{assessment.id}/profile.pdf")
    login_as(administrator)
    also_refused = client.get(f"/assessments/{assessment.id}/profile.pdf")

    assert refused.status_code == 404
    assert also_refused.status_code == 404
    refused.close()
    also_refused.close()


def test_the_garbage_collector_is_paused_only_while_rendering():
    import gc

    assert gc.isenabled()
    with pdf.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with pdf.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
