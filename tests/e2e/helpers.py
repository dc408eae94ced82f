"""Browser-test helpers: the axe-core check every page must pass, and account journeys."""

from __future__ import annotations

import re
import secrets
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
RESET_LINK = re.compile(r"https?://\S+/reset-password/\S+")
CONFIRM_LINK = re.compile(r"https?://\S+/confirm-email/\S+")

# The rules axe reports, only violations: passes and inapplicable rules are large and unused,
# and with resultTypes axe stops collecting them after the first node (a third less time).
_RUN_AXE = """async tags => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => n.target.flat().join(' ')),
  }));
}"""


# With JavaScript off, Chromium still evaluates what the test sends but runs no timer or queued
# callback, only promise jobs. axe waits on zero-delay timers; its longer ones are time-outs only.
_TIMERS_WITHOUT_SCRIPTS = """() => {
  const later = callback => { Promise.resolve().then(callback) };
  window.queueMicrotask = later;
  window.setTimeout = (callback, delay, ...args) => {
    if (!(delay > 1)) later(() => callback(...args));
    return 0;
  };
  window.clearTimeout = () => {};
}"""


class PageAudit:
    """Every document a page loads, and whether axe checked it before the next one replaced it."""

    def __init__(self, page: Page, *, scripts: bool) -> None:
        self.scripts = scripts
        self.unchecked: str | None = None
        self.checked_urls: set[str] = set()
        self.checked_urls: set[str] = set()
        self.missed: list[str] = []
        self.problems: list[str] = []
        page.on("load", self._loaded)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", self._console)

    def _loaded(self, page: Page) -> None:
        # A page that reloads itself (a job's progress) is checked at its latest load, or was
        # checked at this address already.
        reloaded = self.unchecked == page.url
        if self.unchecked is not None and not reloaded and self.unchecked not in self.checked_urls:
            self.missed.append(self.unchecked)
        self.unchecked = page.url

    def _console(self, message: ConsoleMessage) -> None:
        # A blocked script or style shows up here first (CSP, a missing GOV.UK Frontend file).
        # The document's own status is the test's business (an expired link answers 410).
        own_status = message.location.get("url") == message.page.url if message.page else False
        if message.type == "error" and not own_status:
            self.problems.append(f"console error: {message.text}")

    def checked(self) -> None:
        if self.unchecked is not None:
            self.checked_urls.add(self.unchecked)
        self.unchecked = None

    def complaints(self) -> list[str]:
        missed = [*self.missed, *([self.unchecked] if self.unchecked else [])]
        return [f"no accessibility check on {url}" for url in missed] + self.problems


_audits: weakref.WeakKeyDictionary[Page, PageAudit] = weakref.WeakKeyDictionary()


def audit(page: Page, *, scripts: bool = True) -> PageAudit:
    """Start recording the documents this page loads and the script errors it meets."""
    _audits[page] = PageAudit(page, scripts=scripts)
    return _audits[page]


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_in_every_document(context: BrowserContext) -> None:
    """Have Chromium run axe-core in each document the context loads, before the page's own
    scripts (and outside its CSP), rather than sending it over again for each check.

    Only with JavaScript on: without it, `check_accessibility` sends axe over itself after
    replacing the timers it waits on.
    """
    context.add_init_script(path=AXE_SCRIPT)


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as loaded; fail naming each rule, its help and the elements."""
    page.wait_for_load_state("load")
    page_audit = _audits.get(page)
    # Evaluated through the DevTools protocol, so the app's strict CSP stays in force for it.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        if page_audit is not None and not page_audit.scripts:
            page.evaluate(_TIMERS_WITHOUT_SCRIPTS)
        page.evaluate(axe_source())
    violations = page.evaluate(_RUN_AXE, AXE_TAGS)
    if page_audit is not None:
        page_audit.checked()
    assert not violations, f"accessibility violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>\n"
        + "\n".join(f"    {selector}" for selector in v["nodes"])
        for v in violations
    )


def visit(page: Page, path: str, *, status: int = 200, heading: str | None = None) -> None:
    """Open a page of the service, check its status, its h1 if given, and its accessibility."""
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}"
    if heading is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_accessibility(page)


def expect_page(page: Page, heading: str) -> None:
    """Wait for the page whose h1 is `heading`, then check its accessibility."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_accessibility(page)


