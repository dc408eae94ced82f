"""The CPD record and reminders in Chromium against gunicorn: log an activity, see the totals,
add reflections on an attended workshop, download the record, get a reminder and leave it with
one click."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import Page, expect

from skillsreg.core.db import utcnow
from skillsreg.workshops.queries import in_london
from tests.e2e.conftest import LiveServer, flask
from tests.e2e.helpers import (
    check_accessibility,
    delivered,
    expect_page,
    new_person,
    sign_up,
    visit,
)

pytestmark = pytest.mark.e2e

# An organiser records the member's attendance two days ago, as the workshop pages would.
ATTEND = """
import sys
from skillsreg.accounts.services import find_user_by_email
from skillsreg.app import create_app
from skillsreg.extensions import db
from tests.development.records import attend

with create_app().app_context():
    member, organiser = (find_user_by_email(address) for address in sys.argv[1:3])
    attend(member, organiser, days_ago=2, title=sys.argv[3])
    db.session.commit()
"""


def attended(live_server: LiveServer, email: str, title: str) -> None:
    command = [sys.executable, "-c", ATTEND, email, live_server.admin_email, title]
    result = subprocess.run(
        command, cwd=Path(__file__).resolve().parents[2], env=live_server.env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_a_member_keeps_a_cpd_record_and_gets_a_reminder(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    person = new_person("Rosa Parks")
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_up(page, person, live_server.mailbox)
    workshop = f"Accessibility clinic {person.email[:12]}"
    attended(live_server, person.email, workshop)
    day = in_london(utcnow()).date() - timedelta(days=2)  # the workshop's day, and the course's

    visit(page, f"/development/cpd/?year={day.year}", heading="Your CPD record")
    expect(
        page.get_by_text("1 workshop you attended is waiting for your reflections")
    ).to_be_visible()
    expect(page.get_by_test_id("year-hours")).to_have_text("6 hours")
    page.get_by_role("button", name="Log an activity").click()
    expect_page(page, "Log a CPD activity")
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what you did")
    check_accessibility(page)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Course", exact=True).check()
    page.get_by_label("What did you do?").fill("Screen reader testing course")
    page.get_by_label("How many hours did it take?").fill("1.5")
    page.get_by_label("What did you learn?").fill("NVDA and VoiceOver basics")
    page.get_by_label("How will you apply it?").fill("Test every new form with both")
    page.get_by_label("Accessibility (ACCS)").check()
    page.get_by_role("button", name="Save activity").click()
    expect_page(page, "Your CPD record")
    expect(
        page.get_by_text("Screen reader testing course added to your CPD record")
    ).to_be_visible()
    expect(page.get_by_test_id("year-hours")).to_have_text("7.5 hours")

    page.get_by_role("link", name=f"Add your reflections on {workshop}").click()
    expect_page(page, "Add your reflections")
    expect(page.get_by_label("How many hours did it take?")).to_have_value("6")
    page.get_by_label("What did you learn?").fill("How to fix error messages for screen readers")
    page.get_by_role("button", name="Save reflections").click()
    expect_page(page, "Your CPD record")
    expect(page.get_by_text("waiting for your reflections")).to_have_count(0)
    kinds = page.locator("table", has=page.get_by_text("By kind of activity"))
    for kind, hours in (("Workshop", "6"), ("Course", "1.5")):
        row = kinds.locator("tr", has=page.get_by_role("rowheader", name=kind, exact=True))
        expect(row.locator("td")).to_have_text(hours)

    page.get_by_role("link", name="Set a yearly target").click()
    expect_page(page, "How many hours of CPD do you aim for each year?")
    page.get_by_label("How many hours of CPD do you aim for each year?").fill("30")
    page.get_by_role("button", name="Save target").click()
    expect_page(page, "Your CPD record")
    visit(page, f"/development/cpd/?year={day.year}", heading="Your CPD record")
    expect(page.get_by_test_id("year-hours")).to_have_text("7.5 hours of your target of 30 hours")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download {day.year} as a CSV file").click()
    body = Path(download_info.value.path()).read_bytes().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert {row["What you did"]: row["Hours"] for row in rows} == {
        "Screen reader testing course": "1.5",
        workshop: "6",
    }
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download {day.year} as a PDF").click()
    assert download_info.value.suggested_filename == f"cpd-record-{day.year}.pdf"
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    page.set_viewport_size({"width": 320, "height": 800})
    for path in (f"/development/cpd/?year={day.year}", "/development/cpd/new"):
        visit(page, path)
        no_sideways_scroll(page)
    visit(page, "/development/reminders/", heading="Reminders by email")
    no_sideways_scroll(page)
    page.get_by_label("Once a month").check()
    page.get_by_role("button", name="Save").click()
    expect_page(page, "Your CPD record")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The operator's cron runs the command; twice, and one email goes out.
    flask("reminders", "send", env=live_server.env)
    flask("reminders", "send", env=live_server.env)
    [email, *_] = delivered(
        live_server.mailbox,
        lambda m: m["To"] == person.email and m["Subject"].startswith("Your development"),
    )
    text = email.get_content()
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = re.fullmatch(r"<(https://[^>]+)>", email["List-Unsubscribe"])[1]
    this_year = in_london(utcnow()).year
    for heading in (
        "Goals due soon",
        "Workshops for your goals, open for interest",
        "Consultations open for your comments",
        f"Your CPD in {this_year}",
    ):
        assert heading in text
    assert re.search(r"version 1\.1\.0|No framework consultation is open just now", text)
    if day.year == this_year:
        assert "You have logged 7.5 hours so far this year, against your target of 30 hours" in text
    assert f"{live_server.url}/development/reminders/" in text
    path = urlsplit(one_click).path
    assert f"{live_server.url}{path}" in text
    reminders = delivered(
        live_server.mailbox,
        lambda m: m["To"] == person.email and m["Subject"].startswith("Your development"),
        count=2,
        timeout=2,
    )
    assert len(reminders) == 1

    visit(page, path, heading="Stop reminders about your development?")
    # The mail client's one-click POST: no cookies, no CSRF token (served over http here).
    request = Request(  # noqa: S310 - our own server
        f"{live_server.url}{path}", data=b"List-Unsubscribe=One-Click", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    with urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
    visit(page, "/development/reminders/", heading="Reminders by email")
    expect(page.get_by_label("No reminders")).to_be_checked()
