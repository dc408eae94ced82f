"""Library journeys in Chromium against gunicorn: an organiser uploads, anyone downloads."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import check_accessibility, expect_page, sign_in, summary_value, visit

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DISGUISED = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def _upload(page: Page, name: str, content: bytes, mime_type: str = "application/pdf") -> None:
    page.get_by_label("Files", exact=True).set_input_files(
        files=[{"name": name, "mimeType": mime_type, "buffer": content}]
    )
    page.get_by_role("button", name="Upload document").click()


def test_an_organiser_uploads_a_document_and_anyone_downloads_it(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    title = f"Accessibility audit checklist {secrets.token_hex(3)}"
    organiser = new_page()
    sign_in(organiser, live_server.admin_email, live_server.admin_password)
    expect_page(organiser, "Your home")
    visit(organiser, "/library/new", heading="Upload a document")
    organiser.get_by_label("Title").fill(title)
    organiser.get_by_label("Summary").fill("What we check before a council site goes live.")
    organiser.get_by_label("Tags (optional)").fill("Accessibility, audits")
    organiser.get_by_label("Workshop materials").check()

    _upload(organiser, "checklist.pdf", DISGUISED)
    expect_page(organiser, "Upload a document")
    expect(organiser.locator(".govuk-error-summary")).to_contain_text(
        "checklist.pdf does not match its file type"
    )
    expect(organiser.get_by_label("Title")).to_have_value(title)
    expect(organiser.get_by_label("Tags (optional)")).to_have_value("Accessibility, audits")

    _upload(organiser, "checklist.pdf", PDF)
    expect_page(organiser, title)
    expect(organiser.get_by_text(f"{title} added to the library")).to_be_visible()

    reader = new_page()
    visit(reader, "/library/?tag=audits", heading="Community library")
    reader.get_by_role("link", name=title).click()
    expect_page(reader, title)
    href = reader.get_by_role("link", name="checklist.pdf").get_attribute("href") or ""
    download = reader.request.get(href)
    assert download.status == 200
    assert download.body() == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == 'attachment; filename="checklist.pdf"'
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"
    feed = reader.request.get("/library/feed.atom").text()
    assert f"New document: {title}" in feed
    assert reader.request.head(href).status == 200  # headers only: not a download

    organiser.reload()
    check_accessibility(organiser)
    expect(summary_value(organiser, "Downloads")).to_have_text("1 in all, 1 in the last 30 days")
    visit(organiser, "/insight/health", heading="Community health")
    expect(organiser.get_by_role("heading", name="Library downloads", level=2)).to_be_visible()
    expect(organiser.get_by_role("table", name="Library downloads per month")).to_be_visible()