def delivered(
    mailbox: Any, match: Callable[[Any], bool], *, count: int = 1, timeout: float = 60.0
) -> list[Any]:
    """The messages the server's queue worker has delivered that match, once there are `count`
    (email goes out after the request, from the worker running next to gunicorn)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [message for message in list(mailbox.messages) if match(message)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def follow_job(page: Page, heading: str, *, timeout_ms: int = 120_000) -> str:
    """On a job's page (it refreshes itself), wait until the job is done; return its message.

    The page is checked for accessibility while the job is still waiting or running, if it is
    caught then, and again once it is done.
    """
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    for _ in range(3):
        try:
            if page.locator(".govuk-panel").count() == 0:
                check_accessibility(page)
            break
        except PlaywrightError:  # the page reloaded itself while axe was looking at it
            continue
    expect(page.locator(".govuk-panel__title")).to_have_text("Done", timeout=timeout_ms)
    check_accessibility(page)
    return page.locator(".govuk-panel__body").inner_text()


@dataclass(frozen=True)
class Person:
    """Everything the sign-up form asks for."""

    name: str
    email: str
    password: str
    organisation: str = "Tameside Metropolitan Borough Council"
    sector: str = "Public sector"
    job_title: str = "Senior content designer"
    web_groups: tuple[str, ...] = ("Content managers and editors", "Web managers")


def new_person(name: str = "Priya Patel") -> Person:
    """Someone who has no account yet: a name and email address no other test uses."""
    tag = secrets.token_hex(3)
    first, _, last = name.partition(" ")
    return Person(
        name=f"{name} {tag}",
        email=f"{first}.{last}.{tag}@example.gov.uk".lower(),
        password=f"a long walk by the canal {tag}",
    )


def fill_in_sign_up(page: Page, person: Person) -> None:
    """Complete every field of the open sign-up form and send it, ending on the account page."""
    page.get_by_label("Full name").fill(person.name)
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Organisation").fill(person.organisation)
    page.get_by_label(person.sector, exact=True).check()
    page.get_by_label("Job title").fill(person.job_title)
    for group in person.web_groups:
        page.get_by_label(group, exact=True).check()
    page.get_by_label("Create a password", exact=True).fill(person.password)
    page.get_by_label("Confirm password", exact=True).fill(person.password)
    page.get_by_role("button", name="Create account").click()
    expect_page(page, "Your account")


def emailed_link(mailbox: Any, to: str, pattern: re.Pattern[str], *, wait: float = 5.0) -> str:
    """The link matching `pattern` in the latest email sent to `to`, waiting a moment for it."""
    deadline = time.monotonic() + wait
    while True:
        for message in reversed(list(mailbox.messages)):
            if message["To"] == to:
                found = pattern.search(message.get_content())
                if found:
                    return found.group()
        assert time.monotonic() < deadline, f"no email to {to} with a link like {pattern.pattern}"
        time.sleep(0.1)


def confirm_email(page: Page, mailbox: Any, email: str) -> None:
    """Open the emailed confirmation link and press its button, ending on the account page."""
    visit(page, emailed_link(mailbox, email, CONFIRM_LINK), heading="Confirm your email address")
    page.get_by_role("button", name="Confirm my email address").click()
    expect_page(page, "Your account")
    expect(page.get_by_text("Your email address is confirmed")).to_be_visible()


def sign_up(page: Page, person: Person, mailbox: Any) -> None:
    """Create an account through the sign-up form and confirm it, ending on the account page."""
    visit(page, "/sign-up")
    fill_in_sign_up(page, person)
    confirm_email(page, mailbox, person.email)


def summary_value(page: Page, key: str) -> Locator:
    """The value beside `key` in the page's GOV.UK summary list."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=key)
    )
    return row.locator(".govuk-summary-list__value")


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill in the sign-in form and send it; the caller checks where it led."""
    visit(page, "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    """Use the header's sign-out button and land on the start page."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    check_accessibility(page)
