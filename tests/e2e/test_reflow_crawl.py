"""Every page each actor can reach fits a 320 px screen, with JavaScript on and off, and passes
axe-core at 320 px and (with JavaScript, the window widened on the same page) at 1280 px.

The crawl starts at the home page and the known entry points, follows the service's own links
(not downloads, not sign-out) and is bounded: a few pages per URL pattern, so a framework's many
skill pages count once or twice. A member with a submitted assessment, an application and an
offer, and a confirmed selection round are seeded first so their pages are reached too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, deque
from collections.abc import Iterator
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import LiveServer, server_environment
from tests.e2e.helpers import (
    ROOT,
    SCREENSHOTS,
    audit,
    axe_in_every_document,
    check_accessibility,
    sign_in,
)

pytestmark = pytest.mark.e2e

MEMBER_EMAIL = "crawl.member@example.gov.uk"
ORGANISER_EMAIL = "crawl.organiser@example.gov.uk"
PASSWORD = "a crawl through every page"
ENTRY_POINTS = {
    "anonymous": ["/", "/frameworks", "/workshops/", "/register/", "/library/", "/sign-up"],
    "member": [
        "/",
        "/assessments/",
        "/workshops/applications",
        "/workshops/interest",
        "/account",
        "/account/data",
        "/workshops/places",
    ],
    "organiser": ["/", "/workshops/manage", "/workshops/rounds", "/library/targets/new"],
    "administrator": ["/", "/admin/users", "/admin/outbox", "/frameworks"],
}
COLLECTIONS = {"frameworks", "categories", "roles", "skills", "documents", "targets"}
# Pages per URL pattern (the same template with other data): two with JavaScript, where a long
# name or many rows can widen a page; one without, where what differs is the template's own
# fallback for what scripts would do, the same whatever the data.
PER_PATTERN = {True: 2, False: 1}
MOST_PAGES = 60  # per actor and mode: keeps the test to minutes on a small machine
SKIPPED = re.compile(
    r"/sign-out|/download|\.(pdf|ya?ml|json|csv|ics|zip|docx?|xlsx?|odt|txt)$|/files?/|/export|"
    r"/feed|/api/|/healthz|/static/|/assets/|\?next="
)

SEED = """
from datetime import timedelta
from skillsreg.app import create_app
from skillsreg.accounts.rules import Role, Sector
from skillsreg.accounts.services import find_user_by_email, register_user
from skillsreg.assessments import services as assessments
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.frameworks.models import Framework
from skillsreg.frameworks.services import latest_published
from skillsreg.workshops import services as workshops
from skillsreg.workshops.demo import load_demo_round_tables
from skillsreg.workshops.selection import services as selection

MEMBER, ORGANISER, PASSWORD = {member!r}, {organiser!r}, {password!r}

with create_app().app_context():
    if find_user_by_email(MEMBER) is None:
        now = utcnow()
        people = dict(organisation="Kirklees Council", sector=Sector.PUBLIC,
                      now=now - timedelta(days=20), confirmed=True)
        member = register_user(name="Casey Crawl", email=MEMBER, password=PASSWORD,
            job_title="Web manager", web_groups=["web-manager"], **people)
        organiser = register_user(name="Olu Organiser", email=ORGANISER, password=PASSWORD,
            job_title="Programme manager", web_groups=[], role=Role.ORGANISER, **people)
        framework = db.session.scalars(db.select(Framework)).first()
        version = latest_published(framework)
        role = version.roles[0]
        done = assessments.start_assessment(user=member, version=version, role_code=role.code,
            role_level_code=role.levels[0].code, now=now)
        answer = assessments.Answer(choice="1", evidence="Ran the council website.")
        answers = {{r.skill_code: answer for r in done.ratings}}
        assessments.save_ratings(done, answers, now=now)
        assessments.submit_assessment(done, now=now)
        assessments.create_share_link(done, now=now)
        assessments.start_assessment(user=member, version=version, role_code=role.code,
            role_level_code=role.levels[-1].code, now=now)
        tables = load_demo_round_tables(now)
        opened = now - timedelta(days=14)
        eoi = workshops.start_interest(member, now=opened)
        workshops.choose_workshops(eoi, workshop_ids=[w.id for w in tables],
            wants_to_comment_on_draft=False, now=opened)
        workshops.rank_choices(eoi, ranks={{w.id: n for n, w in enumerate(tables, 1)}},
            availability={{w.id: True for w in tables}}, now=opened)
        workshops.answer_questions(eoi, experience="Runs the council website.\\r\\n\\r\\nAnd more.",
            manages_web_team=True, years_managing=30, share_assessment=True, access_needs=None,
            now=opened)
        workshops.submit_interest(eoi, now=opened)
        round_ = selection.open_round(workshops=tables, title="Round tables",
            max_places_per_person=1, min_per_target_role=0, time_limit=10.0, weights={{}},
            actor=organiser, now=now)
        run = selection.run_round(round_, seed=7, actor=organiser, now=now)
        selection.confirm_round(round_, run, actor=organiser, now=now)
        db.session.commit()
