"""Confirmation journeys in Chromium against gunicorn: refused until confirmed, a new link,
the confirmation page's one button, a used link, and changing one's address and details."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    CONFIRM_LINK,
    check_accessibility,
    delivered,
    emailed_link,
    expect_page,
    fill_in_sign_up,
    new_person,
    sign_up,
    summary_value,
    visit,
)

pytestmark = pytest.mark.e2e


def test_an_unconfirmed_member_is_refused_asks_for_a_new_link_and_confirms(
    page: Page, live_server: LiveServer
) -> None:
    person = new_person("Una Confirmed")
    visit(page, "/sign-up")
    fill_in_sign_up(page, person)
    first_link = emailed_link(live_server.mailbox, person.email, CONFIRM_LINK)

    visit(page, "/workshops/interest", status=403, heading="Confirm your email address first")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You need to confirm your email address before you can express interest in a workshop"
    )
    page.get_by_role("button", name="Send me a new link").click()
    expect_page(page, "Confirm your email address first")
    expect(page.get_by_text(f"We have sent a link to {person.email}")).to_be_visible()
    second_link = emailed_link(live_server.mailbox, person.email, CONFIRM_LINK)
    assert second_link != first_link

    # Opening the link only shows the button; the button confirms.
    visit(page, second_link, heading="Confirm your email address")
    expect(page.get_by_role("button")).to_have_count(2)  # the header's sign-out, and this one
    page.get_by_role("button", name="Confirm my email address").click()
    expect_page(page, "Your account")
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()

    visit(page, second_link, status=410, heading="This link has expired")
    visit(page, "/workshops/interest", heading="Express interest in workshops")
    # The first link still works until it expires, but confirms nothing new.
    visit(page, first_link, heading="Confirm your email address")


def test_a_member_changes_their_details_and_email_address(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    page = new_page(java_script_enabled=False)
    person = new_person("Dee Tails")
    sign_up(page, person, live_server.mailbox)

    page.get_by_role("link", name="Change job title").click()
    expect_page(page, "Change your details")
    page.get_by_label("Job title").fill("")
    page.get_by_label("Organisation").fill("Wrexham County Borough Council")
    page.get_by_role("button", name="Save your details").click()
    expect(page).to_have_title(re.compile(r"^Error: Change your details"))
    check_accessibility(page)
    expect(page.get_by_label("Organisation")).to_have_value("Wrexham County Borough Council")
    page.get_by_label("Job title").fill("Head of digital")
    page.get_by_role("button", name="Save your details").click()
    expect_page(page, "Your account")
    expect(summary_value(page, "Job title")).to_have_text("Head of digital")
    expect(summary_value(page, "Organisation")).to_have_text("Wrexham County Borough Council")

    new_email = f"moved.{person.email}"
    page.get_by_role("link", name="Change email address").click()
    expect_page(page, "Change your email address")
    page.get_by_label("New email address").fill(new_email)
    page.get_by_label("Your password").fill(person.password)
    page.get_by_role("button", name="Send confirmation link").click()
    expect_page(page, "Your account")
    expect(summary_value(page, "Email address")).to_have_text(person.email)
    # The old address is told (the queue's worker sends it after the request).
    told = delivered(
        live_server.mailbox, lambda m: m["To"] == person.email and new_email in m.get_content()
    )
    assert told, f"no email to {person.email} about the change"
    confirm_link = emailed_link(live_server.mailbox, new_email, CONFIRM_LINK)
    visit(page, confirm_link, heading="Confirm your email address")
    page.get_by_role("button", name="Confirm my email address").click()
    expect_page(page, "Your account")
    expect(summary_value(page, "Email address")).to_have_text(new_email)
