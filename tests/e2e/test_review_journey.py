"""Independent review in Chromium against gunicorn: asked for, given by someone without an
account through the emailed link, accepted in part, and shown validated on the result and PDF.

The member and their submitted assessment are made by an operator's script against the
server's database (the assessment pages have journeys of their own).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import LiveServer, server_environment
from tests.e2e.helpers import (
    ROOT,
    check_accessibility,
    delivered,
    expect_page,
    new_person,
    sign_in,
)

pytestmark = pytest.mark.e2e

REVIEW_LINK = re.compile(r"https?://\S+/reviews/respond/[\w-]+(?=\s)")
NARROW = {"width": 320, "height": 900}
WIDE = {"width": 1280, "height": 900}

MEMBER_SCRIPT = """
import sys

from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.assessments import services
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.frameworks.services import find_framework, latest_published
from skillsreg.frameworks.store import load_version

email, name, password = sys.argv[1:4]
with create_app().app_context():
    now = utcnow()
    user = register_user(
        name=name, email=email, password=password, organisation="Hove Council", sector="public",
        job_title="Web manager", web_groups=["web-manager"], now=now, confirmed=True,
    )
    version = load_version(latest_published(find_framework("web-professionals")).id)
    assessment = services.start_assessment(
        user=user, version=version, role_code="web-manager", role_level_code="assistant", now=now
    )
    levels = {s.code: s.levels for s in version.skills}
    services.answer_skills(assessment, {
        r.skill_code: services.Answer(
            str(3 if 3 in levels[r.skill_code] else max(levels[r.skill_code])),
            f"My evidence for {r.skill_code}",
        )
        for r in assessment.ratings
    }, now=now)
    services.submit_assessment(assessment, now=now)
    db.session.commit()
    print(assessment.id)
"""


def _member_with_assessment(live_server: LiveServer, e2e_database_url: str, smtp_server, person):
    controller, _ = smtp_server
    env = server_environment(e2e_database_url, base_url=live_server.url, mail_port=controller.port)
    command = [sys.executable, "-c", MEMBER_SCRIPT, person.email, person.name, person.password]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def _fits(page: Page, width: int) -> None:
    """Nothing makes the page scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_review_is_asked_for_given_without_an_account_accepted_and_shown_validated(
    new_page, live_server: LiveServer, e2e_database_url: str, smtp_server
) -> None:
    person = new_person("Imani Reviewee")
    assessment_id = _member_with_assessment(live_server, e2e_database_url, smtp_server, person)
    reviewer_email = f"rita.{person.email.split('@')[0]}@example.org"

    # The member asks for a review from their result page (wide screen).
    member = new_page(viewport=WIDE)
    sign_in(member, person.email, person.password)
    check_accessibility(member)
    member.goto(f"/assessments/{assessment_id}/result")
    check_accessibility(member)
    member.get_by_role("link", name="Ask for an independent review").click()
    expect_page(member, "Ask for an independent review")
    member.get_by_role("button", name="Send the request").click()
    expect_page(member, "Ask for an independent review")
    expect(member.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(member)
    member.get_by_label("Their full name").fill("Rita Reviewer")
    member.get_by_label("Their email address").fill(reviewer_email)
    member.get_by_label("Line manager").check()
    member.get_by_label("Message to the reviewer (optional)").fill("Thank you for doing this")
    member.get_by_role("button", name="Send the request").click()
    expect_page(member, "Review by Rita Reviewer")
    expect(member.get_by_text("Waiting for the reviewer")).to_be_visible()

    # The reviewer has no account: the emailed link opens the form on a phone-sized screen.
    found = delivered(live_server.mailbox, lambda m: m["To"] == reviewer_email)
    assert found, "no review request email"
    link = REVIEW_LINK.search(found[-1].get_content()).group(0)
    reviewer = new_page(viewport=NARROW)
    reviewer.goto(link)
    expect_page(reviewer, "Review a skills self-assessment")
    _fits(reviewer, 320)
    expect(reviewer.get_by_text("My evidence for CONT")).to_be_visible()
    reviewer.screenshot(path=str(ROOT / "test-results" / "review-form-320.png"))
    for radio in reviewer.locator("input[type=radio][value=agree]").all():
        radio.check()
    reviewer.locator("input[name=level_CONT][value='4']").check()
    reviewer.get_by_label("Your full name").fill("Rita Reviewer")
    reviewer.get_by_label("Your job title").fill("Head of digital")
    reviewer.get_by_label("Your organisation").fill("Hove Council")
    reviewer.get_by_role("button", name="Send your review").click()
    expect(reviewer.locator(".govuk-error-summary")).to_contain_text(
        "Say why you chose another level"
    )
    check_accessibility(reviewer)
    _fits(reviewer, 320)
    reviewer.locator("input[name=level_EDIT][value='4']").check()
    reviewer.locator("#comment_CONT").fill("Leads content for the whole council")
    reviewer.locator("#comment_EDIT").fill("Edits the work of others every week")
    reviewer.get_by_role("button", name="Send your review").click()
    expect(reviewer.locator(".govuk-panel__title")).to_have_text("Your review has been sent")
    check_accessibility(reviewer)
    reviewer.goto(link)  # the link worked once
    expect_page(reviewer, "This link no longer works")

    # The member sees the review beside their own levels and accepts one of the two.
    member.reload()
    expect_page(member, "Review by Rita Reviewer")
    expect(member.get_by_text("Leads content for the whole council")).to_be_visible()
    narrow_member = member.context.new_page()
    narrow_member.set_viewport_size(NARROW)
    narrow_member.goto(member.url)
    check_accessibility(narrow_member)
    _fits(narrow_member, 320)
    narrow_member.close()
    member.locator("input[name=accepted][value=CONT]").check()
    member.get_by_role("button", name="Create my validated assessment").click()
    expect(member.locator("#validation")).to_contain_text(
        "Reviewed by Rita Reviewer, Head of digital, Hove Council"
    )
    check_accessibility(member)
    expect(member.locator("#answer-CONT .app-validated")).to_be_visible()
    expect(member.locator("#answer-EDIT .app-validated")).to_have_count(0)
    validated_url = member.url

    # The PDF names the reviewer and marks the validated levels.
    pdf_url = member.get_by_role("button", name="Download PDF").get_attribute("href")
    response = member.request.get(pdf_url)
    assert response.ok
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)
    assert "Rita Reviewer" in text
    assert "(validated)" in text

    # At 320 px the validated result still fits and passes axe; the original stays unvalidated.
    narrow = member.context.new_page()
    narrow.set_viewport_size(NARROW)
    narrow.goto(validated_url)
    check_accessibility(narrow)
    _fits(narrow, 320)
    narrow.screenshot(path=str(ROOT / "test-results" / "review-validated-320.png"), full_page=True)
    narrow.goto(f"/assessments/{assessment_id}/result")
    check_accessibility(narrow)
    expect(narrow.locator("#validation")).to_have_count(0)
    narrow.goto("/assessments/")
    check_accessibility(narrow)
    expect(narrow.locator("td .govuk-tag", has_text="Validated")).to_have_count(1)
    narrow.close()
