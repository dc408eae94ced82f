"""Checks every HTML page must pass: status, title, unique ids, GOV.UK error summary."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup
from werkzeug.test import TestResponse


def check_page(
    response: TestResponse, *, status: int = 200, title: str | None = None, errors: bool = False
) -> BeautifulSoup:
    """Parse a page and assert it is well formed; return the soup for further checks."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    page_title = page.title.get_text(strip=True) if page.title else ""
    assert page_title.endswith("Web professionals skills register"), page_title
    if title is not None:
        assert page_title.removeprefix("Error: ").startswith(title), page_title
    ids = Counter(tag["id"] for tag in page.find_all(id=True))
    assert not [i for i, n in ids.items() if n > 1], f"duplicate ids: {ids.most_common(3)}"
    assert page.find("main", id="main-content") is not None
    assert len(page.find_all("h1")) == 1, "every page has exactly one h1"
    summary = page.select_one(".govuk-error-summary")
    if errors:
        assert page_title.startswith("Error: "), page_title
        assert summary is not None, "an invalid form shows the GOV.UK error summary"
        for link in summary.select("a[href^='#']"):
            assert page.find(id=link["href"][1:]) is not None, (
                f"summary link {link['href']} dangles"
            )
    else:
        assert summary is None, summary.get_text(" ", strip=True) if summary else ""
        assert not page_title.startswith("Error: ")
    return page


def error_messages(page: BeautifulSoup) -> list[str]:
    """The messages listed in the error summary."""
    return [a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")]
