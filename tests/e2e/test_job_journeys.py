"""A job's page and the list of recent jobs, at the narrowest (320px) and a desktop width."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import check_accessibility, expect_page, sign_in, visit
from tests.e2e.test_page_layout import fits_and_snap

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [320, 1280])
def test_a_job_page_shows_how_it_ended_and_the_list_shows_it_at_any_width(
    new_page: Callable[..., Page], live_server: LiveServer, width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 900})
    sign_in(page, live_server.admin_email, live_server.admin_password)
    expect_page(page, "Your home")
    visit(page, "/register/preview?population=framework", heading="Preview the register")
    page.get_by_role("button", name="Publish this register").click()
    # Published if anyone has agreed to be listed by now, otherwise failed saying so, with
    # a button to try again: either way the page ends in a state it explains.
    ended = page.locator(".govuk-panel__title, #job-failed-title")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the register")
    expect(ended).to_be_visible(timeout=120_000)
    check_accessibility(page)
    if ended.inner_text() != "Done":
        expect(page.locator("#job-error")).to_contain_text("agreed to appear in the register")
        expect(page.get_by_role("button", name="Try again")).to_be_visible()
    fits_and_snap(page, f"job-{width}")
    job_path = page.url.removeprefix(live_server.url)

    visit(page, "/jobs/", heading="Recent jobs")
    expect(page.locator(f"a[href='{job_path}']")).to_contain_text("Publish the register")
    fits_and_snap(page, f"jobs-{width}")
