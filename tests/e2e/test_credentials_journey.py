"""Credentials journey in Chromium against gunicorn: an attendance credential is issued,
verified on its public page, revoked, and then fails verification, at 320 and 1280 px.

Attendance comes from organisers recording it after a workshop; here an operator's script
records it against the server's database, as `flask shell` would, since other journeys test
the offers that come first.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, server_environment
from tests.e2e.helpers import ROOT, expect_page, new_person, sign_in, visit

pytestmark = pytest.mark.e2e

NARROW = {"viewport": {"width": 320, "height": 900}}
WIDE = {"viewport": {"width": 1280, "height": 900}}

ATTENDED_SCRIPT = """
import sys
from datetime import timedelta

from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.workshops.models import (
    Choice, ChoiceStatus, ExpressionOfInterest, Workshop, WorkshopStatus,
)

email, name, password, title, slug = sys.argv[1:6]
with create_app().app_context():
    now = utcnow()
    version = latest_published(find_framework("web-professionals"))
    user = register_user(
        name=name, email=email, password=password, organisation="Leeds City Council",
        sector="public", job_title="Web manager", web_groups=["web-manager"], now=now,
        confirmed=True,
    )
    start = now - timedelta(days=3)
    workshop = Workshop(
        title=title, slug=slug, description="Testing pages with assistive technology.",
        starts_at=start, ends_at=start + timedelta(hours=3), closes_at=start - timedelta(days=7),
        venue="Leeds Central Library", capacity=10, status=WorkshopStatus.PUBLISHED,
        target_version_id=version.id, target_skill_codes=["ACCS"],
    )
    eoi = ExpressionOfInterest(user=user, submitted_at=start - timedelta(days=10))
    eoi.choices.append(
        Choice(workshop=workshop, rank=1, status=ChoiceStatus.ACCEPTED, attended=True,
               attendance_recorded_at=start + timedelta(hours=4))
    )
    db.session.add_all([workshop, eoi])
    db.session.commit()
"""


@pytest.fixture
def attended(live_server: LiveServer, e2e_database_url: str, smtp_server) -> Callable[..., None]:
    """Give a new member an account and a recorded attendance at a workshop three days ago."""
    controller, _ = smtp_server
    env = server_environment(e2e_database_url, base_url=live_server.url, mail_port=controller.port)

    def run(email: str, name: str, password: str, title: str, slug: str) -> None:
        command = [sys.executable, "-c", ATTENDED_SCRIPT, email, name, password, title, slug]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

    return run


def test_a_credential_is_issued_verified_revoked_and_then_fails(
    new_page: Callable[..., Page], live_server: LiveServer, attended: Callable[..., None]
) -> None:
    person = new_person("Carys Jones")
    title = f"Assistive technology testing {person.email.split('.')[2][:6]}"
    attended(person.email, person.name, person.password, title, title.lower().replace(" ", "-"))

    organiser = new_page(**WIDE)
    sign_in(organiser, live_server.admin_email, live_server.admin_password)
    expect_page(organiser, "Your home")
    visit(organiser, "/credentials/manage", heading="Credentials")
    organiser.get_by_role("button", name=f"Issue 1 credential for {title}").click()
    expect_page(organiser, "Credentials")
    expect(organiser.get_by_text("1 attendance credential issued")).to_be_visible()

    member = new_page(**NARROW)
    sign_in(member, person.email, person.password)
    expect_page(member, "Your home")
    visit(member, "/credentials", heading="Your credentials")
    member.get_by_role("link", name=f"Attended: {title}").click()
    expect_page(member, f"Attended: {title}")
    expect(member.get_by_role("heading", name="Valid credential")).to_be_visible()
    _assert_fits(member)
    member.get_by_role("link", name="Change who can see it").click()
    expect_page(member, "Who can see it")
    member.get_by_label("Anyone with the link", exact=False).check()
    member.get_by_role("button", name="Save").click()
    expect_page(member, f"Attended: {title}")
    public_url = member.get_by_role("link", name="/verify", exact=False).get_attribute("href")
    jwt_href = member.get_by_role("link", name="Credential as a compact JWT").get_attribute("href")
    jwt = member.request.get(jwt_href or "").text()

    for options in (NARROW, WIDE):
        anyone = new_page(**options)
        visit(anyone, public_url or "", heading=f"Attended: {title}")
        expect(anyone.get_by_role("heading", name="Valid credential")).to_be_visible()
        expect(anyone.get_by_text("It has not been revoked.")).to_be_visible()
        _assert_fits(anyone)

    member.get_by_role("link", name="Revoke this credential").click()
    expect_page(member, "Revoke the credential")
    member.get_by_role("button", name="Revoke the credential").click()
    expect_page(member, "Revoke the credential")  # no reason: the error summary, axe-checked
    expect(member.locator(".govuk-error-summary")).to_contain_text("Enter why")
    member.get_by_label("Why is it revoked?").fill("I asked for it to be withdrawn")
    member.get_by_role("button", name="Revoke the credential").click()
    expect_page(member, f"Attended: {title}")
    expect(member.get_by_text("Credential revoked")).to_be_visible()

    for options in (NARROW, WIDE):
        anyone = new_page(**options)
        visit(anyone, public_url or "", heading=f"Attended: {title}")
        expect(anyone.get_by_text("This credential is not valid")).to_be_visible()
        expect(anyone.get_by_text("It has been revoked by the issuer.").first).to_be_visible()
        _assert_fits(anyone)

    checker = new_page(**NARROW)
    visit(checker, "/credentials/verify", heading="Check a credential")
    checker.get_by_label("Paste the credential").fill(jwt)
    checker.get_by_role("button", name="Check the credential").click()
    expect_page(checker, "Check a credential")
    expect(checker.get_by_text("It has been revoked by the issuer.").first).to_be_visible()
    _assert_fits(checker)


def _assert_fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size or {"width": 0}
    assert width <= viewport["width"], f"{page.url} is {width}px wide"
