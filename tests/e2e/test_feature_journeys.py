"""Feature journeys in Chromium against gunicorn: browse the framework, self-assess, comment
on a consultation, express interest in workshops and publish a version.

The shipped framework (1.0.0 published, 1.1.0 in consultation) and the demo workshops are
loaded by the `live_server` fixture before the server starts. The server's database lasts the
session, so the journey that publishes 1.1.0 comes last: the others expect it in consultation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    check_accessibility,
    expect_page,
    new_person,
    sign_in,
    sign_up,
    visit,
)

pytestmark = pytest.mark.e2e

FRAMEWORK = "Skills framework for public-sector web professionals"
SLUG = "web-professionals"
# Grace assesses herself against 1.0.0 early on and carries it forward once 1.1.0 is published.
GRACE = new_person("Grace Hopper")


def test_anyone_browses_the_framework_compares_versions_and_downloads_it(
    page: Page, live_server: LiveServer
) -> None:
    visit(page, "/frameworks")
    page.get_by_role("link", name=FRAMEWORK).click()
    expect_page(page, FRAMEWORK)
    versions = page.get_by_role("table", name="Versions")
    versions.get_by_role("link", name="Version 1.0.0").click()
    expect_page(page, "Version 1.0.0")

    skill = page.locator("#skills").locator("xpath=following::table[1]").get_by_role("link").first
    skill_name = skill.inner_text()
    skill.click()
    expect_page(page, skill_name)
    page.go_back()
    check_accessibility(page)
    role = page.locator("#roles").locator("xpath=following::table[1]").get_by_role("link").first
    role_name = role.inner_text()
    role.click()
    expect_page(page, role_name)

    # Version 1.1.0 is in consultation: anyone reads it and what changed; comments need sign-in.
    visit(page, f"/frameworks/{SLUG}")
    page.get_by_role("link", name="What changed since 1.0.0").click()
    expect_page(page, "Changes from version 1.0.0 to 1.1.0")

    visit(page, f"/frameworks/{SLUG}/1.0.0")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Framework document (YAML)").click()
    download = download_info.value
    assert download.suggested_filename == f"{SLUG}-1.0.0.yaml"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith(("#", "format: 1")), text[:200]
    assert "number: 1.0.0" in text

    # A member may read the consultation and what changed.
    sign_up(page, new_person("Chen Wei"), live_server.mailbox)
    visit(page, f"/frameworks/{SLUG}")
    page.get_by_role("link", name="What changed since 1.0.0").click()
    expect_page(page, "Changes from version 1.0.0 to 1.1.0")


def rate_every_skill_on_the_page(page: Page) -> int:
    """Choose the lowest level offered for each skill of the open category page."""
    skills = page.get_by_role("group", name=re.compile(r"^Your level in "))
    for number in range(skills.count()):
        skills.nth(number).get_by_role("radio").first.check()
    return skills.count()


def rate_unrated_skills(page: Page) -> int:
    """Choose the lowest level for each skill of the page that has no answer yet."""
    skills = page.get_by_role("group", name=re.compile(r"^Your level in "))
    rated = 0
    for number in range(skills.count()):
        radios = skills.nth(number).get_by_role("radio")
        if not any(radios.nth(i).is_checked() for i in range(radios.count())):
            radios.first.check()
            rated += 1
    return rated


def test_a_member_assesses_themselves_as_a_web_manager_and_downloads_the_profile(
    page: Page, live_server: LiveServer
) -> None:
    sign_up(page, GRACE, live_server.mailbox)
    visit(page, "/assessments/")
    page.get_by_role("button", name="Start a new self-assessment").click()
    expect_page(page, "Start a self-assessment")
    page.get_by_role("group", name="Web manager", exact=True).get_by_label(
        "Web manager", exact=True
    ).check()
    page.get_by_role("button", name="Start").click()
    expect_page(page, "Your self-assessment")
    expect(page.locator(".govuk-summary-list")).to_contain_text("0 of 12 skills rated")

    tasks = page.locator(".govuk-task-list")
    first = tasks.get_by_role("link").first
    category = first.inner_text().strip()
    first.click()
    expect_page(page, category)
    # "Save and continue" needs an answer for each skill; "Skip for now" moves on, saving nothing.
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose your level in")
    check_accessibility(page)
    page.get_by_role("button", name="Skip for now").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(category)
    check_accessibility(page)
    page.get_by_role("link", name="Back to your self-assessment").click()
    expect_page(page, "Your self-assessment")
    skipped = page.locator(".govuk-task-list__item").first.locator(".govuk-task-list__status")
    expect(skipped).to_have_text("Not yet started")

    # But a self-assessment with unrated skills cannot be submitted.
    page.get_by_role("button", name="Check your answers").click()
    expect_page(page, "Check your answers before submitting")
    page.get_by_role("button", name="Submit self-assessment").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Rate every skill before you submit")
    check_accessibility(page)
    page.get_by_role("link", name="Back to your self-assessment").click()
    expect_page(page, "Your self-assessment")

    tasks.get_by_role("link", name=category).click()
    expect_page(page, category)
    rated = rate_every_skill_on_the_page(page)
    page.get_by_role("button", name="Save and come back later").click()
    expect_page(page, "Your self-assessment")
    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"{rated} of 12 skills rated")
    first_task = tasks.locator(".govuk-task-list__item").first
    expect(first_task.locator(".govuk-task-list__status")).to_have_text("Completed")

    # Carry on from the second category to the end.
    tasks.get_by_role("link").nth(1).click()
    heading = page.get_by_role("heading", level=1)
    while (current := heading.inner_text()) != "Check your answers before submitting":
        check_accessibility(page)
        rate_every_skill_on_the_page(page)
        page.get_by_role("button", name="Save and continue").click()
        expect(heading).not_to_have_text(current)
    expect_page(page, "Check your answers before submitting")
    expect(page.get_by_text("You have rated 12 of 12 skills.")).to_be_visible()
    page.get_by_role("button", name="Submit self-assessment").click()
    expect_page(page, "Self-assessment submitted")
    page.get_by_role("link", name="See your result and gaps").click()
    expect_page(page, "Your self-assessment result")
    expect(page.locator(".govuk-body-l").first).to_contain_text(
        re.compile(r"you meet \d+, are above in \d+ and below in [1-9]\d*")
    )
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_a_member_comments_on_the_consultation_and_an_organiser_addresses_it(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    member = new_page()
    person = new_person("Ama Mensah")
    sign_up(member, person, live_server.mailbox)
    visit(member, f"/frameworks/{SLUG}/1.1.0", heading="Version 1.1.0")
    expect(member.get_by_text("This version is open for consultation")).to_be_visible()
    skill = member.locator("#skills").locator("xpath=following::table[1]").get_by_role("link")
    skill_name = skill.first.inner_text()
    skill.first.click()
    expect_page(member, skill_name)
    comment = f"Please say more about writing for mobile screens ({person.name})."
    member.get_by_role("group", name="What is your comment about?").get_by_role("radio").nth(
        1
    ).check()
    member.get_by_label("Your comment").fill(comment)
    member.get_by_role("button", name="Send comment").click()
    expect(member.get_by_text("Thank you: your comment has been sent")).to_be_visible()
    check_accessibility(member)

    organiser = new_page()
    sign_in(organiser, live_server.admin_email, live_server.admin_password)
    expect_page(organiser, "Your home")
    visit(organiser, f"/frameworks/{SLUG}/1.1.0")
    organiser.get_by_role("link", name=re.compile(r"^Read and respond to comments")).click()
    expect_page(organiser, "Comments on version 1.1.0")
    card = organiser.locator(".govuk-summary-card").filter(has_text=comment)
    expect(card.get_by_role("heading")).to_have_text(
        re.compile(rf"^Comment \d+ from {re.escape(person.name)}$")
    )
    expect(card).to_contain_text("Level 1")
    expect(card.locator(".govuk-tag")).to_have_text("Open")
    card.get_by_label("Addressed: the draft now covers it").check()
    card.get_by_label("Reply to the commenter").fill("Thank you: the level 1 text now says so.")
    card.get_by_role("button", name="Save response").click()
    expect_page(organiser, "Comments on version 1.1.0")
    expect(
        organiser.get_by_text(re.compile(r"Your response to comment \d+ has been saved"))
    ).to_be_visible()
    expect(card.locator(".govuk-tag")).to_have_text("Addressed")
    expect(card).to_contain_text("Thank you: the level 1 text now says so.")

    # The member sees the reply beside their comment.
    member.reload()
    check_accessibility(member)
    expect(member.locator("#your-comments").locator("xpath=..")).to_contain_text(
        "Thank you: the level 1 text now says so."
    )


LONDON = "Drafting the web professionals skills framework"
BARNSLEY = "Breakfast event: Barnsley"


def test_a_member_expresses_interest_in_two_workshops_and_sees_their_applications(
    page: Page, live_server: LiveServer
) -> None:
    sign_up(page, new_person("Tomasz Nowak"), live_server.mailbox)
    visit(page, "/workshops/interest", heading="Express interest in workshops")
    page.get_by_role("checkbox", name=re.compile(rf"^{LONDON}, \w+ 27 November")).check()
    page.get_by_role("checkbox", name=re.compile(rf"^{BARNSLEY}, \w+ 1 December")).check()
    page.get_by_role("button", name="Continue").click()

    expect_page(page, "Rank your workshops")
    page.get_by_label(f"Rank for {BARNSLEY}").select_option("1")
    page.get_by_label(f"Rank for {LONDON}").select_option("2")
    for title in (LONDON, BARNSLEY):
        page.get_by_role("group", name=f"Are you willing and able to attend {title}?").get_by_label(
            "Yes"
        ).check()
    page.get_by_role("button", name="Continue").click()

    expect_page(page, "About you and your experience")
    page.get_by_label("Your relevant skills and experience").fill(
        "I have run a council website and its content team for six years."
    )
    page.get_by_role("group", name="Do you have experience of managing web teams?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("For how many years?").fill("6")
    page.get_by_role("button", name="Continue").click()

    expect_page(page, "Check your answers before sending")
    expect(page.locator(".govuk-summary-list__key", has_text=f"1. {BARNSLEY}")).to_be_visible()
    expect(page.locator(".govuk-summary-list__key", has_text=f"2. {LONDON}")).to_be_visible()
    page.get_by_role("button", name="Send expression of interest").click()

    expect(page.locator(".govuk-panel__title")).to_have_text("Expression of interest sent")
    check_accessibility(page)
    page.get_by_role("link", name="your workshop applications").click()
    expect_page(page, "Your workshop applications")
    applications = page.locator(".govuk-summary-list__key")
    first = re.compile(rf"1\. {BARNSLEY}, \w+ 1 December \d{{4}}")
    second = re.compile(rf"2\. {LONDON}, \w+ 27 November \d{{4}}")
    expect(applications.filter(has_text=first)).to_be_visible()
    expect(applications.filter(has_text=second)).to_be_visible()


def test_an_organiser_edits_the_consultation_release_notes_and_publishes_it(
    page: Page, live_server: LiveServer
) -> None:
    sign_in(page, live_server.admin_email, live_server.admin_password)
    expect_page(page, "Your home")
    # 1.1.0 is still editable, so the service offers no second draft from 1.0.0.
    visit(page, f"/frameworks/{SLUG}/1.0.0", heading="Version 1.0.0")
    expect(page.get_by_role("button", name="Draft the next version")).to_have_count(0)

    visit(page, f"/frameworks/{SLUG}/1.1.0", heading="Version 1.1.0")
    page.get_by_role("button", name="Edit version 1.1.0").click()
    expect_page(page, "Edit version 1.1.0")
    page.get_by_role("link", name="Release notes").click()
    expect_page(page, "Release notes")
    notes = page.get_by_label("Release notes")
    notes.fill(notes.input_value() + "\n\nPublished after the consultation closed.")
    page.get_by_role("button", name="Save release notes").click()
    expect_page(page, "Edit version 1.1.0")
    expect(page.get_by_text("Release notes saved")).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    expect_page(page, "Publish version 1.1.0?")
    page.get_by_role("button", name="Publish").click()
    expect_page(page, "Version 1.1.0 can never change")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Version 1.1.0 is published.")

    visit(page, f"/frameworks/{SLUG}", heading=FRAMEWORK)
    versions = page.get_by_role("table", name="Versions")
    row = versions.get_by_role("row").filter(
        has=page.get_by_role("link", name="Version 1.1.0", exact=True)
    )
    expect(row.locator(".govuk-tag")).to_have_text("Published")
    latest = page.locator(".govuk-summary-list__row").filter(has_text="Latest version")
    expect(latest.get_by_role("link")).to_have_text("Version 1.1.0")
    visit(page, f"/frameworks/{SLUG}/latest", heading="Version 1.1.0")
    expect(page.get_by_text("Published after the consultation closed.")).to_be_visible()


def test_a_member_carries_their_assessment_forward_to_the_newly_published_version(
    page: Page,
) -> None:
    # Runs after the publishing journey above: 1.1.0 is now the latest published version.
    sign_in(page, GRACE.email, GRACE.password)
    expect_page(page, "Your home")
    check_accessibility(page)
    visit(page, "/assessments/", heading="Your self-assessments")
    page.get_by_role("link", name=re.compile(r"^Carry your .* assessment forward$")).click()
    expect_page(page, "Carry your assessment forward to version 1.1.0")
    check_accessibility(page)
    page.get_by_role("button", name="Carry forward").click()
    expect_page(page, "Your self-assessment")
    expect(
        page.get_by_text(re.compile(r"carried forward skills? needs? your confirmation"))
    ).to_be_visible()
    rated = page.locator(".govuk-summary-list").inner_text()
    assert re.search(r"[1-9]\d* of \d+ skills rated", rated), rated
    check_accessibility(page)

    # The first category needing confirmation shows the old descriptor beside the new one.
    warning = page.locator(".govuk-warning-text").first
    to_confirm = warning.inner_text()
    tasks = page.locator(".govuk-task-list")
    tasks.locator(".govuk-task-list__item").filter(has_text="to confirm").first.get_by_role(
        "link"
    ).click()
    expect(page.get_by_text("Compare with your previous answer").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"your level .* in version 1\.0\.0")).first).to_be_visible()
    check_accessibility(page)

    # Saving for later keeps the answers but confirms nothing.
    rate_unrated_skills(page)
    page.get_by_role("button", name="Save and come back later").click()
    expect_page(page, "Your self-assessment")
    expect(page.get_by_text("Your answers have been saved")).to_be_visible()
    expect(page.locator(".govuk-warning-text").first).to_have_text(to_confirm)

    # Go through every category, confirming carried answers and rating new skills.
    tasks.get_by_role("link").first.click()
    heading = page.get_by_role("heading", level=1)
    while (current := heading.inner_text()) != "Check your answers before submitting":
        check_accessibility(page)
        rate_unrated_skills(page)
        page.get_by_role("button", name="Save and continue").click()
        expect(heading).not_to_have_text(current)
    expect(page.get_by_text("(to confirm)")).to_have_count(0)
    check_accessibility(page)
    page.get_by_role("button", name="Submit self-assessment").click()
    expect_page(page, "Self-assessment submitted")
    check_accessibility(page)
    page.get_by_role("link", name="See your result and gaps").click()
    expect_page(page, "Your self-assessment result")
    expect(page.get_by_text("version 1.1.0").first).to_be_visible()
    check_accessibility(page)

    # Comparing the 1.0.0 assessment with the 1.1.0 one follows the relations.
    visit(page, "/assessments/compare", heading="Compare two self-assessments")
    for field, number in (("first", "1.0.0"), ("second", "1.1.0")):
        option = page.locator(f"#{field} option", has_text=f"version {number}")
        page.locator(f"#{field}").select_option(option.get_attribute("value"))
    page.get_by_role("button", name="Compare").click()
    summary = page.locator("#compare-summary")
    expect(summary).to_contain_text(
        re.compile(r"\d+ rose, \d+ fell, \d+ stayed the same, \d+ added and \d+ removed")
    )
    expect(page.get_by_text("Changed in version 1.1.0").first).to_be_visible()
    expect(page.get_by_text("Not applicable", exact=True)).to_have_count(0)
    check_accessibility(page)
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the compare page scrolls sideways by {overflow}px at 320 px"
