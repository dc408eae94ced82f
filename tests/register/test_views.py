"""Register pages: consent settings, building, previewing, publishing and serving snapshots."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from skillsreg.core.audit import AuditEvent
from skillsreg.register import queries, services
from skillsreg.register.rules import ConsentField, Population, PopulationSpec
from skillsreg.register.tokens import withdrawal_token
from tests.clock import NOW
from tests.pages import check_page, error_messages

pytestmark = pytest.mark.usefixtures("pinned_clock")

EVERYONE = PopulationSpec(Population.FRAMEWORK)


def published(organiser, db):
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    db.session.commit()
    return snapshot


def finished_job_link(client, response) -> str:
    """The job page a publishing request redirected to says it is done and links to the result."""
    assert response.headers["Location"].startswith("/jobs/")
    finished = client.get(response.headers["Location"])
    job_page = check_page(finished)
    assert job_page.select_one(".govuk-panel__title").get_text(strip=True) == "Done"
    assert "Refresh" not in finished.headers
    return job_page.select_one("#job-subject-link")["href"]


def test_the_privacy_page_ticks_nothing_by_default(client, login_as, member):
    login_as(member)
    page = check_page(client.get("/account/privacy"), title="Your privacy and the register")
    boxes = page.select("input[name=consent_fields]")
    assert len(boxes) == len(ConsentField)
    assert not [box for box in boxes if box.has_attr("checked")]
    assert "Publish my name" in page.get_text()


def test_choices_saved_on_the_privacy_page_are_kept_and_emailed(client, login_as, member, mailbox):
    login_as(member)
    response = client.post(
        "/account/privacy", data={"consent_fields": ["name", "region"], "region": "london"}
    )
    assert response.status_code == 302
    assert queries.consents_of(member) == {ConsentField.NAME, ConsentField.REGION}
    assert member.region == "london"
    page = check_page(client.get("/account/privacy"))
    ticked = {box["value"] for box in page.select("input[name=consent_fields][checked]")}
    assert ticked == {"name", "region"}
    history = [row.get_text(" ", strip=True) for row in page.select("tbody tr")]
    assert any("Agreed: Region" in row and "(version 1)" in row for row in history)
    [message] = mailbox.messages
    body = message.get_content()
    assert "/register/withdraw/" in body


def test_an_unknown_region_is_an_error(client, login_as, member):
    login_as(member)
    page = check_page(client.post("/account/privacy", data={"region": "atlantis"}), errors=True)
    assert error_messages(page)


def test_withdrawing_everything_is_one_step_from_the_privacy_page(
    client, login_as, consenting, organiser, db
):
    person = consenting("name", "sector")
    snapshot = published(organiser, db)
    login_as(person)
    page = check_page(client.get("/account/privacy"))
    form = page.select_one("#withdraw-all").find_parent("form")
    response = client.post(form["action"], data={})
    assert response.status_code == 302
    assert queries.consents_of(person) == set()
    assert snapshot.is_withdrawn


def test_the_email_link_withdraws_only_after_the_button_is_pressed(client, consenting, db):
    person = consenting("name")
    url = f"/register/withdraw/{withdrawal_token(person)}"
    check_page(client.get(url), title="Withdraw your consent")
    assert queries.consents_of(person) == {ConsentField.NAME}
    check_page(client.post(url, data={}), title="Consent withdrawn")
    assert queries.consents_of(person) == set()


def test_a_forged_withdrawal_link_is_not_found(client, consenting):
    person = consenting("name")
    response = client.get(f"/register/withdraw/{withdrawal_token(person)}x")
    assert response.status_code == 404


def test_a_member_cannot_build_or_publish(client, login_as, member):
    login_as(member)
    assert client.get("/register/new").status_code == 403
    assert client.post("/register/publish", data={"population": "framework"}).status_code == 403


def test_an_organiser_previews_exactly_what_is_published(
    client, login_as, consenting, organiser, db
):
    consenting("name", "organisation", name="Ada Lovelace", organisation="Engines Ltd")
    consenting("name", name="Grace Hopper", organisation="Hidden Org")
    login_as(organiser)
    check_page(client.get("/register/new"), title="Build a register")
    preview = check_page(client.get("/register/preview?population=framework"))
    preview_table = str(preview.select_one("table.app-register"))
    assert "Hidden Org" not in preview_table
    form = preview.select_one("form[action='/register/publish']")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    response = client.post("/register/publish", data=data)
    assert response.status_code == 302
    page = check_page(client.get(finished_job_link(client, response)))
    assert str(page.select_one("table.app-register")) == preview_table


@pytest.mark.parametrize(("listed", "said"), [(1, "1 person"), (2, "2 people")])
def test_the_job_page_counts_the_people_published(
    client, login_as, consenting, organiser, listed, said
):
    for n in range(listed):
        consenting("name", name=f"Person {n}")
    login_as(organiser)
    response = client.post("/register/publish", data={"population": "framework"})
    finished_job_link(client, response)
    panel = check_page(client.get(response.headers["Location"])).select_one(".govuk-panel__body")
    assert panel.get_text(strip=True) == f"Register 1 is published: {said}"


def test_a_preview_without_a_population_is_an_error(client, login_as, organiser):
    login_as(organiser)
    page = check_page(client.get("/register/preview?population=workshops"), status=400, errors=True)
    assert error_messages(page) == ["Select at least one workshop"]


def test_the_preview_streams_as_csv_and_json(client, login_as, consenting, organiser):
    consenting("name", name="Ada Lovelace")
    login_as(organiser)
    response = client.get("/register/preview.csv?population=framework")
    assert response.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == [
        ["name"],
        ["Ada Lovelace"],
    ]
    data = client.get("/register/preview.json?population=framework").get_json()
    assert data["people"] == [{"name": "Ada Lovelace"}]


def test_anyone_can_read_a_published_register_and_its_files(client, consenting, organiser, db):
    consenting("name", name="Ada Lovelace")
    snapshot = published(organiser, db)
    listing = check_page(client.get("/register/"), title="Register of web professionals")
    assert f"Register {snapshot.number}" in listing.get_text()
    page = check_page(client.get(f"/register/{snapshot.number}"))
    links = [a["href"] for a in page.select("a[download]")]
    assert len(links) == 5
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    metadata = client.get(f"/register/{snapshot.number}/files/register-1.csv-metadata.json")
    csv_url = re.sub(r"[^/]+$", json.loads(metadata.data)["url"], metadata.request.path)
    assert b"Ada Lovelace" in client.get(csv_url).data


def test_a_withdrawn_register_serves_only_a_notice(client, consenting, organiser, db):
    person = consenting("name", name="Ada Lovelace")
    snapshot = published(organiser, db)
    services.withdraw_all_consent(person, source="test", now=NOW)
    db.session.commit()
    page = check_page(client.get(f"/register/{snapshot.number}"), status=410)
    assert "Ada Lovelace" not in page.get_text()
    assert "withdrawn" in page.get_text()
    for name in ("register-1.csv", "register-1.json", "register-1.pdf", "register-1.html"):
        response = client.get(f"/register/{snapshot.number}/files/{name}")
        assert response.status_code == 410
        assert b"Ada Lovelace" not in response.data
    listing = check_page(client.get("/register/"))
    assert "Withdrawn" in listing.get_text()


def test_an_organiser_republishes_a_stale_register_in_one_click(
    client, login_as, consenting, organiser, db
):
    leaving = consenting("name", name="Leaving Person")
    consenting("name", name="Staying Person")
    published(organiser, db)
    services.withdraw_all_consent(leaving, source="test", now=NOW)
    db.session.commit()
    login_as(organiser)
    listing = check_page(client.get("/register/"))
    assert "out of date" in listing.get_text()
    check_page(client.get("/register/republish"), title="Republish the register")
    response = client.post("/register/republish", data={})
    assert response.status_code == 302
    page = check_page(client.get(finished_job_link(client, response)))
    assert "Staying Person" in page.get_text()
    assert "Leaving Person" not in page.get_text()


def test_an_unknown_register_is_not_found(client):
    assert client.get("/register/99").status_code == 404
    assert client.get("/register/99/files/register-99.csv").status_code == 404


def test_sign_up_asks_for_consent_with_nothing_ticked(client):
    page = check_page(client.get("/sign-up"))
    boxes = page.select("input[name=consent_fields]")
    assert len(boxes) == len(ConsentField)
    assert not [box for box in boxes if box.has_attr("checked")]


def test_the_audit_log_is_for_administrators_and_filters_by_action(
    client, login_as, consenting, member, administrator, db
):
    consenting("name", "region")
    login_as(member)
    assert client.get("/admin/audit").status_code == 403
    login_as(administrator)
    page = check_page(client.get("/admin/audit?action=consent.grant"), title="Audit log")
    cells = [row.select("td")[1].get_text() for row in page.select("tbody tr")]
    assert cells == ["consent.grant", "consent.grant"]
    total = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    assert f"{total} event" in check_page(client.get("/admin/audit")).get_text()


def test_anonymous_people_see_published_registers_but_never_a_preview(client, consenting):
    consenting("name", name="Ada Lovelace")
    for path in (
        "/register/new",
        "/register/preview?population=framework",
        "/register/preview.csv?population=framework",
        "/register/republish",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in")
        assert b"Ada Lovelace" not in response.data


def test_the_audit_log_is_paginated(client, login_as, administrator, db):
    from skillsreg.core.audit import record

    for n in range(55):
        record("test.event", actor=None, subject_type="thing", subject_id=n)
    db.session.commit()
    login_as(administrator)
    first = check_page(client.get("/admin/audit?action=test.event"))
    assert len(first.select("tbody tr")) == 50
    second = check_page(client.get("/admin/audit?action=test.event&page=2"))
    assert len(second.select("tbody tr")) == 5
    assert first.select_one(".govuk-pagination") is not None


def test_register_files_name_their_charset_once(client, consenting, organiser, db):
    consenting("name", name="Ada Lovelace")
    snapshot = published(organiser, db)
    csv = client.get(f"/register/{snapshot.number}/files/register-{snapshot.number}.csv")
    assert csv.status_code == 200
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    page = check_page(client.get(f"/register/{snapshot.number}"))
    for link in (a["href"] for a in page.select("a[download]")):
        assert client.get(link).headers["Content-Type"].count("charset") <= 1
