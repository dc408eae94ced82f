"""Selection pages: one success, one invalid input and one forbidden case per endpoint."""

from __future__ import annotations

import json
import re

import pytest

from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.config import ROOT
from skillsreg.frameworks import services as framework_services
from skillsreg.workshops import allocation
from skillsreg.workshops.models import ChoiceStatus, WorkshopStatus
from skillsreg.workshops.selection import rules, services
from skillsreg.workshops.selection.models import LockKind, SelectionRound
from tests.pages import check_page, error_messages
from tests.workshops.selection.conftest import NOW


@pytest.fixture
def round_with_people(make_workshop, apply, create_user, open_round, db):
    """A one-place workshop wanted by a web manager and a newcomer, in an open round."""
    london = make_workshop(title="London workshop", capacity=1)
    manager = create_user(name="Mandy Manager", organisation="Brighton Council")
    newcomer = create_user(name="Nina Newcomer", organisation="Hove Trust")
    apply(manager, london, manages=True, years=6)
    apply(newcomer, london, access_needs="A hearing loop")
    round_ = open_round(london, title="November round")
    db.session.commit()
    return round_, london, manager, newcomer


def run(round_, organiser, seed=5):
    return services.run_round(round_, seed=seed, actor=organiser, now=NOW)


PAGES = [
    "/workshops/organise/rounds/",
    "/workshops/organise/rounds/new",
]


@pytest.mark.parametrize("url", PAGES)
def test_members_may_not_see_selection_pages(client, login_as, member, url):
    login_as(member)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    assert client.get(url).status_code == 302


def test_organisers_see_each_applicants_answers_and_access_needs(
    client, login_as, organiser, round_with_people
):
    _, london, _, _ = round_with_people
    login_as(organiser)
    page = check_page(
        client.get(f"/workshops/organise/rounds/workshops/{london.slug}/applicants"),
        title="Applicants: London workshop",
    )
    text = page.get_text(" ", strip=True)
    assert "Mandy Manager" in text
    assert "Yes, for 6 years" in text
    assert "A hearing loop" in text
    assert "1. London workshop" in text


def test_applicants_of_an_unknown_workshop_are_not_found(client, login_as, organiser):
    login_as(organiser)
    assert client.get("/workshops/organise/rounds/workshops/nope/applicants").status_code == 404


def test_members_may_not_see_applicants(client, login_as, member, round_with_people):
    login_as(member)
    _, london, _, _ = round_with_people
    url = f"/workshops/organise/rounds/workshops/{london.slug}/applicants"
    assert client.get(url).status_code == 403


def test_the_rounds_page_lists_rounds(client, login_as, organiser, round_with_people):
    login_as(organiser)
    page = check_page(client.get("/workshops/organise/rounds/"), title="Selection rounds")
    assert "November round" in page.get_text(" ", strip=True)


def test_an_organiser_opens_a_round(client, login_as, organiser, make_workshop, db):
    workshop = make_workshop(title="Barnsley breakfast")
    db.session.commit()
    login_as(organiser)
    page = check_page(client.get("/workshops/organise/rounds/new"), title="Open a round")
    assert "Barnsley breakfast" in page.get_text(" ", strip=True)
    data = {
        "workshop_ids": [str(workshop.id)],
        "title": "",
        "max_places_per_person": "1",
        "min_per_target_role": "0",
        "time_limit": "5",
        "preference": "10",
        "manages_web_team": "6",
        "years_managing": "2",
        "role_match": "3",
        "skill_match": "3",
        "newcomer": "2",
        "role_shortfall": "100",
    }
    response = client.post("/workshops/organise/rounds/new", data=data)
    assert response.status_code == 302
    round_ = db.session.scalar(db.select(SelectionRound))
    assert round_.title == "Barnsley breakfast"
    assert round_.weights["manages_web_team"] == 6
    assert round_.time_limit == 5


