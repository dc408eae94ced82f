"""The pages that say who sees what, and what the download holds, on a phone-sized screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import check_accessibility, new_person, sign_up, visit

pytestmark = pytest.mark.e2e


def _fits(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_a_member_reads_who_sees_their_assessments_and_what_the_download_holds(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    page = new_page(viewport={"width": 320, "height": 800})
    sign_up(page, new_person("Rosa Reader"), live_server.mailbox)

    visit(page, "/assessments/", heading="Your self-assessments")
    page.get_by_role("link", name="who sees your self-assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    check_accessibility(page)
    section = page.locator("#who-sees-your-self-assessments")
    expect(section).to_have_text("Who sees your self-assessments")
    expect(page.get_by_role("main")).to_contain_text("not administrators")
    _fits(page)

    visit(page, "/account/data", heading="Your data")
    expect(page.get_by_role("main")).to_contain_text("the emails we sent you")
    expect(page.get_by_role("main")).to_contain_text("workshop offers made to you")
    _fits(page)
