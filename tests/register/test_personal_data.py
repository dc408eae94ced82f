"""Downloading one's data, deleting one's account, and purging access needs after workshops."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment
from skillsreg.core.audit import AuditEvent
from skillsreg.register import personal_data, queries, services
from skillsreg.register.rules import Population, PopulationSpec
from skillsreg.workshops import services as workshop_services
from skillsreg.workshops.models import ExpressionOfInterest
from tests.clock import NOW
from tests.conftest import DEFAULT_PASSWORD
from tests.pages import check_page, error_messages
from tests.workshops.test_services import complete, details

pytestmark = pytest.mark.usefixtures("pinned_clock")

AFTER_WORKSHOPS = NOW + timedelta(days=48)
EVERYONE = PopulationSpec(Population.FRAMEWORK)


@pytest.fixture
def workshop(db, organiser):
    made = workshop_services.create_workshop(actor=organiser, details=details(), now=NOW)
    return workshop_services.publish_workshop(made, now=NOW)


@pytest.fixture
def applicant(consenting, workshop):
    person = consenting("name", "organisation", name="Ada Lovelace", organisation="Engines Ltd")
    complete(workshop_services.start_interest(person, now=NOW), [workshop], now=NOW)
    return person


def test_the_download_holds_account_consents_and_applications(client, login_as, applicant, db):
    login_as(applicant)
    check_page(client.get("/account/data"), title="Your data")
    response = client.get("/account/data/download")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["account"]["name"] == "Ada Lovelace"
    assert "password_hash" not in data["account"]
    assert {c["field"] for c in data["consents"]} == {"name", "organisation"}
    assert data["consent_events"][0]["wording"] == "Publish my name"
    [eoi] = data["expressions_of_interest"]
    assert eoi["access_needs"] == "Step-free access"
    assert eoi["choices"][0]["workshop"].startswith("Drafting")
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "personal_data.export" in actions


def test_deleting_needs_the_right_password(client, login_as, applicant):
    login_as(applicant)
    page = check_page(
        client.post("/account/delete", data={"password": "wrong password here"}), errors=True
    )
    assert error_messages(page) == ["Your password is not correct"]
    assert applicant.name == "Ada Lovelace"


def test_deleting_an_account_erases_it_and_withdraws_its_registers(
    client, login_as, applicant, organiser, db
):
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    db.session.commit()
    user_id = applicant.id
    login_as(applicant)
    response = client.post("/account/delete", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    user = db.session.get(User, user_id)
    assert user.name == "Erased user"
    assert user.email.endswith(".invalid")
    assert (user.organisation, user.job_title, user.region) == ("", "", None)
    assert user.is_erased
    assert queries.consents_of(user) == set()
    assert snapshot.is_withdrawn
    eoi = db.session.scalar(
        sa.select(ExpressionOfInterest).where(ExpressionOfInterest.user_id == user_id)
    )
    assert eoi is not None
    assert eoi.access_needs is None
    assert eoi.experience == ""
    assert len(eoi.choices) == 1  # counts of applicants stay true
    erase = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "account.erase"))
    assert erase.actor_label == f"user {user_id}"
    assert client.get("/account").status_code == 302  # signed out everywhere
    assert b"Ada Lovelace" not in client.get(f"/register/{snapshot.number}").data


def test_an_erased_person_is_left_out_of_every_future_register(applicant, organiser, db):
    personal_data.erase_account(applicant, password=DEFAULT_PASSWORD, now=NOW)
    _, listed = services.build_table(EVERYONE)
    assert applicant.id not in listed


def test_erasure_deletes_assessments(consenting, db):
    from tests.assessments.test_services import import_version, submitted

    person = consenting("name")
    submitted(person, import_version("1.0.0"))
    personal_data.erase_account(person, password=DEFAULT_PASSWORD, now=NOW)
    count = db.session.scalar(
        sa.select(sa.func.count(Assessment.id)).where(Assessment.user_id == person.id)
    )
    assert count == 0


def test_an_administrator_cannot_erase_their_own_account(administrator, db):
    with pytest.raises(personal_data.ErasureError):
        personal_data.erase_account(administrator, password=DEFAULT_PASSWORD, now=NOW)


def test_purge_clears_access_needs_once_every_workshop_has_ended(applicant, db):
    cleared, kept = personal_data.purge_access_needs(now=AFTER_WORKSHOPS)
    assert (cleared, kept) == (1, 0)
    eoi = db.session.scalar(
        sa.select(ExpressionOfInterest).where(ExpressionOfInterest.user_id == applicant.id)
    )
    assert eoi.access_needs is None
    assert personal_data.purge_access_needs(now=AFTER_WORKSHOPS) == (0, 0)


def test_purge_keeps_access_needs_for_a_workshop_still_to_come(applicant, db):
    assert personal_data.purge_access_needs(now=NOW) == (0, 1)
    eoi = db.session.scalar(
        sa.select(ExpressionOfInterest).where(ExpressionOfInterest.user_id == applicant.id)
    )
    assert eoi.access_needs == "Step-free access"


def test_the_purge_command_prints_counts_and_is_audited(runner, applicant, db):
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert "Access needs cleared: 0" in result.output
    assert "still to come: 1" in result.output
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "data.purge"))


def _tables_referring_to_users(metadata):
    return {
        table.name: [fk.parent for fk in table.foreign_keys if fk.column.table.name == "users"]
        for table in metadata.sorted_tables
        if any(fk.column.table.name == "users" for fk in table.foreign_keys)
    }


def test_every_table_referring_to_users_has_an_export_section_and_an_erasure(db):
    referring = _tables_referring_to_users(db.metadata)
    missing = sorted(set(referring) - set(personal_data.USER_TABLES))
    assert missing == [], f"add these tables to USER_TABLES, the export and erasure: {missing}"
    assert sorted(set(personal_data.USER_TABLES) - set(referring)) == []
    sections = [holding.section for holding in personal_data.USER_TABLES.values()]
    assert len(sections) == len(set(sections))
    assert all(holding.erasure for holding in personal_data.USER_TABLES.values())


def test_the_export_holds_every_row_that_refers_to_the_person(db, create_user, organiser):
    from tests.register.everything import WORDS, member_who_did_everything

    made = member_who_did_everything(create_user, organiser)
    person = made.person
    data = json.loads(json.dumps(personal_data.personal_data(person)))

    for name, columns in _tables_referring_to_users(db.metadata).items():
        table = db.metadata.tables[name]
        keys = [c.name for c in table.primary_key.columns]
        query = sa.select(table).where(sa.or_(*(column == person.id for column in columns)))
        rows = db.session.execute(query).mappings()
        held = {tuple(getattr(row[k], "value", row[k]) for k in keys) for row in rows}
        section = personal_data.USER_TABLES[name].section
        exported = {tuple(row[k] for k in keys) for row in data[section]}
        assert exported == held, name
    assert data["account"]["email"] == WORDS["email"]
    # Emails to the address they asked to change to are theirs too.
    assert {m["recipient"] for m in data["emails"]} == {WORDS["email"], WORDS["new_email"]}
    [change] = data["email_confirmations"]
    assert (change["email"], change["is_change"]) == (WORDS["new_email"], True)
    assert "token_hash" not in change
    assert {m["subject"] for m in data["emails"]} >= {"Reset your password"}
    [offer] = data["offers"]
    assert (offer["status"], offer["workshop"]) == ("offered", "Everything workshop")
    [listed] = data["register_snapshots_listing_you"]
    assert listed["number"] == made.snapshot.number
    assert [e["action"] for e in data["share_link_events"]] == ["assessment.share"]
    [assessment] = data["assessments"]
    assert {r["evidence"] for r in assessment["ratings"]} == {WORDS["evidence"]}
    [eoi] = data["expressions_of_interest"]
    assert eoi["access_needs"] == WORDS["access_needs"]
    assert [c["body"] for c in data["comments"]] == [WORDS["comment"]]
    assert {e["wording_version"] for e in data["consent_events"]} == {1}
    assert "share_token_hash" not in assessment
    assert "token_hash" not in offer
    [review] = data["reviews"]
    assert (review["reviewer_name"], review["status"]) == (WORDS["reviewer_name"], "given")
    assert WORDS["review_comment"] in {item["comment"] for item in review["items"]}
    assert "token_hash" not in review


def test_the_data_page_lists_what_the_download_holds(client, login_as, member):
    login_as(member)
    text = check_page(client.get("/account/data")).get_text(" ", strip=True)
    for words in ("the emails we sent you", "registers that list you", "offers", "share links"):
        assert words in text, words
