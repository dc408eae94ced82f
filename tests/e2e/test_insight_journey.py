"""Community insight in Chromium: an organiser reads the picture and makes a release; anyone
reads the public figures and the methodology. Every page passes axe at 1280 and 320 px."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from skillsreg.config import ROOT
from tests.e2e.conftest import LiveServer, server_environment
from tests.e2e.helpers import check_accessibility, expect_page, sign_in, visit

pytestmark = pytest.mark.e2e

LOAD_COMMUNITY = """
from flask import current_app
from skillsreg.app import create_app
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.insight.demo import load_demo_community, load_demo_release
from skillsreg.insight.settings import budget

with create_app().app_context():
    load_demo_community(utcnow(), count=150, seed=8)
    load_demo_release(utcnow(), budget=budget(), url_base=current_app.config["BASE_URL"])
    db.session.commit()
"""


@pytest.fixture(scope="module")
def community(live_server: LiveServer, e2e_database_url: str, smtp_server: tuple[Any, Any]) -> None:
    """A demonstration community and its first release in the server's database, loaded as an
    operator would (`flask demo load`): each test may run on a worker of its own."""
    controller, _mailbox = smtp_server
    env = server_environment(e2e_database_url, base_url=live_server.url, mail_port=controller.port)
    result = subprocess.run(
        [sys.executable, "-c", LOAD_COMMUNITY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def fits(page: Page, width: int) -> None:
    """Nothing on the page is wider than the window: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 320])
def test_an_organiser_reads_the_picture_and_makes_a_release(
    new_page: Callable[..., Page], live_server: LiveServer, community: None, width: int
) -> None:
    organiser = new_page(viewport={"width": width, "height": 900})
    sign_in(organiser, live_server.admin_email, live_server.admin_password)
    expect_page(organiser, "Your home")

    visit(organiser, "/insight/", heading="Community skills picture")
    fits(organiser, width)
    expect(organiser.get_by_text("people are counted")).to_be_visible()
    expect(organiser.locator("svg[role=img]").first).to_be_visible()
    organiser.locator("table a.govuk-link").first.click()
    expect(organiser.get_by_role("heading", level=1)).to_contain_text("community picture")
    check_accessibility(organiser)
    organiser.get_by_role("link", name="Sector", exact=True).click()
    expect(organiser.get_by_text("People by level, by sector")).to_be_visible()
    check_accessibility(organiser)
    fits(organiser, width)

    visit(organiser, "/insight/action", heading="From gaps to action")
    fits(organiser, width)
    visit(organiser, "/insight/over-time", heading="The picture over time")
    visit(organiser, "/insight/health", heading="Community health")
    fits(organiser, width)

    visit(organiser, "/insight/releases", heading="Open data releases")
    organiser.get_by_role("button", name="Make a release").click()
    expect(organiser.locator(".govuk-notification-banner")).to_contain_text("is published")
    expect(organiser.get_by_role("heading", level=1)).to_contain_text("Community skills release")
    check_accessibility(organiser)
    fits(organiser, width)
    csv_link = organiser.get_by_role("link", name="csv-metadata.json")
    href = csv_link.get_attribute("href") or ""
    metadata = organiser.request.get(href)
    assert metadata.status == 200
    assert metadata.json()["tableSchema"]["columns"][0]["name"] == "release"


@pytest.mark.parametrize("width", [1280, 320])
def test_anyone_reads_the_public_figures_and_how_they_are_made(
    new_page: Callable[..., Page], live_server: LiveServer, community: None, width: int
) -> None:
    reader = new_page(viewport={"width": width, "height": 900})

    visit(reader, "/insight/public", heading="Community skills: open statistics")
    fits(reader, width)
    # The demonstration community comes with a first release, by sector and by region too.
    expect(reader.get_by_role("heading", name="By region")).to_be_visible()
    visit(reader, "/insight/methodology", heading="How the community skills statistics are made")
    fits(reader, width)
    expect(reader.get_by_text("differential privacy").first).to_be_visible()
    visit(reader, "/insight/releases", heading="Open data releases")
    fits(reader, width)