"""


@pytest.fixture(scope="session")
def seeded(e2e_database_url: str, live_server: LiveServer) -> LiveServer:
    """The server with the crawl's member, organiser and confirmed selection round."""
    env = server_environment(e2e_database_url, base_url=live_server.url, mail_port=0)
    script = SEED.format(member=MEMBER_EMAIL, organiser=ORGANISER_EMAIL, password=PASSWORD)
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"seeding failed:\n{result.stdout}{result.stderr}"
    return live_server


def pattern(path: str) -> str:
    """The template a path is likely drawn with: codes, numbers and slugs generalised."""
    parts = []
    for segment in path.strip("/").split("/"):
        generic = re.fullmatch(r"[A-Z0-9-]+", segment) or re.search(r"\d", segment)
        after_collection = bool(parts) and parts[-1] in COLLECTIONS and segment != "new"
        parts.append("*" if generic or after_collection else segment)
    return "/" + "/".join(parts)


def crawl(page: Page, origin: str, starts: list[str], *, per_shape: int) -> Iterator[str]:
    """Visit the service's pages breadth first from `starts`; yield each path once loaded."""
    queue = deque(starts)
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    visited = 0
    while queue and visited < MOST_PAGES:
        path = queue.popleft()
        shape = pattern(urlsplit(path).path)
        if path in seen or SKIPPED.search(path) or per_pattern[shape] >= per_shape:
            continue
        seen.add(path)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a download rather than a page
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        per_pattern[shape] += 1
        visited += 1
        yield path
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urldefrag(href).url
            parts = urlsplit(url)
            if url.startswith(origin):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def sign_in_as(page: Page, live_server: LiveServer, actor: str) -> None:
    emails = {
        "member": (MEMBER_EMAIL, PASSWORD),
        "organiser": (ORGANISER_EMAIL, PASSWORD),
        "administrator": (live_server.admin_email, live_server.admin_password),
    }
    if actor in emails:
        sign_in(page, *emails[actor])
        page.wait_for_load_state("load")
        check_accessibility(page)


def crawl_at(
    browser: Browser, server: LiveServer, actor: str, *, widths: tuple[int, ...], scripts: bool
) -> list[str]:
    """Crawl as `actor` with the window at each of `widths` in turn on every page (loaded once, at
    the first), checking each with axe; return the pages wider than the window."""
    viewports = [ViewportSize(width=width, height=800 if width < 1000 else 900) for width in widths]
    context = browser.new_context(
        base_url=server.url, viewport=viewports[0], java_script_enabled=scripts
    )
    context.set_default_timeout(15_000)
    if scripts:
        axe_in_every_document(context)
    page = context.new_page()
    page_audit = audit(page, scripts=scripts)
    too_wide: list[str] = []
    visited: list[str] = []
    try:
        sign_in_as(page, server, actor)
        for path in crawl(page, server.url, ENTRY_POINTS[actor], per_shape=PER_PATTERN[scripts]):
            visited.append(path)
            for viewport in viewports:
                if viewport is not viewports[0]:
                    page.set_viewport_size(viewport)
                too_wide += check_at(page, path, actor, viewport["width"], scripts=scripts)
            if len(viewports) > 1:
                page.set_viewport_size(viewports[0])
    finally:
        context.close()
    print(f"\n{actor} at {' and '.join(map(str, widths))} px: {len(visited)} pages: {visited}")
    assert len(visited) >= 5, visited
    assert not page_audit.problems, page_audit.problems
    return too_wide


def check_at(page: Page, path: str, actor: str, width: int, *, scripts: bool) -> list[str]:
    """axe at this width, and the page's width if wider than the window (with a screenshot)."""
    check_accessibility(page)
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    name = re.sub(r"\W+", "-", path).strip("-") or "home"
    if os.environ.get("CRAWL_SCREENSHOTS"):  # every page, to look at one by one
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = f"crawl-{actor}-{width}-{'js' if scripts else 'nojs'}-{name}.png"
        page.screenshot(path=SCREENSHOTS / shot, full_page=True)
    if scrolled <= width:
        return []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"wide-{actor}-{width}-{name}.png", full_page=True)
    return [f"{path} at {width} px ({scrolled} px)"]


@pytest.mark.parametrize("actor", list(ENTRY_POINTS))
def test_every_page_fits_320_px_and_passes_axe_there_and_at_1280_px(
    browser: Browser, seeded: LiveServer, actor: str
) -> None:
    too_wide = crawl_at(browser, seeded, actor, widths=(320, 1280), scripts=True)
    assert not too_wide, "wider than the window:\n" + "\n".join(too_wide)


@pytest.mark.parametrize("actor", list(ENTRY_POINTS))
def test_without_javascript_every_page_fits_320_px_and_passes_axe(
    browser: Browser, seeded: LiveServer, actor: str
) -> None:
    too_wide = crawl_at(browser, seeded, actor, widths=(320,), scripts=False)
    assert not too_wide, "wider than 320 px:\n" + "\n".join(too_wide)
