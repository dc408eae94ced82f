"""Account journeys in Chromium against gunicorn: sign up, out and in, reset, roles, keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    RESET_LINK,
    check_accessibility,
    confirm_email,
    delivered,
    expect_page,
    fill_in_sign_up,
    new_person,
    sign_in,
    sign_out,
    sign_up,
    summary_value,
    visit,
)

pytestmark = pytest.mark.e2e


def test_a_newcomer_signs_up_from_the_start_page_then_signs_out_and_in(
    page: Page, live_server: LiveServer
) -> None:
    person = new_person()
    visit(page, "/")
    # The nonce-carrying inline script ran, so the CSP lets GOV.UK Frontend start.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    page.get_by_role("button", name="Create an account").click()
    expect_page(page, "Create an account")

    fill_in_sign_up(page, person)

    expect(page.get_by_text("Your account has been created")).to_be_visible()
    expect(summary_value(page, "Name")).to_have_text(person.name)
    expect(summary_value(page, "Email address")).to_have_text(person.email)
    expect(summary_value(page, "Organisation")).to_have_text(person.organisation)
    expect(summary_value(page, "Sector")).to_have_text(person.sector)
    expect(summary_value(page, "Job title")).to_have_text(person.job_title)
    expect(summary_value(page, "Kinds of web work")).to_have_text(", ".join(person.web_groups))
    expect(summary_value(page, "Role in this service")).to_have_text("Member")
    # Until the address is confirmed, the account page says so and offers a new link.
    banner = page.get_by_role("region", name="Confirm your email address")
    expect(banner).to_contain_text("You need to confirm your email address before you can")
    expect(banner.get_by_role("button", name="Send me a new link")).to_be_visible()
    confirm_email(page, live_server.mailbox, person.email)
    expect(page.get_by_role("button", name="Send me a new link")).to_have_count(0)

    navigation = page.get_by_role("navigation", name="Main")
    sign_out(page)
    expect(navigation.get_by_role("link", name="Sign in")).to_be_visible()

    sign_in(page, person.email, person.password)
    expect_page(page, "Your home")
    expect(navigation.get_by_role("link", name=f"Your account ({person.name})")).to_be_visible()


def test_a_wrong_password_shows_the_error_summary_and_keeps_the_email(page: Page) -> None:
    sign_in(page, "Someone.Else@example.gov.uk", "not the right password")

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    check_accessibility(page)
    email = page.get_by_label("Email address")
    expect(email).to_have_value("Someone.Else@example.gov.uk")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    summary.get_by_role("link", name="Enter a correct email address and password").click()
    expect(email).to_be_focused()


def test_a_forgotten_password_is_reset_from_the_emailed_link_which_then_expires(
    page: Page, live_server: LiveServer
) -> None:
    person = new_person("Sam Okafor")
    sign_up(page, person, live_server.mailbox)
    sign_out(page)
    visit(page, "/sign-in")
    page.get_by_role("link", name="I have forgotten my password").click()
    expect_page(page, "Reset your password")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("button", name="Send reset link").click()
    expect_page(page, "Check your email")

    # The queue's worker sends it after the request's commit.
    sent = delivered(
        live_server.mailbox,
        lambda m: m["To"] == person.email and m["Subject"] == "Reset your password",
    )
    assert len(sent) == 1, f"{len(sent)} emails to {person.email}; see /admin/outbox"
    message = sent[0]
    link = RESET_LINK.search(message.get_content())
    assert link is not None, message.get_content()
    assert link.group().startswith(f"{live_server.url}/reset-password/")
    visit(page, link.group(), heading="Choose a new password")
    page.get_by_label("New password", exact=True).fill("a different walk along the river")
    page.get_by_role("button", name="Set password").click()
    expect_page(page, "Your account")
    expect(page.get_by_text("Your password has been reset and you are signed in")).to_be_visible()

    sign_out(page)
    sign_in(page, person.email, "a different walk along the river")
    expect_page(page, "Your home")

    visit(page, link.group(), status=410, heading="This link has expired")


def test_an_administrator_makes_a_member_an_organiser(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    person = new_person("Morgan Lee")
    member = new_page()
    sign_up(member, person, live_server.mailbox)
    admin = new_page()
    sign_in(admin, live_server.admin_email, live_server.admin_password)
    expect_page(admin, "Your home")

    visit(admin, "/admin/users", heading="Accounts")
    admin.get_by_role("link", name=f"Change role for {person.name}").click()
    expect_page(admin, f"Role of {person.name}")
    expect(admin.get_by_label("Member", exact=True)).to_be_checked()
    admin.get_by_label("Organiser", exact=True).check()
    admin.get_by_role("button", name="Save role").click()

    expect_page(admin, "Accounts")
    expect(admin.get_by_text(f"{person.name} is now organiser")).to_be_visible()
    row = admin.get_by_role("row").filter(has_text=person.email)
    expect(row.get_by_role("cell").nth(3)).to_have_text("Organiser")
    visit(member, "/account")
    expect(summary_value(member, "Role in this service")).to_have_text("Organiser")


def tab_to(page: Page, target: Locator, *, limit: int = 12) -> None:
    """Press Tab until `target` has the focus; fail if it takes more than `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached in {limit} presses of Tab")


def test_a_newcomer_signs_up_with_the_keyboard_alone(page: Page) -> None:
    person = new_person("Alex Kowalski")
    visit(page, "/sign-up")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    for label, text in [
        ("Full name", person.name),
        ("Email address", person.email),
        ("Organisation", person.organisation),
    ]:
        page.keyboard.press("Tab")
        expect(page.get_by_label(label)).to_be_focused()
        page.keyboard.type(text)
    tab_to(page, page.get_by_label(person.sector, exact=True))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Job title"))
    page.keyboard.type(person.job_title)
    for group in person.web_groups:
        tab_to(page, page.get_by_label(group, exact=True))
        page.keyboard.press("Space")
    password = page.get_by_label("Create a password", exact=True)
    for field in (password, page.get_by_label("Confirm password", exact=True)):
        tab_to(page, field)
        page.keyboard.type(person.password)
    # Back one step to the first password's Show button, to see what was typed.
    page.keyboard.press("Shift+Tab")
    expect(page.locator("button[aria-controls='password']")).to_be_focused()
    page.keyboard.press("Space")
    expect(password).to_have_attribute("type", "text")
    expect(password).to_have_value(person.password)
    tab_to(page, page.get_by_role("button", name="Create account"))
    page.keyboard.press("Enter")

    expect_page(page, "Your account")
    expect(summary_value(page, "Sector")).to_have_text(person.sector)
    expect(summary_value(page, "Kinds of web work")).to_have_text(", ".join(person.web_groups))


def test_signing_up_out_and_in_works_without_javascript(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    page = new_page(java_script_enabled=False)
    person = new_person("Jo Marsh")

    sign_up(page, person, live_server.mailbox)
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    sign_out(page)
    sign_in(page, person.email, person.password)

    expect_page(page, "Your home")
    page.get_by_role("link", name=re.compile(r"^Your account")).click()
    expect_page(page, "Your account")
    expect(summary_value(page, "Email address")).to_have_text(person.email)
