"""The workshop journey without stumbles: the chosen workshop carried over, follow-up questions
revealed, paragraphs kept, plain messages, and a warned and announced change of closing date."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from skillsreg.workshops import services
from skillsreg.workshops.models import ExpressionOfInterest
from tests.pages import check_page, error_messages
from tests.workshops.test_views import TODAY, WORKSHOP_FORM, make_workshop, parts

__all__ = ["make_workshop"]  # the fixture, shared with the workshop page tests


def test_express_interest_on_a_workshop_page_starts_with_it_chosen(
    client, login_as, member, make_workshop
):
    london = make_workshop()
    other = make_workshop(title="Breakfast event", days=8)
    login_as(member)
    page = check_page(client.get(f"/workshops/{london.slug}"))
    button = page.find("a", string=lambda text: text and "Express interest" in text)
    assert button["href"] == f"/workshops/interest?workshop={london.slug}"

    page = check_page(client.get(button["href"]))

    assert page.find("input", attrs={"value": str(london.id)}).has_attr("checked")
    assert not page.find("input", attrs={"value": str(other.id)}).has_attr("checked")


def test_signing_in_from_a_workshop_page_comes_back_with_it_chosen(client, make_workshop):
    london = make_workshop()
    page = check_page(client.get(f"/workshops/{london.slug}"))
    link = page.find("a", string="Sign in to express interest")
    (next_url,) = parse_qs(urlsplit(link["href"]).query)["next"]
    assert next_url == f"/workshops/interest?workshop={london.slug}"


def start_application(client, workshop) -> None:
    client.post("/workshops/interest", data={"workshop_ids": [workshop.id]})


def test_years_are_asked_only_after_yes_and_revealed_without_javascript(
    client, login_as, member, make_workshop
):
    london = make_workshop()
    login_as(member)
    start_application(client, london)

    page = check_page(client.get("/workshops/interest/about-you"))

    reveal = page.select_one(".govuk-radios__conditional")
    assert reveal.find("input", id="years_managing")
    yes = page.find("input", attrs={"name": "manages_web_team", "value": "yes"})
    assert yes["data-aria-controls"] == reveal["id"]
    assert "Only if you answered yes" not in page.get_text()
    legend = page.find("legend", string=lambda t: t and "share your self-assessment" in t)
    assert legend is not None


def test_a_yes_needs_years_and_a_no_ignores_them(client, login_as, member, make_workshop, db):
    london = make_workshop()
    login_as(member)
    start_application(client, london)
    answers = {"experience": "Editor", "manages_web_team": "yes", "years_managing": "lots"}

    page = check_page(client.post("/workshops/interest/about-you", data=answers), errors=True)
    assert error_messages(page) == ["Enter the number of years as a whole number, like 3"]
    page = check_page(
        client.post("/workshops/interest/about-you", data={**answers, "years_managing": ""}),
        errors=True,
    )
    assert error_messages(page) == ["Enter how many years you have managed web teams"]

    response = client.post(
        "/workshops/interest/about-you", data={**answers, "manages_web_team": "no"}
    )
    assert response.status_code == 302
    eoi = db.session.scalar(db.select(ExpressionOfInterest))
    assert (eoi.manages_web_team, eoi.years_managing) == (False, None)


def test_the_rank_page_says_why_it_asks_about_attending(client, login_as, member, make_workshop):
    london = make_workshop()
    login_as(member)
    start_application(client, london)
    page = check_page(client.get("/workshops/interest/rank"))
    assert "Places are offered only at workshops people can come to" in page.get_text()


def test_paragraphs_typed_in_a_browser_stay_paragraphs(client, login_as, organiser, make_workshop):
    workshop = make_workshop(publish=False)
    login_as(organiser)
    text = "First paragraph.\r\n\r\nSecond paragraph."
    client.post(f"/workshops/{workshop.slug}/edit", data={**WORKSHOP_FORM, "description": text})

    assert workshop.description == "First paragraph.\n\nSecond paragraph."
    page = check_page(client.get(f"/workshops/{workshop.slug}"))
    paragraphs = [p.get_text() for p in page.select("main p.govuk-body")]
    assert "First paragraph." in paragraphs
    assert "Second paragraph." in paragraphs


def applied(client, login_as, member, workshop) -> None:
    login_as(member)
    start_application(client, workshop)


def test_moving_the_closing_date_into_the_past_asks_first_then_tells_applicants(
    client, login_as, member, organiser, make_workshop, db, mailbox
):
    workshop = make_workshop(days=6)
    applied(client, login_as, member, workshop)
    db.session.commit()
    login_as(organiser)
    data = {**WORKSHOP_FORM, "day": parts(TODAY + timedelta(days=6))}
    data["closes_on"] = parts(TODAY - timedelta(days=1))

    page = check_page(client.post(f"/workshops/{workshop.slug}/edit", data=data))

    warning = page.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "has passed" in warning
    assert "the 1 person who applied will be told by email" in warning
    assert workshop.is_open(services.closing_time(TODAY) - timedelta(hours=1))
    confirmed = page.find("input", attrs={"name": "closing_confirmed"})["value"]
    assert confirmed == (TODAY - timedelta(days=1)).isoformat()
    assert mailbox.messages == []

    response = client.post(
        f"/workshops/{workshop.slug}/edit", data={**data, "closing_confirmed": confirmed}
    )

    assert response.status_code == 302
    (message,) = mailbox.messages
    assert message["To"] == member.email
    assert message["Subject"] == f"New closing date: {workshop.title}"
    assert "It has now closed" in message.get_content()


def test_a_later_closing_date_is_saved_at_once_and_emailed(
    client, login_as, member, organiser, make_workshop, db, mailbox
):
    workshop = make_workshop(days=6)
    applied(client, login_as, member, workshop)
    db.session.commit()
    login_as(organiser)
    data = {**WORKSHOP_FORM, "day": parts(TODAY + timedelta(days=6))}
    data["closes_on"] = parts(TODAY + timedelta(days=5))

    assert client.post(f"/workshops/{workshop.slug}/edit", data=data).status_code == 302

    (message,) = mailbox.messages
    assert "You can now express interest or change your answers until" in message.get_content()
