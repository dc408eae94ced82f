"""Key pages at the narrowest (320px) and a desktop width: no sideways scrolling, screenshots."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import SCREENSHOTS, check_accessibility, sign_in, visit

pytestmark = pytest.mark.e2e


def fits_and_snap(page: Page, name: str) -> None:
    """Fail if the page scrolls sideways (WCAG 1.4.10 Reflow); keep a full-page screenshot."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", [320, 1280])
def test_key_pages_reflow_without_sideways_scrolling(
    new_page: Callable[..., Page], width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 900})

    visit(page, "/")
    fits_and_snap(page, f"start-{width}")
    visit(page, "/sign-up")
    fits_and_snap(page, f"sign-up-{width}")
    sign_in(page, "nobody@example.gov.uk", "not the right password")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_accessibility(page)
    fits_and_snap(page, f"sign-in-error-{width}")