def test_opening_a_round_without_a_workshop_is_refused(
    client, login_as, organiser, make_workshop, db
):
    make_workshop()
    db.session.commit()
    login_as(organiser)
    page = check_page(
        client.post(
            "/workshops/organise/rounds/new",
            data={"max_places_per_person": "0", "time_limit": "5", "title": "Mine"},
        ),
        errors=True,
    )
    messages = error_messages(page)
    assert "Select at least one workshop" in messages
    assert "Enter a number of places from 1 to 50" in messages
    assert page.select_one("#title")["value"] == "Mine"


def test_members_may_not_open_rounds(client, login_as, member):
    login_as(member)
    assert client.post("/workshops/organise/rounds/new", data={}).status_code == 403


def test_running_a_round_is_queued_and_the_round_links_to_its_progress(
    client, login_as, organiser, round_with_people, db, run_jobs
):
    round_ = round_with_people[0]
    login_as(organiser)
    client.run_jobs = False
    response = client.post(f"/workshops/organise/rounds/{round_.id}/run", data={})
    job_url = response.location
    assert job_url.startswith("/jobs/")
    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}"))
    assert page.select_one(f"a[href='{job_url}']").get_text() == "see its progress"
    assert round_.latest_run is None
    assert run_jobs() == 1
    db.session.expire_all()
    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}"))
    assert page.select_one(f"a[href='{job_url}']") is None
    assert round_.latest_run.number == 1


def test_a_run_shows_its_outcome_places_and_every_applicants_why(
    client, login_as, organiser, round_with_people, db
):
    round_, _london, manager, _newcomer = round_with_people
    login_as(organiser)
    response = client.post(f"/workshops/organise/rounds/{round_.id}/run", data={"seed": "42"})
    assert response.status_code == 302
    job_page = check_page(client.get(response.location), title="Run a selection round")
    assert "Run 1 finished: optimal" in job_page.select_one(".govuk-panel").get_text()
    link = job_page.select_one("#job-subject-link")["href"]
    page = check_page(client.get(link), title="November round")
    text = page.get_text(" ", strip=True)
    assert "This is the best selection possible under the rules of the round." in text
    assert "HiGHS" in text
    assert "42" in text
    assert round_.latest_run.input_hash in text
    assert "Given a place at London workshop (choice 1)." in text
    # The competitor is named, not numbered.
    assert "the lowest-scoring person given a place there, Mandy Manager" in text
    assert rules.person_key(manager.id) not in text
    assert "Run the optimiser again" not in text
    assert page.find("button", string=re.compile("Run the optimiser")) is not None
    assert page.find("a", string=re.compile("Confirm this selection")) is not None


def test_an_invalid_seed_is_shown_as_an_error(client, login_as, organiser, round_with_people):
    round_, *_ = round_with_people
    login_as(organiser)
    page = check_page(
        client.post(f"/workshops/organise/rounds/{round_.id}/run", data={"seed": "-4"}),
        errors=True,
    )
    assert error_messages(page) == ["Enter a seed from 0 to 2147483647"]
    assert round_.runs == []


def test_members_may_not_run_rounds(client, login_as, member, round_with_people):
    round_, *_ = round_with_people
    login_as(member)
    assert client.post(f"/workshops/organise/rounds/{round_.id}/run").status_code == 403


def test_an_unknown_round_is_not_found(client, login_as, organiser):
    login_as(organiser)
    assert client.get("/workshops/organise/rounds/999").status_code == 404
    assert client.post("/workshops/organise/rounds/999/run").status_code == 404


