"""The expression-of-interest journey asks for consent to be listed in the register."""

from __future__ import annotations

from skillsreg.register import queries
from skillsreg.register.rules import ConsentField
from tests.pages import check_page
from tests.workshops.test_views import london, make_workshop  # noqa: F401 - fixtures

ANSWERS = {"experience": "I edit the council website", "manages_web_team": "no"}


def test_the_questions_step_asks_for_consent_with_nothing_ticked(client, login_as, member, london):  # noqa: F811
    login_as(member)
    client.post("/workshops/interest", data={"workshop_ids": [london.id]})
    page = check_page(client.get("/workshops/interest/about-you"))
    boxes = page.select("input[name=consent_fields]")
    assert len(boxes) == len(ConsentField)
    assert not [box for box in boxes if box.has_attr("checked")]


def test_consent_given_while_expressing_interest_is_kept_and_shown(
    client,
    login_as,
    member,
    london,  # noqa: F811
):
    login_as(member)
    client.post("/workshops/interest", data={"workshop_ids": [london.id]})
    response = client.post(
        "/workshops/interest/about-you", data={**ANSWERS, "consent_fields": ["job_title"]}
    )
    assert response.location == "/workshops/interest/check"
    assert queries.consents_of(member) == {ConsentField.JOB_TITLE}
    page = check_page(client.get(response.location))
    assert "Published in the register" in page.get_text()
    assert "Job title" in page.get_text()
    again = check_page(client.get("/workshops/interest/about-you"))
    assert again.select_one("input[name=consent_fields][value=job_title]").has_attr("checked")
