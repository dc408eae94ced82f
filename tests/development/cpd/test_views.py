"""CPD record pages: the record and its totals, logging, reflections, targets and exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from skillsreg.core.db import utcnow
from skillsreg.development.cpd import services
from skillsreg.development.cpd.models import CpdActivity, CpdKind, CpdTarget
from skillsreg.development.cpd.services import ActivityDetails
from skillsreg.workshops.queries import in_london
from tests.conftest import DEFAULT_PASSWORD
from tests.development.records import attend, goal_for
from tests.pages import check_page, error_messages


def today():
    return in_london(utcnow()).date()


def parts(day):
    return [str(day.day), str(day.month), str(day.year)]


def form(**overrides):
    day = today() - timedelta(days=2)
    values = {
        "done_on": parts(day), "kind": "reading", "title": "Inclusive Design Patterns",
        "hours": "2.5", "learned": "Build components that work for everyone",
        "application": "Review our button styles", "skill_codes": ["ACCS"],
    }  # fmt: skip
    values.update(overrides)
    return values


def log(member, *, title="Course", minutes=120, days_ago=5, **kwargs):
    return services.log_activity(
        member,
        details=ActivityDetails(
            done_on=today() - timedelta(days=days_ago), minutes=minutes,
            kind=kwargs.pop("kind", CpdKind.COURSE), title=title, **kwargs,
        ),
        now=utcnow(),
    )  # fmt: skip


PATHS = ["/development/cpd/", "/development/cpd/new", "/development/cpd/target",
         "/development/cpd/record.csv", "/development/cpd/record.pdf",
         "/development/reminders/"]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_the_cpd_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_logging_an_activity_shows_it_in_the_record_with_totals(
    client, login_as, member, published
):
    login_as(member)
    check_page(client.get("/development/cpd/new"), title="Log a CPD activity")
    response = client.post("/development/cpd/new", data=form())
    assert response.status_code == 302
    page = check_page(client.get(response.headers["Location"]), title="Your CPD record")
    text = page.get_text(" ")
    assert "Inclusive Design Patterns" in text
    assert page.select_one("[data-testid=year-hours]").get_text(strip=True) == "2.5 hours"
    assert "Accessibility (ACCS)" in text
    [activity] = CpdActivity.query.filter_by(user_id=member.id).all()
    assert (activity.minutes, activity.kind) == (150, CpdKind.READING)


def test_a_bad_activity_shows_errors_and_keeps_what_was_typed(client, login_as, member, published):
    login_as(member)
    data = form(title="", hours="lots", done_on=["31", "2", str(today().year)])
    page = check_page(client.post("/development/cpd/new", data=data), errors=True)
    assert error_messages(page) == [
        "The date must be a real date, like 14 3 2026",
        "Enter what you did",
        "Enter the hours as a number, like 2 or 1.5",
    ]
    assert page.select_one("#hours")["value"] == "lots"
    assert page.select_one("#learned").get_text() == "Build components that work for everyone"
    assert CpdActivity.query.count() == 0


def test_a_future_date_is_refused_against_the_date(client, login_as, member, published):
    login_as(member)
    day = today() + timedelta(days=1)
    data = form(done_on=parts(day))
    page = check_page(client.post("/development/cpd/new", data=data), errors=True)
    assert error_messages(page) == ["The date must be today or in the past"]


def test_changing_and_removing_an_activity(client, login_as, member, published):
    activity = log(member, skill_codes=("TEAM",))
    login_as(member)
    page = check_page(client.get(f"/development/cpd/{activity.id}/edit"))
    assert page.select_one("#hours")["value"] == "2"
    assert page.select_one("input[name=kind][value=course]").has_attr("checked")
    response = client.post(f"/development/cpd/{activity.id}/edit", data=form(title="Renamed"))
    assert response.status_code == 302
    assert activity.title == "Renamed"
    check_page(client.get(f"/development/cpd/{activity.id}/remove"), title="Remove this activity?")
    assert client.post(f"/development/cpd/{activity.id}/remove").status_code == 302
    assert CpdActivity.query.count() == 0


def test_another_members_activity_is_not_found(client, login_as, member, create_user, published):
    activity = log(create_user())
    login_as(member)
    for path in ("edit", "remove"):
        assert client.get(f"/development/cpd/{activity.id}/{path}").status_code == 404
    assert client.post(f"/development/cpd/{activity.id}/remove").status_code == 404
    assert CpdActivity.query.count() == 1


def test_a_goal_of_the_members_plan_can_be_linked(client, login_as, member, published):
    goal = goal_for(member, published)
    login_as(member)
    page = check_page(client.get("/development/cpd/new"))
    assert page.select_one(f"#goal_id option[value='{goal.id}']") is not None
    client.post("/development/cpd/new", data=form(goal_id=str(goal.id)))
    assert CpdActivity.query.one().goal_id == goal.id
    page = check_page(client.get("/development/cpd/"))
    link = page.find("a", href=f"/development/plans/{goal.plan_id}")
    assert link.get_text(strip=True).startswith("Accessibility: level 3 by ")


def test_an_attended_workshop_waits_for_reflections(client, login_as, member, organiser, published):
    workshop = attend(member, organiser, target_skill_codes=["TEAM", "STAK"])
    login_as(member)
    page = check_page(client.get("/development/cpd/"))
    assert "1 workshop you attended is waiting for your reflections" in page.get_text(" ")
    url = f"/development/cpd/workshops/{workshop.id}"
    page = check_page(client.get(url), title="Add your reflections")
    assert page.select_one("#hours")["value"] == "6"
    assert page.select_one("input[name=skill_codes][value=TEAM]").has_attr("checked")
    data = {"title": workshop.title, "hours": "6", "learned": "Framework drafting",
            "application": "Run a team session", "skill_codes": ["TEAM"],
            }  # fmt: skip
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302  # twice: still one entry
    [activity] = CpdActivity.query.all()
    assert (activity.workshop_id, activity.kind, activity.minutes) == (
        workshop.id,
        CpdKind.WORKSHOP,
        360,
    )
    page = check_page(client.get("/development/cpd/"))
    assert "waiting for your reflections" not in page.get_text(" ")


def test_reflections_only_on_workshops_attended(
    client, login_as, member, create_user, organiser, published
):
    workshop = attend(create_user(), organiser)
    login_as(member)
    assert client.get(f"/development/cpd/workshops/{workshop.id}").status_code == 404


def test_setting_a_target_shows_progress(client, login_as, member, published, db):
    log(member, minutes=600)
    login_as(member)
    page = check_page(
        client.post("/development/cpd/target", data={"yearly_hours": "abc"}), errors=True
    )
    assert error_messages(page) == ["The target must be a whole number of hours, like 35"]
    assert client.post("/development/cpd/target", data={"yearly_hours": "40"}).status_code == 302
    assert db.session.get(CpdTarget, member.id).yearly_hours == 40
    text = check_page(client.get("/development/cpd/")).get_text(" ")
    assert "10 hours of your target of 40 hours" in text
    assert "30 hours to go (25% done)" in text


def test_a_year_without_entries_is_not_found(client, login_as, member):
    login_as(member)
    assert client.get(f"/development/cpd/?year={today().year - 3}").status_code == 404
    assert client.get(f"/development/cpd/{today().year - 3}/record.csv").status_code == 404


def test_the_csv_is_safe_in_a_spreadsheet(client, login_as, member, published):
    log(member, title='=HYPERLINK("http://evil")', learned="+1 trick", skill_codes=("ACCS",))
    login_as(member)
    response = client.get(f"/development/cpd/{today().year}/record.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert f"cpd-record-{today().year}.csv" in response.headers["Content-Disposition"]
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert header[:4] == ["Date", "Hours", "Kind", "What you did"]
    assert row[1:4] == ["2", "Course", '\'=HYPERLINK("http://evil")']
    assert row[4] == "'+1 trick"
    assert row[6:8] == ["ACCS", "Accessibility"]


def test_the_pdf_record_holds_the_years_totals_and_reflections(client, login_as, member, published):
    log(member, title="Screen reader course", learned="NVDA shortcuts", skill_codes=("ACCS",))
    login_as(member)
    response = client.get("/development/cpd/record.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert member.name in text
    assert "Screen reader course" in text
    assert "NVDA shortcuts" in text
    assert f"{today().year}: 2 hours" in text
    assert reader.metadata.title == f"CPD record of {member.name}"


def test_the_data_page_offers_the_record_and_the_export_holds_it(
    client, login_as, member, published
):
    log(member, title="Mentoring a junior", kind=CpdKind.MENTORING)
    services.set_target(member, yearly_hours=30, now=utcnow())
    login_as(member)
    page = check_page(client.get("/account/data"), title="Your data")
    links = {a["href"] for a in page.select("a")}
    assert {"/development/cpd/record.pdf", "/development/cpd/record.csv"} <= links
    data = json.loads(client.get("/account/data/download").data)
    assert [a["title"] for a in data["cpd_activities"]] == ["Mentoring a junior"]
    assert data["cpd_target"][0]["yearly_hours"] == 30


def test_erasure_removes_the_cpd_record(client, login_as, member, organiser, published, db):
    log(member, title="Private reflections")
    attend(member, organiser)
    services.set_target(member, yearly_hours=30, now=utcnow())
    db.session.commit()
    login_as(member)
    assert client.post("/account/delete", data={"password": DEFAULT_PASSWORD}).status_code == 302
    for model in (CpdActivity, CpdTarget):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
