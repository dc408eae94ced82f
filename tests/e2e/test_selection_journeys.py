"""Selection journey in Chromium against gunicorn: an organiser opens a round, runs it, locks
someone out, runs it again and confirms, and the offers go out by email.

Applications to a workshop whose closing date has passed cannot be made through the pages, so
they are loaded into the server's database first, as an operator's script would.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    ROOT,
    check_accessibility,
    delivered,
    expect_page,
    follow_job,
    sign_in,
    visit,
)

pytestmark = pytest.mark.e2e

LOAD_APPLICANTS = """
import json, sys
from datetime import timedelta
from skillsreg.accounts.rules import Sector
from skillsreg.accounts.services import register_user
from skillsreg.app import create_app
from skillsreg.core.db import utcnow
from skillsreg.extensions import db
from skillsreg.workshops.models import Choice, ExpressionOfInterest, Workshop, WorkshopStatus

tag, names = sys.argv[1], json.loads(sys.argv[2])
with create_app().app_context():
    now = utcnow()
    starts = now + timedelta(days=40)
    workshop = Workshop(
        title=f"Selection workshop {tag}", slug=f"selection-workshop-{tag}",
        starts_at=starts, ends_at=starts + timedelta(hours=6), closes_at=now - timedelta(days=1),
        venue="Leeds", capacity=1, status=WorkshopStatus.PUBLISHED, published_at=now,
        eligible_sectors=[s.value for s in Sector],
    )
    db.session.add(workshop)
    for n, (name, years) in enumerate(names):
        user = register_user(
            name=name, email=f"selection.{tag}.{n}@example.gov.uk",
            password=f"a long walk by the canal {tag}", organisation=f"Council {n}",
            sector=Sector.PUBLIC, job_title="Web manager", web_groups=[], now=now,
            confirmed=True,
        )
        eoi = ExpressionOfInterest(
            user=user, experience="I run our website", manages_web_team=years > 0,
            years_managing=years or None, submitted_at=now - timedelta(days=5, minutes=n),
        )
        eoi.choices.append(Choice(workshop=workshop, rank=1, is_available=True))
        db.session.add(eoi)
    db.session.commit()
"""


def load_applicants(e2e_database_url: str, tag: str, people: list[tuple[str, int]]) -> None:
    """Add a closed one-place workshop and people who applied to it to the server's database."""
    env = {**os.environ, "DATABASE_URL": e2e_database_url, "SKILLSREG_ENV": "production"}
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    command = [sys.executable, "-c", LOAD_APPLICANTS, tag, json.dumps(people)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"loading applicants failed:\n{result.stdout}{result.stderr}"


def test_an_organiser_runs_a_round_locks_someone_out_runs_again_and_confirms(
    page: Page, live_server: LiveServer, e2e_database_url: str
) -> None:
    tag = secrets.token_hex(3)
    workshop = f"Selection workshop {tag}"
    manager, newcomer = f"Mina Manager {tag}", f"Noor Newcomer {tag}"
    load_applicants(e2e_database_url, tag, [(manager, 8), (newcomer, 0)])
    sign_in(page, live_server.admin_email, live_server.admin_password)
    expect_page(page, "Your home")

    visit(page, "/workshops/organise/rounds/", heading="Selection rounds")
    page.get_by_role("button", name="Open a round").click()
    expect_page(page, "Open a round")
    page.get_by_label(workshop).check()
    page.get_by_label("Name of the round").fill(f"Round {tag}")
    page.get_by_role("button", name="Open the round").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Round {tag}")
    check_accessibility(page)
    page.get_by_label("Tie-breaking seed (optional)").fill("2026")
    page.get_by_role("button", name="Run the optimiser").click()
    assert follow_job(page, "Run a selection round") == "Run 1 finished: optimal"
    page.locator("#job-subject-link").click()
    check_accessibility(page)
    places = page.get_by_role("table", name=re.compile(rf"^{workshop}: 1 person for 1 place"))
    expect(places.get_by_role("cell", name=manager)).to_be_visible()
    expect(
        page.get_by_text(f"the lowest-scoring person given a place there, {manager}")
    ).to_be_visible()

    page.get_by_role("button", name=f"Lock out of {workshop} ({manager})").click()
    expect(page.get_by_text("Run the optimiser again before confirming")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Run the optimiser").click()
    assert follow_job(page, "Run a selection round") == "Run 2 finished: optimal"
    page.locator("#job-subject-link").click()
    expect(places.get_by_role("cell", name=newcomer)).to_be_visible()
    expect(page.get_by_text("The organiser locked them out of")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Confirm this selection").click()
    expect_page(page, "Confirm the selection")
    expect(page.get_by_text("You are about to offer 1 place")).to_be_visible()
    page.get_by_role("button", name="Confirm and send offers").click()
    expect(page.get_by_text("1 place offered")).to_be_visible()
    expect(page.get_by_role("button", name="Run the optimiser")).to_have_count(0)
    check_accessibility(page)

    subjects = {
        message["To"]: message["Subject"]
        for message in delivered(live_server.mailbox, lambda m: tag in m["To"], count=2)
    }
    assert subjects[f"selection.{tag}.1@example.gov.uk"] == f"You are offered a place: {workshop}"
    assert "waiting list" in subjects[f"selection.{tag}.0@example.gov.uk"]
