"""Development journeys in Chromium against gunicorn: a plan from gaps, an activity done and
logged in the CPD record against the plan's goal, progress measured by a later assessment; and
a public commitment made, kept, published and then withdrawn.

Each page is checked by axe at 320 px as the member goes, must not scroll sideways there, and
is checked again at 1280 px at the end."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from skillsreg.core.db import utcnow
from skillsreg.workshops.queries import in_london
from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    SCREENSHOTS,
    check_accessibility,
    expect_page,
    follow_job,
    new_person,
    sign_in,
    sign_up,
    summary_value,
    visit,
)

pytestmark = pytest.mark.e2e

NARROW = {"width": 320, "height": 900}
WIDE = {"width": 1280, "height": 900}
GOAL = "Content lifecycle management"  # a web manager is expected at 4; its lowest level is 2
COMMITMENTS_CONSENT = (
    "Publish the development goals I choose to make public commitments, with whether I kept them"
)


class Pages:
    """The pages a member saw: each checked at 320 px now, and again at 1280 px at the end."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.urls: list[str] = []

    def seen(self, heading: str | None = None) -> None:
        if heading is not None:
            expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        check_accessibility(self.page)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{self.page.url} is {width} px wide at 320 px"
        self.urls.append(self.page.url)

    def visit(self, path: str, heading: str | None = None) -> None:
        visit(self.page, path)
        self.seen(heading)

    def again_wide(self) -> None:
        """Every page seen, at 1280 px (a page withdrawn since may now answer 404 or 410)."""
        self.page.set_viewport_size(WIDE)
        for url in dict.fromkeys(self.urls):
            self.page.goto(url)
            check_accessibility(self.page)


def assess(pages: Pages, *, levels: dict[str, str]) -> None:
    """A web manager's self-assessment: the lowest level everywhere, except the given skills."""
    page = pages.page
    pages.visit("/assessments/")
    page.get_by_role("button", name="Start a new self-assessment").click()
    pages.seen("Start a self-assessment")
    page.get_by_role("group", name="Web manager", exact=True).get_by_label(
        "Web manager", exact=True
    ).check()
    page.get_by_role("button", name="Start").click()
    pages.seen("Your self-assessment")
    page.locator(".govuk-task-list").get_by_role("link").first.click()
    heading = page.get_by_role("heading", level=1)
    while (current := heading.inner_text()) != "Check your answers before submitting":
        pages.seen()
        skills = page.get_by_role("group", name=re.compile(r"^Your level in "))
        for number in range(skills.count()):
            group = skills.nth(number)
            name = (group.locator("legend").inner_text()).removeprefix("Your level in ").strip()
            if name in levels:
                group.get_by_label(levels[name]).check()
            else:
                group.get_by_role("radio").first.check()
        page.get_by_role("button", name="Save and continue").click()
        expect(heading).not_to_have_text(current)
    pages.seen("Check your answers before submitting")
    page.get_by_role("button", name="Submit self-assessment").click()
    pages.seen("Self-assessment submitted")


def start_plan(pages: Pages) -> None:
    """From the latest assessment, a plan with one goal: the gap in GOAL, due in 4 months."""
    page = pages.page
    pages.visit("/development/", "Your development plans")
    page.get_by_role(
        "link", name=re.compile(r"^Start a plan from your self-assessment")
    ).first.click()
    pages.seen("Start a development plan: Which role level do you want your goals to aim for?")
    page.get_by_role("button", name="Continue").click()
    pages.seen("Choose the skills to develop")
    page.get_by_role("button", name="Start plan").click()
    pages.seen("Choose the skills to develop")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select at least one skill to develop")
    page.get_by_label(GOAL, exact=True).check()
    due = (utcnow() + timedelta(days=120)).date()
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Start plan").click()
    pages.seen("Your development plan")
    expect(page.get_by_text("Your development plan has been started")).to_be_visible()


def log_cpd_for_goal(pages: Pages, title: str) -> None:
    """Log today's CPD activity against the plan's GOAL and find it, with its hours, in the
    record."""
    page = pages.page
    pages.visit("/development/cpd/", "Your CPD record")
    page.get_by_role("button", name="Log an activity").click()
    pages.seen("Log a CPD activity")
    today = in_london(utcnow()).date()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Mentoring", exact=True).check()
    page.get_by_label("What did you do?").fill(title)
    page.get_by_label("How many hours did it take?").fill("2.5")
    page.get_by_label("What did you learn?").fill("How to plan a content review cycle")
    page.get_by_label("How will you apply it?").fill("Review our guidance pages every quarter")
    goals = page.get_by_label("Which goal of your plan did it work toward?")
    goal = goals.locator("option", has_text=GOAL)
    expect(goal).to_have_text(re.compile(rf"^{GOAL}: level 4 by \d+ \w+ \d{{4}}$"))
    goals.select_option(goal.get_attribute("value"))
    page.get_by_role("button", name="Save activity").click()
    pages.seen("Your CPD record")
    expect(page.get_by_text(f"{title} added to your CPD record")).to_be_visible()
    expect(page.get_by_test_id("year-hours")).to_have_text("2.5 hours")
    card = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name=title))
    expect(card).to_have_count(1)
    row = card.locator(".govuk-summary-list__row")
    expect(row.filter(has_text="Hours").locator(".govuk-summary-list__value")).to_have_text("2.5")
    expect(row.filter(has_text="Goal").get_by_role("link")).to_contain_text(GOAL)


