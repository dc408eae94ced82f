"""Real pages given a NUL: a field-level GOV.UK error, and everything typed comes back."""

from __future__ import annotations

from skillsreg.accounts.models import User
from skillsreg.frameworks.models import Comment
from skillsreg.workshops.models import ExpressionOfInterest
from tests.accounts.test_views import SIGN_UP
from tests.assessments.test_services import start
from tests.assessments.test_views import version  # noqa: F401 - fixture
from tests.frameworks.test_views import BASE, consultation, draft, published  # noqa: F401
from tests.pages import check_page, error_messages
from tests.workshops.test_views import london, make_workshop  # noqa: F401 - fixtures

NUL = "\x00"


def _control_error(label: str) -> str:
    return (
        f"{label} contained invisible control characters, which have been removed: "
        "check it and send the form again"
    )


def test_sign_up_with_a_nul_in_the_name_keeps_everything_typed(client, db):
    data = {**SIGN_UP, "name": f"Vicky{NUL} Sargent", "job_title": f"Dir{NUL}ector"}
    page = check_page(client.post("/sign-up", data=data), errors=True)
    assert error_messages(page) == [_control_error("Full name"), _control_error("Job title")]
    assert page.select_one(".govuk-error-summary a")["href"] == "#name"
    assert page.find("input", id="name")["value"] == "Vicky Sargent"
    assert page.find("input", id="job_title")["value"] == "Director"
    assert page.find("input", id="organisation")["value"] == "Socitm"
    assert page.find("input", id="email")["value"] == SIGN_UP["email"]
    assert page.find("input", attrs={"value": "web-manager"}).has_attr("checked")
    assert db.session.query(User).count() == 0


def test_a_comment_with_a_nul_comes_back_without_it(client, db, login_as, member, consultation):  # noqa: F811
    login_as(member)
    typed = f"Add a skill{NUL} for AI\r\nand\taccessibility"
    page = check_page(client.post(f"{BASE}/1.1.0/comments/new", data={"body": typed}), errors=True)
    assert len(error_messages(page)) == 1
    assert "invisible control characters" in error_messages(page)[0]
    # The line break comes back as the LF every text area keeps; the tab stays.
    assert page.select_one("textarea#body").get_text() == "Add a skill for AI\nand\taccessibility"
    assert db.session.query(Comment).count() == 0


def test_an_expression_of_interest_with_a_nul_keeps_the_answers(client, login_as, member, london):  # noqa: F811
    login_as(member)
    client.post("/workshops/interest", data={"workshop_ids": [london.id]})
    data = {
        "experience": f"I edit{NUL} the council website",
        "manages_web_team": "yes",
        "consent_fields": ["job_title"],
    }
    page = check_page(client.post("/workshops/interest/about-you", data=data), errors=True)
    assert "invisible control characters" in error_messages(page)[0]
    assert page.find(id="experience").get("value", page.find(id="experience").get_text()) == (
        "I edit the council website"
    )
    assert page.select_one("input[name=manages_web_team][value=yes]").has_attr("checked")
    assert page.select_one("input[name=consent_fields][value=job_title]").has_attr("checked")
    interest = ExpressionOfInterest.query.one()
    assert (interest.experience, interest.submitted_at) == ("", None)


def test_evidence_with_a_nul_keeps_the_levels_and_text(client, db, login_as, member, version):  # noqa: F811
    login_as(member)
    assessment = start(member, version)
    db.session.commit()
    page = check_page(
        client.post(
            f"/assessments/{assessment.id}/categories/content",
            data={
                "level_CONT": "3",
                "evidence_CONT": f"Style{NUL} guide\x1b for the site",
                "level_EDIT": "2",
                "save_continue": "y",
            },
        ),
        errors=True,
    )
    assert "invisible control characters" in error_messages(page)[0]
    assert page.find("textarea", id="evidence_CONT").get_text() == "Style guide for the site"
    assert page.find("input", id="level_CONT-3").has_attr("checked")
    assert page.find("input", id="level_EDIT-2").has_attr("checked")
    assert assessment.rating_for("CONT").level is None