def test_locking_someone_out_and_running_again_gives_the_place_to_another(
    client, login_as, organiser, round_with_people, db
):
    round_, london, manager, newcomer = round_with_people
    login_as(organiser)
    run(round_, organiser)
    db.session.commit()
    response = client.post(
        f"/workshops/organise/rounds/{round_.id}/locks",
        data={"user_id": str(manager.id), "workshop_id": str(london.id), "kind": "out"},
    )
    assert response.status_code == 302
    page = check_page(client.get(response.location))
    assert "Run the optimiser again before confirming" in page.get_text(" ", strip=True)
    assert page.find("a", string=re.compile("Confirm this selection")) is None
    client.post(f"/workshops/organise/rounds/{round_.id}/run", data={"seed": "1"})
    assert round_.latest_run.assignments[rules.person_key(newcomer.id)] == [london.slug]
    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}"))
    assert "The organiser locked them out of London workshop." in page.get_text(" ", strip=True)


def test_a_lock_the_round_cannot_keep_is_shown_as_an_error(
    client, login_as, organiser, round_with_people, create_user
):
    round_, _london, *_ = round_with_people
    stranger = create_user()
    login_as(organiser)
    page = check_page(
        client.post(
            f"/workshops/organise/rounds/{round_.id}/locks",
            data={"user_id": str(stranger.id), "workshop_id": "", "kind": "out"},
        ),
        errors=True,
    )
    assert "This person has not asked for a place in this round" in page.get_text(" ", strip=True)


def test_an_incomplete_lock_request_is_a_bad_request(
    client, login_as, organiser, round_with_people
):
    round_, *_ = round_with_people
    login_as(organiser)
    response = client.post(f"/workshops/organise/rounds/{round_.id}/locks", data={"kind": "x"})
    assert response.status_code == 400


def test_members_may_not_lock_people(client, login_as, member, round_with_people):
    round_, london, manager, _ = round_with_people
    login_as(member)
    response = client.post(
        f"/workshops/organise/rounds/{round_.id}/locks",
        data={"user_id": str(manager.id), "workshop_id": str(london.id), "kind": "in"},
    )
    assert response.status_code == 403
    assert round_.locks == []


def test_undoing_a_lock(client, login_as, organiser, round_with_people, db):
    round_, _london, manager, _ = round_with_people
    lock = services.lock_applicant(
        round_, user_id=manager.id, workshop_id=None, kind=LockKind.OUT, actor=organiser, now=NOW
    )
    db.session.commit()
    login_as(organiser)
    url = f"/workshops/organise/rounds/{round_.id}/locks/{lock.id}/remove"
    assert client.post(url).status_code == 302
    assert round_.locks == []
    assert client.post(url).status_code == 404


def test_members_may_not_undo_locks(client, login_as, member, organiser, round_with_people, db):
    round_, _london, manager, _ = round_with_people
    lock = services.lock_applicant(
        round_, user_id=manager.id, workshop_id=None, kind=LockKind.OUT, actor=organiser, now=NOW
    )
    db.session.commit()
    login_as(member)
    url = f"/workshops/organise/rounds/{round_.id}/locks/{lock.id}/remove"
    assert client.post(url).status_code == 403


