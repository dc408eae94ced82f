"""Offer journeys in Chromium against gunicorn: a place offered by email, answered from the link.

Offers come from an organiser confirming a selection round; here an operator's script makes
the offer against the server's database, as `flask shell` would, and the mail goes through
the test SMTP server like any other.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable

import icalendar
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, server_environment
from tests.e2e.helpers import (
    ROOT,
    Person,
    check_accessibility,
    delivered,
    expect_page,
    new_person,
    sign_in,
)

pytestmark = pytest.mark.e2e

WORKSHOP = "Breakfast event: Brighton and Hove"
ACCEPT_LINK = re.compile(r"https?://\S+/workshops/offers/\S+/accept")
DECLINE_LINK = re.compile(r"https?://\S+/workshops/offers/\S+/decline")

OFFER_SCRIPT = """
import sys

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.workshops.models import (
    PLACE_HOLDING, Choice, ChoiceStatus, ExpressionOfInterest, Workshop,
)
from skillsreg.workshops.offers.services import make_offers

email, name, password, title, status, admin_email = sys.argv[1:7]
with create_app().app_context():
    now = utcnow()
    user = register_user(
        name=name, email=email, password=password, organisation="Hove Council", sector="public",
        job_title="Web manager", web_groups=["web-manager"], now=now, confirmed=True,
    )
    workshop = db.session.scalar(sa.select(Workshop).where(Workshop.title == title))
    # One free place, whoever earlier journeys left holding the others.
    workshop.capacity = 1 + sum(c.status in PLACE_HOLDING for c in workshop.choices)
    eoi = ExpressionOfInterest(
        user=user, experience="I run a web team", manages_web_team=False, submitted_at=now
    )
    choice = Choice(workshop=workshop, rank=1, is_available=True, status=ChoiceStatus(status))
    eoi.choices.append(choice)
    db.session.add(eoi)
    db.session.flush()
    if choice.status is ChoiceStatus.SELECTED:
        admin = db.session.scalar(sa.select(User).where(User.email == admin_email))
        make_offers([choice], actor=admin, now=now)
    db.session.commit()  # the offer's email goes to the queue; the server's worker sends it
"""


@pytest.fixture
def give(live_server: LiveServer, e2e_database_url: str, smtp_server) -> Callable[..., None]:
    """Give a new member an account and put them on a workshop's list: offered or waiting.

    The account is made here rather than through the sign-up form, which other journeys test.
    """
    controller, _ = smtp_server
    env = server_environment(e2e_database_url, base_url=live_server.url, mail_port=controller.port)

    def run(person: Person, status: str) -> None:
        command = [
            sys.executable, "-c", OFFER_SCRIPT, person.email, person.name, person.password,
            WORKSHOP, status, live_server.admin_email,
        ]  # fmt: skip
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

    return run


def mail_to(live_server: LiveServer, email: str, subject: str):
    found = delivered(live_server.mailbox, lambda m: m["To"] == email and subject in m["Subject"])
    assert found, f"no '{subject}' email to {email}"
    return found[-1]


def test_a_member_accepts_an_offered_place_from_the_email_and_gets_the_invitation(
    page: Page, new_page, live_server: LiveServer, give
) -> None:
    person = new_person("Nadia Okafor")
    give(person, "selected")
    offer = mail_to(live_server, person.email, "You are offered a place")
    link = ACCEPT_LINK.search(offer.get_content()).group(0)

    # The link works without signing in, and only the button changes anything.
    stranger = new_page()
    stranger.goto(link)
    expect_page(stranger, "Accept your place")
    stranger.get_by_role("button", name="Accept the place").click()
    expect(stranger.locator(".govuk-panel__title")).to_have_text("Your place is confirmed")
    check_accessibility(stranger)

    invitation = mail_to(live_server, person.email, "Your place is confirmed")
    (attachment,) = list(invitation.iter_attachments())
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert str(calendar["method"]) == "REQUEST"
    assert calendar.walk("VEVENT")[0]["summary"] == WORKSHOP

    stranger.goto(link)  # used once: now it only says what happened
    expect_page(stranger, "Your place is confirmed")

    sign_in(page, person.email, person.password)
    expect_page(page, "Your home")
    page.goto("/workshops/places")
    expect_page(page, "Your workshop places")
    expect(page.get_by_text("Place accepted")).to_be_visible()
    download = page.locator("a[href$='invitation.ics']").get_attribute("href")
    response = page.request.get(download)
    assert response.headers["content-type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(response.body()).walk("VEVENT")[0]["uid"]


def test_a_declined_place_goes_to_the_person_waiting(
    page: Page, live_server: LiveServer, give
) -> None:
    first, waiting = new_person("Omar Haddad"), new_person("Rhian Evans")
    give(waiting, "waiting")
    give(first, "selected")
    link = DECLINE_LINK.search(
        mail_to(live_server, first.email, "You are offered a place").get_content()
    ).group(0)

    page.goto(link)
    expect_page(page, "Decline your place")
    page.get_by_role("button", name="Decline the place").click()
    expect_page(page, "You have declined the place")

    mail_to(live_server, waiting.email, "You are offered a place")
