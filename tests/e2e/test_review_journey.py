"""Independent review in Chromium against gunicorn: asked for, given by someone without an
account through the emailed link, accepted in part, and shown validated on the result and PDF;
then the validated level becomes a credential that an anonymous visitor verifies, the member
revokes it, and its public page and the credential check both say it is no longer valid.

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
    # The latest published version: 1.0.0, or 1.1.0 once the publishing journey has run. Both
    # ask an assistant web manager for CONT and CMGT, which the review below changes.
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


def _also_narrow(page: Page) -> None:
    """The page the member is on, at 320 px too: axe-checked and no sideways scroll."""
    narrow = page.context.new_page()
    narrow.set_viewport_size(NARROW)
    narrow.goto(page.url)
    check_accessibility(narrow)
    _fits(narrow, 320)
    narrow.close()


def test_a_review_is_given_accepted_and_its_credential_verified_then_revoked(
    new_page, live_server: LiveServer, e2e_database_url: str, smtp_server, tmp_path
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
    reviewer.locator("input[name=level_CMGT][value='4']").check()
    reviewer.locator("#comment_CONT").fill("Leads content for the whole council")
    reviewer.locator("#comment_CMGT").fill("Runs the content review cycle for the whole site")
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
    expect(member.locator("#answer-CMGT .app-validated")).to_have_count(0)
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

    # The validated level becomes a credential, from the member's credentials page.
    member.goto("/credentials")
    expect_page(member, "Your credentials")
    _also_narrow(member)
    member.get_by_role("button", name="Get a credential for Content design at level 4").click()
    name = re.compile(r"^Content design at level 4, Expert, ")
    expect(member.get_by_role("heading", level=1)).to_have_text(name)
    check_accessibility(member)
    expect(member.get_by_text("Credential issued")).to_be_visible()
    expect(member.get_by_role("heading", name="Valid credential")).to_be_visible()
    expect(member.locator("main")).to_contain_text("Rita Reviewer")
    _also_narrow(member)
    credential_url = member.url

    # The member makes it public; anyone with the link can check it.
    member.get_by_role("link", name="Change who can see it").click()
    expect_page(member, "Who can see it")
    _also_narrow(member)
    member.get_by_label("Anyone with the link", exact=False).check()
    member.get_by_role("button", name="Save").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(name)
    check_accessibility(member)
    public_url = member.get_by_role("link", name="/verify", exact=False).get_attribute("href")
    jwt_href = member.get_by_role("link", name="Credential as a compact JWT").get_attribute("href")
    jwt = member.request.get(jwt_href or "").text()
    for viewport in (NARROW, WIDE):
        anyone = new_page(viewport=viewport)
        response = anyone.goto(public_url or "")
        assert response is not None
        assert response.status == 200
        expect(anyone.get_by_role("heading", level=1)).to_have_text(name)
        check_accessibility(anyone)
        expect(anyone.get_by_role("heading", name="Valid credential")).to_be_visible()
        expect(anyone.get_by_text("It has not been revoked.")).to_be_visible()
        _fits(anyone, viewport["width"])

    # The member revokes it.
    member.get_by_role("link", name="Revoke this credential").click()
    expect_page(member, "Revoke the credential")
    _also_narrow(member)
    member.get_by_label("Why is it revoked?").fill("My role changed and I no longer do this")
    member.get_by_role("button", name="Revoke the credential").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(name)
    check_accessibility(member)
    expect(member.get_by_text("Credential revoked")).to_be_visible()
    assert member.url == credential_url
    _also_narrow(member)

    # Its public page now says it is not valid, at both widths.
    for viewport in (NARROW, WIDE):
        anyone = new_page(viewport=viewport)
        anyone.goto(public_url or "")
        expect(anyone.get_by_role("heading", level=1)).to_have_text(name)
        check_accessibility(anyone)
        expect(anyone.get_by_text("This credential is not valid")).to_be_visible()
        expect(anyone.get_by_text("It has been revoked by the issuer.").first).to_be_visible()
        expect(anyone.get_by_role("heading", name="Valid credential")).to_have_count(0)
        _fits(anyone, viewport["width"])

    # So does the credential check: the JWT pasted on a phone, then uploaded as a file.
    checker = new_page(viewport=NARROW)
    checker.goto("/credentials/verify")
    expect_page(checker, "Check a credential")
    _fits(checker, 320)
    checker.get_by_label("Paste the credential").fill(jwt)
    checker.get_by_role("button", name="Check the credential").click()
    expect_page(checker, "Check a credential")
    expect(checker.get_by_text("This credential is not valid")).to_be_visible()
    expect(checker.get_by_text("It has been revoked by the issuer.").first).to_be_visible()
    _fits(checker, 320)
    jwt_file = tmp_path / "credential.jwt"
    jwt_file.write_text(jwt, encoding="utf-8")
    uploader = new_page(viewport=WIDE)
    uploader.goto("/credentials/verify")
    expect_page(uploader, "Check a credential")
    uploader.get_by_label("Or upload the credential").set_input_files(jwt_file)
    uploader.get_by_role("button", name="Check the credential").click()
    expect_page(uploader, "Check a credential")
    expect(uploader.get_by_text("This credential is not valid")).to_be_visible()
    expect(uploader.get_by_text("It has been revoked by the issuer.").first).to_be_visible()
    expect(uploader.locator("main")).to_contain_text("Content design at level 4")