def test_a_runs_input_downloads_as_a_schema_valid_document_with_its_seed(
    client, login_as, organiser, round_with_people, db
):
    round_, *_ = round_with_people
    recorded = run(round_, organiser, seed=77)
    db.session.commit()
    login_as(organiser)
    response = client.get(f"/workshops/organise/rounds/{round_.id}/runs/{recorded.id}/input.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = json.loads(response.data)
    allocation.validate_document(document)
    assert document["seed"] == 77
    without_seed = {k: v for k, v in document.items() if k != "seed"}
    assert allocation.input_hash(without_seed) == recorded.input_hash
    result = client.get(f"/workshops/organise/rounds/{round_.id}/runs/{recorded.id}/result.json")
    assert json.loads(result.data)["assignments"] == recorded.result["assignments"]


def test_a_run_of_another_round_is_not_found(
    client, login_as, organiser, round_with_people, make_workshop, open_round, db
):
    round_, *_ = round_with_people
    other = open_round(make_workshop())
    recorded = run(round_, organiser)
    db.session.commit()
    login_as(organiser)
    for name in ("input", "result"):
        url = f"/workshops/organise/rounds/{other.id}/runs/{recorded.id}/{name}.json"
        assert client.get(url).status_code == 404


def test_members_may_not_download_runs(client, login_as, member, organiser, round_with_people, db):
    round_, *_ = round_with_people
    recorded = run(round_, organiser)
    db.session.commit()
    login_as(member)
    url = f"/workshops/organise/rounds/{round_.id}/runs/{recorded.id}/input.json"
    assert client.get(url).status_code == 403


def test_confirming_checks_then_offers_the_places(
    client, login_as, organiser, round_with_people, db, mailbox
):
    round_, london, manager, newcomer = round_with_people
    run(round_, organiser)
    db.session.commit()
    login_as(organiser)
    url = f"/workshops/organise/rounds/{round_.id}/confirm"
    page = check_page(client.get(url), title="Confirm the selection")
    assert "You are about to offer 1 place" in page.get_text(" ", strip=True)
    response = client.post(url)
    assert response.status_code == 302
    db.session.expire_all()
    statuses = {c.eoi.user_id: c.status for c in london.choices}
    assert statuses == {manager.id: ChoiceStatus.OFFERED, newcomer.id: ChoiceStatus.WAITING}
    assert {message["To"] for message in mailbox.messages} == {manager.email, newcomer.email}
    page = check_page(client.get(response.location))
    assert "Confirmed" in page.get_text(" ", strip=True)
    assert page.find("button", string=re.compile("Run the optimiser")) is None


def test_a_stale_run_cannot_be_confirmed(client, login_as, organiser, round_with_people, db):
    round_, london, manager, _ = round_with_people
    run(round_, organiser)
    services.lock_applicant(
        round_, user_id=manager.id, workshop_id=None, kind=LockKind.OUT, actor=organiser, now=NOW
    )
    db.session.commit()
    login_as(organiser)
    url = f"/workshops/organise/rounds/{round_.id}/confirm"
    page = check_page(client.post(url), errors=True)
    assert "changed since this run" in error_messages(page)[0]
    assert all(c.status is ChoiceStatus.APPLIED for c in london.choices)


def test_members_may_not_confirm(client, login_as, member, organiser, round_with_people, db):
    round_, *_ = round_with_people
    run(round_, organiser)
    db.session.commit()
    login_as(member)
    assert client.post(f"/workshops/organise/rounds/{round_.id}/confirm").status_code == 403


def test_a_role_minimum_that_cannot_be_met_is_reported_not_refused(
    client, login_as, organiser, make_workshop, apply, create_user, open_round, db
):
    workshop = make_workshop(title="Developers day", capacity=2)
    workshop.target_role_codes = ["web-developer"]
    apply(create_user(web_groups=["web-manager"]), workshop)
    round_ = open_round(workshop, min_per_target_role=1)
    recorded = run(round_, organiser)
    db.session.commit()
    assert recorded.result["shortfalls"] == [
        {"workshop": workshop.slug, "role": "web-developer", "shortfall": 1}
    ]
    login_as(organiser)
    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}"))
    text = page.get_text(" ", strip=True)
    assert "Developers day: 1 short of the minimum for the role web-developer" in text


def test_the_applicants_page_links_to_an_assessment_shared_with_organisers(
    client, login_as, organiser, make_workshop, apply, create_user, db
):
    path = ROOT / "frameworks" / "web-professionals" / "1.0.0.yaml"
    version = framework_services.import_file(path, now=NOW).version
    person = create_user()
    assessment = Assessment(
        user=person,
        version=version,
        role_code="web-manager",
        role_level_code="manager",
        status=AssessmentStatus.SUBMITTED,
        submitted_at=NOW,
    )
    db.session.add(assessment)
    db.session.flush()
    workshop = make_workshop()
    eoi = apply(person, workshop)
    eoi.share_assessment = True
    eoi.shared_assessment_id = assessment.id
    db.session.commit()
    login_as(organiser)
    page = check_page(
        client.get(f"/workshops/organise/rounds/workshops/{workshop.slug}/applicants")
    )
    link = page.find("a", string="Skills profile they shared")
    assert link["href"] == f"/assessments/{assessment.id}/shared-with-organisers"
    assert check_page(client.get(link["href"])).find("h1") is not None


