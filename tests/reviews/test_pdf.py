"""The PDF profile of a validated assessment names the reviewer and marks validated levels."""

from __future__ import annotations

import io

import pytest
from flask import render_template
from pypdf import PdfReader

from skillsreg.assessments import pdf, queries
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.reviews import services
from tests.assessments.test_services import import_version, submitted
from tests.reviews.helpers import RITA, agree_all, ask


@pytest.fixture
def validated(member, db):
    original = submitted(member, import_version("1.0.0"))
    review, _ = ask(original, member)
    answers = agree_all(original)
    answers["CONT"] = ("4", "Leads content")
    answers["EDIT"] = ("2", "Not yet")
    services.give_review(review, answers=answers, reviewer=RITA, now=utcnow(), link="L")
    result = services.accept_review(review, member=member, accepted=["CONT"], now=utcnow())
    _db.session.commit()
    return result


def _context(assessment):
    return pdf.profile_context(queries.assessment_view(assessment), version_url="https://x/v")


def test_the_context_names_the_reviewer_and_marks_each_validated_level(validated):
    context = _context(validated)

    assert context["validation"]["reviewer_name"] == "Rita Reviewer"
    assert context["validation"]["reviewer_organisation"] == "Example Trust"
    assert context["validation"]["validated"] == len(validated.ratings) - 1
    skills = {s["code"]: s for c in context["categories"] for s in c["skills"]}
    assert (skills["CONT"]["level"], skills["CONT"]["validated"]) == (4, True)
    assert skills["EDIT"]["validated"] is False


def test_a_self_assessment_has_no_validation(validated):
    context = _context(validated.validated_from)

    assert context["validation"] is None
    assert not any(s["validated"] for c in context["categories"] for s in c["skills"])


def test_the_rendered_pdf_says_who_reviewed_it(app, validated):
    with app.test_request_context():
        html = render_template("pdf/profile.html", **_context(validated))
        body = pdf.render_pdf(_context(validated))

    assert "Reviewed by</th><td" in html
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "validated by independent review" in text
    assert "Rita Reviewer, Head of digital, Example Trust" in " ".join(text.split())
    assert "4 Expert (validated)" in " ".join(text.split())
