"""Consent per field, publishing snapshots, withdrawal, republishing and the library."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
import sqlalchemy as sa

from skillsreg.core.audit import AuditEvent
from skillsreg.core.db import utcnow
from skillsreg.core.errors import NotAllowedError
from skillsreg.core.jobs.models import Job, JobState
from skillsreg.library import publishing
from skillsreg.register import files, queries, services
from skillsreg.register.models import ConsentEvent, RegisterSnapshot
from skillsreg.register.rules import ConsentField, Population, PopulationSpec
from skillsreg.workshops import services as workshop_services
from tests.clock import NOW
from tests.workshops.test_services import complete, details

pytestmark = pytest.mark.usefixtures("pinned_clock")

EVERYONE = PopulationSpec(Population.FRAMEWORK)


def files_of(snapshot: RegisterSnapshot) -> dict[str, bytes | None]:
    return {f.name: f.content for f in snapshot.files}


def test_nothing_is_agreed_until_a_field_is_chosen(member, db):
    assert queries.consents_of(member) == set()


def test_each_grant_and_withdrawal_is_recorded_with_its_wording(member, db):
    services.set_consents(member, fields=["name", "region"], source="test", now=NOW)
    change = services.set_consents(member, fields=["name"], source="test", now=NOW)
    assert change.withdrawn == [ConsentField.REGION]
    assert queries.consents_of(member) == {ConsentField.NAME}
    events = db.session.scalars(
        sa.select(ConsentEvent).where(ConsentEvent.user_id == member.id).order_by(ConsentEvent.id)
    ).all()
    assert [(e.field.value, e.is_granted) for e in events] == [
        ("name", True),
        ("region", True),
        ("region", False),
    ]
    assert {e.wording.version for e in events} == {1}
    assert events[0].wording.text == "Publish my name"
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_id == member.id)
    ).all()
    assert sorted(actions) == ["consent.grant", "consent.grant", "consent.withdraw"]


def test_saving_the_same_choices_again_records_nothing(member, db):
    services.set_consents(member, fields=["name"], source="test", now=NOW)
    change = services.set_consents(member, fields=["name"], source="test", now=NOW)
    assert not change.changed


def test_an_unknown_field_is_refused(member, db):
    with pytest.raises(services.ConsentError):
        services.set_consents(member, fields=["shoe_size"], source="test", now=NOW)


def test_a_register_lists_only_consenting_fields_of_consenting_people(consenting, create_user):
    consenting("name", name="Ada Lovelace", organisation="Analytical Engines")
    consenting("organisation", name="Grace Hopper", organisation="Navy")
    create_user(name="Nobody Agreed")
    table, listed = services.build_table(EVERYONE)
    assert table.columns == [ConsentField.NAME, ConsentField.ORGANISATION]
    assert table.rows == [
        {"name": "Ada Lovelace", "organisation": ""},
        {"name": "", "organisation": "Navy"},
    ]
    assert len(listed) == 2


def test_a_member_cannot_publish(member, db):
    with pytest.raises(NotAllowedError):
        services.publish_register(EVERYONE, actor=member, now=NOW)


def test_publishing_with_nobody_consenting_is_refused(organiser, db):
    with pytest.raises(services.RegisterError):
        services.publish_register(EVERYONE, actor=organiser, now=NOW)


def test_publishing_makes_a_numbered_snapshot_in_every_format(consenting, organiser, db):
    consenting("name", "sector", name="Ada Lovelace")
    first = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    second = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    assert (first.number, second.number) == (1, 2)
    assert sorted(files_of(first)) == [
        "register-1.csv",
        "register-1.csv-metadata.json",
        "register-1.html",
        "register-1.json",
        "register-1.pdf",
    ]
    content = files_of(first)
    assert content["register-1.pdf"].startswith(b"%PDF")
    assert b"Ada Lovelace" in content["register-1.html"]
    data = json.loads(content["register-1.json"])
    assert data["number"] == 1
    assert data["people"] == [{"name": "Ada Lovelace", "sector": "Public sector"}]


def test_files_built_on_disk_are_stored_whole_with_their_size_and_hash(
    consenting, organiser, db, monkeypatch
):
    for n in range(30):
        consenting("name", "organisation", name=f"Person {n}", organisation="Hove Council")
    monkeypatch.setattr(files, "SPOOL_IN_MEMORY", 64)  # every file goes to a temporary file
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    stored = {f.name: f for f in snapshot.files}
    for name, content in files_of(snapshot).items():
        assert content is not None
        assert (stored[name].size, stored[name].sha256) == (
            len(content),
            hashlib.sha256(content).hexdigest(),
        )
    document = publishing.document_by_key(snapshot.key)
    assert document is not None
    library = {f.name: f.content for f in document.versions[0].files}
    assert library == files_of(snapshot)
    html = files_of(snapshot)["register-1.html"] or b""
    assert html.count(b"<tr><td>Person ") == 30
    assert b"govuk-" not in html  # the file's own styles: no classes it does not use


def test_publishing_says_how_far_it_has_got_through_a_long_pdf(consenting, organiser, app, db):
    for n in range(3):
        consenting("name", name=f"Person {n}")
    app.config["REGISTER_PDF_PART_ROWS"] = 1
    said: list[tuple[int, int, str]] = []
    services.publish_register(
        EVERYONE, actor=organiser, now=NOW, progress=lambda *step: said.append(step)
    )
    total = services.PUBLISH_STEPS
    assert said[0] == (0, total, "Finding the people who agreed to be listed")
    assert said[1] == (1, total, "Building the files for 3 people")
    assert [message for _, _, message in said[2:]] == [
        "Built register-1.html",
        "Built register-1.csv",
        "Built register-1.csv-metadata.json",
        "Built register-1.json",
        "Laying out the PDF: part 1 of 3 done",
        "Laying out the PDF: part 2 of 3 done",
        "Laying out the PDF: part 3 of 3 done",
        "Built register-1.pdf",
    ]
    assert [done for done, _, _ in said] == [0, 1, 2, 3, 4, 5, 5, 5, 5, 6]


def test_the_csv_matches_its_csvw_metadata(consenting, organiser, db):
    consenting("name", "job_title", name="Ada, Countess", job_title="Programmer")
    consenting("job_title", job_title="Web manager")
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    content = files_of(snapshot)
    metadata = json.loads(content["register-1.csv-metadata.json"])
    assert metadata["url"] == "register-1.csv"
    assert metadata["dc:issued"]["@value"] == "2026-11-23"
    names = [c["name"] for c in metadata["tableSchema"]["columns"]]
    rows = list(csv.DictReader(io.StringIO(content[metadata["url"]].decode("utf-8"))))
    assert names == ["name", "job_title"]
    assert list(rows[0]) == names
    assert rows == [
        {"name": "Ada, Countess", "job_title": "Programmer"},
        {"name": "", "job_title": "Web manager"},
    ]


def test_a_published_register_appears_in_the_library(consenting, organiser, db):
    consenting("name")
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    document = publishing.document_by_key(snapshot.key)
    assert document is not None
    assert snapshot.title in document.title


def test_the_register_of_workshops_lists_only_their_applicants(consenting, organiser, db):
    workshop = workshop_services.create_workshop(actor=organiser, details=details(), now=NOW)
    workshop_services.publish_workshop(workshop, now=NOW)
    applicant = consenting("name", name="Applicant Person")
    consenting("name", name="Not Applying")
    eoi = workshop_services.start_interest(applicant, now=NOW)
    complete(eoi, [workshop], now=NOW)
    spec = services.population_spec("workshops", [workshop.id])
    table, _ = services.build_table(spec)
    assert table.rows == [{"name": "Applicant Person"}]
    assert workshop.title in table.population


def test_a_population_of_unknown_workshops_is_refused(db):
    with pytest.raises(services.RegisterError):
        services.population_spec("workshops", [999])
    with pytest.raises(services.RegisterError):
        services.population_spec("workshops", [])


def test_withdrawing_stops_serving_every_snapshot_that_lists_the_person(consenting, organiser, db):
    leaving = consenting("name", "organisation", name="Leaving Person")
    consenting("name", name="Staying Person")
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    change = services.set_consents(leaving, fields=["name"], source="test", now=NOW)
    assert change.withdrawn_snapshots == [snapshot.number]
    assert snapshot.is_withdrawn
    assert set(files_of(snapshot).values()) == {None}
    assert queries.stale_snapshot() == snapshot
    document = publishing.document_by_key(snapshot.key)
    assert document is not None
    assert document.is_withdrawn
    republished = services.republish_register(actor=organiser, now=NOW)
    assert republished.number == 2
    assert republished.replaces_id == snapshot.id
    assert queries.stale_snapshot() is None
    data = json.loads(files_of(republished)["register-2.json"])
    assert {"name": "Leaving Person"} in data["people"]  # name still agreed
    assert all("organisation" not in row for row in data["people"])


def test_granting_more_does_not_withdraw_anything(consenting, organiser, db):
    person = consenting("name")
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    services.set_consents(person, fields=["name", "region"], source="test", now=NOW)
    assert not snapshot.is_withdrawn


def test_republishing_can_happen_automatically(consenting, organiser, db, run_jobs):
    leaving = consenting("name", name="Leaving Person")
    consenting("name", name="Staying Person")
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=NOW)
    change = services.withdraw_all_consent(leaving, source="test", now=NOW, auto_republish=True)
    db.session.commit()  # the withdrawal commits at once; the republishing is queued
    assert snapshot.is_withdrawn
    assert change.republish_job_id is not None
    assert queries.snapshot_by_number(2) is None
    assert run_jobs() == 1
    job = db.session.get(Job, change.republish_job_id)
    assert (job.state, job.subject_id) == (JobState.SUCCEEDED, "2")
    fresh = queries.snapshot_by_number(2)
    assert b"Leaving Person" not in files_of(fresh)["register-2.csv"]
    assert b"Staying Person" in files_of(fresh)["register-2.csv"]
    assert queries.stale_snapshot() is None


def test_republishing_an_up_to_date_register_is_refused(consenting, organiser, db):
    consenting("name")
    services.publish_register(EVERYONE, actor=organiser, now=NOW)
    with pytest.raises(services.RegisterError):
        services.republish_register(actor=organiser, now=NOW)


def test_a_withdrawn_snapshot_cannot_be_pushed(consenting, organiser, db):
    person = consenting("name")
    snapshot = services.publish_register(EVERYONE, actor=organiser, now=utcnow())
    services.withdraw_all_consent(person, source="test", now=utcnow())
    with pytest.raises(services.RegisterError):
        services.push_snapshot(snapshot, target_id=1, actor=organiser, now=utcnow())


def test_roles_and_top_skills_come_from_the_latest_submitted_assessment(consenting, db):
    from tests.assessments.test_services import import_version, submitted

    version = import_version("1.0.0")
    person = consenting("roles", "top_skills")
    submitted(person, version)
    db.session.flush()
    table, _ = services.build_table(EVERYONE)
    row = table.rows[0]
    assert row["roles"].startswith("Web manager (")
    assert row["top_skills"].count("(level ") == 3


def test_a_new_wording_is_shown_and_recorded_while_earlier_grants_keep_theirs(consenting, db):
    from skillsreg.register.models import Consent, ConsentWording

    earlier = consenting("name")
    db.session.add(ConsentWording(field=ConsentField.NAME, version=2, text="Show my full name"))
    db.session.flush()
    assert ("name", "Show my full name") in queries.consent_choices()
    later = consenting("name")
    query = sa.select(Consent.user_id, ConsentWording.version).join(ConsentWording)
    versions = {row.user_id: row.version for row in db.session.execute(query)}
    assert versions == {earlier.id: 1, later.id: 2}


def test_people_streamed_in_small_batches_keep_every_field(consenting, db, monkeypatch):
    monkeypatch.setattr(queries, "BATCH", 2)
    for n in range(5):
        consenting("name", "sector", "region", name=f"Person {n}", region="wales")
    rows = list(services.stream_rows(EVERYONE, services.columns_of(EVERYONE)))
    assert rows == [
        {"name": f"Person {n}", "sector": "Public sector", "region": "Wales"} for n in range(5)
    ]
