"""Register journeys in Chromium against gunicorn: consent, publishing, reading back, withdrawal."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer
from tests.e2e.helpers import (
    check_accessibility,
    confirm_email,
    expect_page,
    fill_in_sign_up,
    follow_job,
    new_person,
    sign_in,
    visit,
)

pytestmark = pytest.mark.e2e


def _publish_register(admin: Page) -> str:
    """Build, preview and publish a register of everyone; return the new register's path."""
    visit(admin, "/register/new", heading="Build a register")
    admin.get_by_label("Everyone interested in the framework who agreed to be listed").check()
    admin.get_by_role("button", name="Preview the register").click()
    expect_page(admin, "Preview the register")
    admin.get_by_role("button", name="Publish this register").click()
    assert "is published" in follow_job(admin, "Publish the register")
    admin.locator("#job-subject-link").click()
    check_accessibility(admin)
    return admin.url


def test_a_member_agrees_is_published_then_withdraws_and_is_no_longer_served(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    person = new_person("Nadia Okafor")
    member = new_page()
    visit(member, "/sign-up", heading="Create an account")
    member.get_by_label("Publish my name").check()
    member.get_by_label("Publish who I work for").check()
    fill_in_sign_up(member, person)
    # What was ticked is granted only once the address is confirmed.
    confirm_email(member, live_server.mailbox, person.email)
    staying = new_person("Sam Staying")
    other = new_page()
    visit(other, "/sign-up", heading="Create an account")
    other.get_by_label("Publish my name").check()
    fill_in_sign_up(other, staying)
    confirm_email(other, live_server.mailbox, staying.email)

    admin = new_page()
    sign_in(admin, live_server.admin_email, live_server.admin_password)
    expect_page(admin, "Your home")
    register_url = _publish_register(admin)
    table = admin.locator("table.app-register")
    expect(table.get_by_role("row").filter(has_text=person.name)).to_contain_text(
        person.organisation
    )
    expect(table).not_to_contain_text(person.job_title)

    metadata_link = admin.get_by_role("link", name="csv-metadata.json")
    metadata = admin.request.get(metadata_link.get_attribute("href") or "").json()
    csv_path = (metadata_link.get_attribute("href") or "").rsplit("/", 1)[0] + "/" + metadata["url"]
    text = admin.request.get(csv_path).text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [c["name"] for c in metadata["tableSchema"]["columns"]]
    assert [person.name, person.organisation] in [row[:2] for row in rows[1:]]

    visit(member, "/account/privacy", heading="Your privacy and the register")
    expect(member.get_by_label("Publish my name")).to_be_checked()
    expect(member.get_by_label("Publish the title of my job")).not_to_be_checked()
    member.get_by_role("button", name="Withdraw consent to publish anything").click()
    expect(member.get_by_text("You have withdrawn consent")).to_be_visible()
    check_accessibility(member)

    visit(admin, register_url, status=410)
    expect(admin.get_by_role("main")).not_to_contain_text(person.name)
    gone = admin.request.get(csv_path)
    assert gone.status == 410
    assert person.name not in gone.text()
    visit(admin, "/register/republish", heading="Republish the register")
    admin.get_by_role("button", name="Republish the register").click()
    assert "is published" in follow_job(admin, "Republish the register")
    admin.locator("#job-subject-link").click()
    check_accessibility(admin)
    expect(admin.get_by_role("main")).not_to_contain_text(person.name)
    expect(admin.get_by_role("main")).to_contain_text(staying.name)