def test_a_plan_from_gaps_shows_progress_after_an_activity_and_a_new_assessment(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    member = new_page(viewport=NARROW)
    pages = Pages(member)
    sign_up(member, new_person("Dara Okoye"), live_server.mailbox)
    assess(pages, levels={})
    start_plan(pages)
    tasks = member.locator(".govuk-task-list")
    expect(tasks.locator(".govuk-task-list__item")).to_have_count(1)
    expect(tasks).to_contain_text("Not yet reassessed")

    tasks.get_by_role("link", name=GOAL).click()
    pages.seen(GOAL)
    member.get_by_role("button", name="Add an activity").click()
    pages.seen("Add an activity")
    member.get_by_label("Mentoring").check()
    member.get_by_role("button", name="Add activity").click()
    pages.seen("Add an activity")
    expect(member.locator(".govuk-error-summary")).to_contain_text("Enter what you will do")
    expect(member.get_by_label("Mentoring")).to_be_checked()
    member.get_by_label("What will you do?").fill("Monthly mentoring with our content lead")
    member.get_by_role("button", name="Add activity").click()
    pages.seen(GOAL)
    member.get_by_role("link", name=re.compile("^Update")).click()
    pages.seen("Monthly mentoring with our content lead: How far has this activity got?")
    member.get_by_label("Done").check()
    member.get_by_role("button", name="Save").click()
    pages.seen(GOAL)
    expect(member.locator("#activities")).to_contain_text("Done")

    log_cpd_for_goal(pages, "Monthly mentoring with our content lead")
    cpd = member.locator(".govuk-summary-card", has_text="Monthly mentoring")
    cpd.get_by_role("link", name=re.compile(f"^{GOAL}")).click()
    pages.seen("Your development plan")

    assess(pages, levels={GOAL: "4 Expert"})
    member.get_by_role("link", name="See your result and gaps").click()
    pages.seen("Your self-assessment result")
    pages.visit("/development/", "Your development plans")
    member.get_by_role("link", name="Open").first.click()
    pages.seen("Your development plan")
    expect(tasks).to_contain_text("Target reached")
    expect(summary_value(member, "Progress")).to_contain_text("1 of 1 goal reached")
    tasks.get_by_role("link", name=GOAL).click()
    pages.seen(GOAL)
    expect(summary_value(member, "Latest assessed")).to_have_text("Expert")
    expect(summary_value(member, "At the start")).to_have_text("Working")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    member.screenshot(path=SCREENSHOTS / "development-goal-320.png", full_page=True)
    pages.again_wide()


def test_a_commitment_is_published_kept_and_withdrawn_from_every_copy(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    member = new_page(viewport=NARROW)
    pages = Pages(member)
    person = new_person("Kofi Mensah")
    sign_up(member, person, live_server.mailbox)
    pages.visit("/account/privacy", "Your privacy and the register")
    member.get_by_label("Publish my name").check()
    member.get_by_role("button", name="Save your choices").click()
    pages.seen("Your privacy and the register")
    assess(pages, levels={})
    start_plan(pages)
    member.locator(".govuk-task-list").get_by_role("link", name=GOAL).click()
    pages.seen(GOAL)
    goal_url = member.url

    member.get_by_role("button", name="Make a public commitment").click()
    pages.seen("Check your public commitment")
    expect(summary_value(member, "What you agree to")).to_contain_text(COMMITMENTS_CONSENT)
    statement = summary_value(member, "Your commitment").inner_text().strip()
    assert re.fullmatch(rf"By \d+ \w+ \d{{4}} I will reach Expert in {GOAL}", statement)
    member.get_by_role("button", name="Make public commitment").click()
    pages.seen(GOAL)
    expect(member.get_by_text("Your goal is now a public commitment")).to_be_visible()
    member.get_by_role("link", name="See your public commitments page").click()
    pages.seen("Public development commitments")
    public_url = member.url
    expect(member.get_by_role("main")).to_contain_text(statement)
    expect(member.get_by_role("main")).to_contain_text(person.name)

    pages.visit(goal_url, GOAL)
    member.get_by_role("link", name="Tell us you have kept it").click()
    pages.seen("Did you keep your commitment?")
    member.get_by_label("No, I missed it").check()
    member.get_by_role("button", name="Save answer").click()
    pages.seen("Did you keep your commitment?")
    expect(member.locator(".govuk-error-summary")).to_contain_text("once its date has come")
    member.get_by_label("Yes, I kept it").check()
    member.get_by_role("button", name="Save answer").click()
    pages.seen(GOAL)
    pages.visit(public_url, "Public development commitments")
    expect(member.get_by_role("main")).to_contain_text("Kept")

    admin = new_page()
    sign_in(admin, live_server.admin_email, live_server.admin_password)
    expect_page(admin, "Your home")
    visit(admin, "/register/new", heading="Build a register")
    admin.get_by_label("Everyone interested in the framework who agreed to be listed").check()
    admin.get_by_role("button", name="Preview the register").click()
    expect_page(admin, "Preview the register")
    admin.get_by_role("button", name="Publish this register").click()
    assert "is published" in follow_job(admin, "Publish the register")
    admin.locator("#job-subject-link").click()
    check_accessibility(admin)
    register_url = admin.url
    row = admin.locator("table.app-register").get_by_role("row").filter(has_text=person.name)
    expect(row).to_contain_text(f"{statement} (kept)")

    pages.visit("/account/privacy", "Your privacy and the register")
    member.get_by_label(COMMITMENTS_CONSENT).uncheck()
    member.get_by_role("button", name="Save your choices").click()
    pages.seen("Your privacy and the register")

    visit(admin, register_url, status=410)
    expect(admin.get_by_role("main")).not_to_contain_text(statement)
    response = member.goto(public_url)
    assert response is not None
    assert response.status == 404
    check_accessibility(member)
    pages.visit(goal_url, GOAL)
    pages.again_wide()
