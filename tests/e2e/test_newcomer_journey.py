"""A newcomer's whole journey, timed and counted: sign up, confirm the email address from the
emailed link, self-assess, download the PDF, and send an expression of interest.

It counts the pages loaded and the forms sent, and prints them with the time taken. The README
quotes the counts; the ceilings below fail the test if a change makes the journey longer, so a
longer journey is a decision, not an accident.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    CONFIRM_LINK,
    check_accessibility,
    emailed_link,
    expect_page,
    fill_in_sign_up,
    new_person,
    visit,
)

pytestmark = pytest.mark.e2e

# What the journey took when it was last measured (see the README); the ceilings are those.
MOST_PAGES = 24
MOST_FORMS = 14


@dataclass
class Tally:
    """Pages shown (documents loaded, a redirect's target once) and forms sent (posts)."""

    pages: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("load", lambda loaded: self.pages.append(loaded.url))
        page.on("request", self._request)

    def _request(self, request: Request) -> None:
        is_page = request.is_navigation_request() and request.frame.parent_frame is None
        if is_page and request.method == "POST":
            self.forms.append(request.url)


def confirm_email(page: Page, live_server: LiveServer, email: str) -> None:
    """Open the link of the sign-up email (the queue's worker sends it) and press its button."""
    visit(page, emailed_link(live_server.mailbox, email, CONFIRM_LINK, wait=60))
    page.get_by_role("button", name="Confirm my email address").click()
    expect_page(page, "Your account")


def self_assess(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Self-assessment").click()
    expect_page(page, "Your self-assessments")
    page.get_by_role("button", name="Start a new self-assessment").click()
    expect_page(page, "Start a self-assessment")
    page.get_by_role("group", name="Web manager", exact=True).get_by_label(
        "Web manager", exact=True
    ).check()
    page.get_by_role("button", name="Start").click()
    expect_page(page, "Your self-assessment")
    page.locator(".govuk-task-list").get_by_role("link").first.click()
    heading = page.get_by_role("heading", level=1)
    while (current := heading.inner_text()) != "Check your answers before submitting":
        check_accessibility(page)
        skills = page.get_by_role("group", name=re.compile(r"^Your level in "))
        for number in range(skills.count()):
            skills.nth(number).get_by_role("radio").first.check()
        page.get_by_role("button", name="Save and continue").click()
        expect(heading).not_to_have_text(current)
    check_accessibility(page)
    page.get_by_role("button", name="Submit self-assessment").click()
    expect_page(page, "Self-assessment submitted")
    page.get_by_role("link", name="See your result and gaps").click()
    expect_page(page, "Your self-assessment result")


def download_pdf(page: Page) -> None:
    # The first PDF a worker renders also loads WeasyPrint: give it time on a busy machine.
    # The click waits for the download's response too.
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download PDF").click(timeout=60_000)
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")


def express_interest(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workshops").click()
    expect_page(page, "Workshops")
    page.locator("main").get_by_role("link", name="Drafting the web professionals").click()
    check_accessibility(page)
    page.get_by_role("button", name="Express interest").click()
    expect_page(page, "Express interest in workshops")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Drafting the web"))).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect_page(page, "Rank your workshops")
    page.get_by_role("group", name=re.compile(r"^Are you willing and able")).get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Continue").click()
    expect_page(page, "About you and your experience")
    page.get_by_label("Your relevant skills and experience").fill(
        "I look after the council website and its content."
    )
    page.get_by_role("group", name="Do you have experience of managing web teams?").get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Continue").click()
    expect_page(page, "Check your answers before sending")
    page.get_by_role("button", name="Send expression of interest").click()
    expect_page(page, "Expression of interest sent")


def test_a_newcomer_signs_up_self_assesses_and_expresses_interest(
    page: Page, live_server: LiveServer
) -> None:
    person = new_person("Nia Newcomer")
    tally = Tally()
    tally.watch(page)
    started = time.monotonic()

    page.goto("/")
    check_accessibility(page)
    page.get_by_role("button", name="Create an account").click()
    expect_page(page, "Create an account")
    fill_in_sign_up(page, person)
    confirm_email(page, live_server, person.email)
    self_assess(page)
    download_pdf(page)
    express_interest(page)

    seconds = time.monotonic() - started
    print(
        f"\nnewcomer journey: {len(tally.pages)} pages, {len(tally.forms)} forms sent, "
        f"{seconds:.1f} s (sign-up to expression of interest sent, PDF downloaded"
        ", email confirmed)"
    )
    assert len(tally.pages) <= MOST_PAGES, tally.pages
    assert len(tally.forms) <= MOST_FORMS, tally.forms