def test_a_workshop_that_stopped_being_eligible_is_refused_with_the_reason(
    client, login_as, organiser, make_workshop, open_round, db
):
    workshop = make_workshop(title="Taken workshop")
    make_workshop()
    open_round(workshop)
    db.session.commit()
    login_as(organiser)
    page = check_page(
        client.post(
            "/workshops/organise/rounds/new",
            data={
                "workshop_ids": [str(workshop.id)],
                "max_places_per_person": "1",
                "min_per_target_role": "0",
                "time_limit": "5",
                **dict.fromkeys(rules.WEIGHT_LABELS, "1"),
            },
        ),
        errors=True,
    )
    assert error_messages(page) == ["Taken workshop is already in an open selection round"]


def test_a_round_whose_workshop_was_cancelled_after_a_run_still_shows_and_says_why(
    client, login_as, organiser, round_with_people, db
):
    round_, london, _, _ = round_with_people
    run(round_, organiser)
    london.status = WorkshopStatus.CANCELLED
    db.session.commit()
    login_as(organiser)

    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}"), title="November round")
    assert "(workshop cancelled)" in page.text
    assert "Run the optimiser again before confirming" in page.text

    response = client.post(f"/workshops/organise/rounds/{round_.id}/run", data={"seed": "1"})
    page = check_page(response, errors=True)
    assert "has been cancelled" in " ".join(error_messages(page))

    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}/confirm"), errors=True)
    assert "changed since this run" in " ".join(error_messages(page))


def test_the_round_pages_fit_a_small_screen_without_wide_tables(
    client, login_as, organiser, round_with_people
):
    round_, _, _, _ = round_with_people
    run(round_, organiser)
    run(round_, organiser, seed=6)
    login_as(organiser)
    for url in (f"/workshops/organise/rounds/{round_.id}", "/workshops/organise/rounds/"):
        page = check_page(client.get(url))
        for table in page.select("main table"):
            assert len(table.select("thead th")) <= 3, url


def test_a_run_stopped_at_the_time_limit_reports_its_gap(
    client, login_as, organiser, round_with_people, db
):
    round_, _, _, _ = round_with_people
    recorded = run(round_, organiser)
    recorded.status, recorded.mip_gap = "time_limit", 0.0375
    db.session.commit()
    login_as(organiser)

    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}"))

    assert "The optimiser stopped at its time limit." in page.text
    assert "within 3.75% of the best possible" in page.text


def test_the_round_page_speaks_plainly_and_keeps_the_solver_in_details(
    client, login_as, organiser, round_with_people
):
    round_ = round_with_people[0]
    login_as(organiser)
    client.post(f"/workshops/organise/rounds/{round_.id}/run", data={"seed": "42"})

    page = check_page(client.get(f"/workshops/organise/rounds/{round_.id}"))

    h1 = page.select_one("h1")
    assert h1.find(class_="govuk-tag") is None
    assert page.select_one("h1 + p .govuk-tag").get_text(strip=True) == "Open"
    assert "Each person can be offered 1 place at most" in page.get_text()
    details = " ".join(d.get_text(" ", strip=True) for d in page.select(".govuk-details"))
    for technical in ("Gap to the optimum", "Input hash", "HiGHS", "Choices that earn preference"):
        assert technical in details
    outside = page.select_one("main").get_text(" ", strip=True)
    for detail in page.select(".govuk-details"):
        outside = outside.replace(detail.get_text(" ", strip=True), "")
    assert "rank horizon" not in outside.lower()
    assert round_.latest_run.input_hash not in outside
