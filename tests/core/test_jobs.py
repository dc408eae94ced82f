"""Jobs through the real queue (Huey on SQLite, or Redis on the PostgreSQL run): recorded,
idempotent, retried with back-off, failures said plainly, progress shown, retried by a button."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from skillsreg.accounts.rules import Role
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs import services
from skillsreg.core.jobs.models import Job, JobState
from skillsreg.core.jobs.queue import (
    STALLED_AFTER,
    huey,
    job_kind,
    report_progress,
    requeue_stalled,
    run_job,
    work_until_empty,
)
from skillsreg.core.mail import MailStatus, OutboxMessage, deliver_mail, queue_mail
from skillsreg.extensions import db
from skillsreg.register.models import RegisterSnapshot
from tests.pages import check_page

calls: list[str] = []


@job_kind("test.flaky", title="Count to three")
def run_flaky(job: Job) -> None:
    """Fails with a network-like error for the first `failures` attempts, then counts to three."""
    calls.append(f"attempt {job.attempts}")
    if job.attempts <= job.params.get("failures", 0):
        raise ConnectionRefusedError("the other server did not answer")
    for done in range(1, 4):
        report_progress(job, done=done, total=3, message=f"Counted {done}")
    job.message = "Counted to three"


@job_kind("test.refused", title="Do something refused")
def run_refused(job: Job) -> None:
    raise DomainError("The thing to do was withdrawn before the job started")


@job_kind("test.unsaved", title="Save something the database refuses the first time")
def run_unsaved(job: Job) -> None:
    """Its first attempt's work is refused only when the job's success is committed."""
    calls.append(f"attempt {job.attempts}")
    if job.attempts == 1:
        db.session.add(Job(kind=None))  # NOT NULL: refused at the flush that commit makes
    job.message = "Saved"


@pytest.fixture(autouse=True)
def _forget_calls():
    calls.clear()


def scheduled_delays() -> list[int]:
    """Seconds from now until each task waiting in the queue's schedule is due."""
    now = datetime.now(UTC).replace(tzinfo=None)
    tasks = huey.scheduled()
    return sorted(round((task.eta - now).total_seconds(), -1) for task in tasks)


def test_a_job_is_queued_and_runs_only_when_a_worker_takes_it(db, organiser, run_jobs):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow())
    assert huey.pending_count() == 0  # nothing is sent to the queue before the commit
    db.session.commit()
    assert huey.pending_count() == 1
    assert job.state is JobState.QUEUED
    assert run_jobs() == 1
    db.session.refresh(job)
    assert (job.state, job.attempts, job.done, job.total) == (JobState.SUCCEEDED, 1, 3, 3)
    assert job.message == "Counted to three"
    assert job.finished_at is not None


def test_a_job_rolled_back_is_never_queued(db, organiser):
    services.start_job("test.flaky", actor=organiser, now=utcnow())
    db.session.rollback()
    assert huey.pending_count() == 0


def test_running_a_finished_job_again_does_nothing(db, organiser, run_jobs):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow())
    db.session.commit()
    run_jobs()
    huey.enqueue(run_job.s(job.id))  # a duplicate delivery, or a requeue after a crash
    assert run_jobs() == 1
    db.session.refresh(job)
    assert calls == ["attempt 1"]
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 1)


def test_a_job_another_worker_is_running_is_not_run_again(db, organiser, run_jobs):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow())
    job.state, job.attempts = JobState.RUNNING, 1  # a worker took it a moment ago
    db.session.commit()
    assert run_jobs() == 1  # the duplicate delivery is taken from the queue...
    db.session.refresh(job)
    assert calls == []  # ...and does nothing
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)


def test_a_failing_job_is_retried_with_doubling_delays_then_recorded_as_failed(
    db, organiser, run_jobs, app
):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow(), params={"failures": 9})
    db.session.commit()
    delays = []
    run_jobs()
    for attempt in range(1, app.config["JOBS_MAX_ATTEMPTS"]):
        db.session.refresh(job)
        assert (job.state, job.attempts) == (JobState.QUEUED, attempt)
        assert "the other server did not answer" in job.error
        delays.extend(scheduled_delays())
        assert work_until_empty(include_retries=True, limit=1) == 1  # its back-off has passed
    db.session.refresh(job)
    assert delays == [10, 20, 40, 80]
    assert job.state is JobState.FAILED
    assert job.attempts == 5
    assert job.error == (
        "An unexpected error stopped it (ConnectionRefusedError: the other server did not "
        "answer). It was tried 5 times."
    )
    assert huey.scheduled_count() == 0


def test_a_job_that_fails_once_succeeds_on_its_retry(db, organiser, run_jobs):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow(), params={"failures": 1})
    db.session.commit()
    run_jobs(include_retries=True)
    db.session.refresh(job)
    assert calls == ["attempt 1", "attempt 2"]
    assert (job.state, job.attempts, job.error) == (JobState.SUCCEEDED, 2, None)


def test_a_job_whose_work_cannot_be_committed_is_retried_not_left_running(db, organiser, run_jobs):
    job = services.start_job("test.unsaved", actor=organiser, now=utcnow())
    db.session.commit()
    run_jobs()
    db.session.refresh(job)
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert "IntegrityError" in job.error
    assert scheduled_delays() == [10]
    run_jobs(include_retries=True)
    db.session.refresh(job)
    assert calls == ["attempt 1", "attempt 2"]
    assert (job.state, job.attempts, job.message, job.error) == (
        JobState.SUCCEEDED,
        2,
        "Saved",
        None,
    )


def test_a_refusal_fails_at_once_in_plain_english(db, organiser, run_jobs):
    job = services.start_job("test.refused", actor=organiser, now=utcnow())
    db.session.commit()
    run_jobs(include_retries=True)
    db.session.refresh(job)
    assert (job.state, job.attempts) == (JobState.FAILED, 1)
    assert job.error == "The thing to do was withdrawn before the job started"


def test_progress_is_committed_while_the_job_runs(db, organiser, run_jobs, app):
    seen = []

    @job_kind("test.watched", title="Watched")
    def run_watched(job: Job) -> None:
        for done in range(1, 3):
            report_progress(job, done=done, total=2, message=f"Step {done}")
            # Committed, not only flushed: nothing is left for the session to write.
            assert not db.session.dirty
            row = db.session.execute(
                sa.select(Job.done, Job.total, Job.message, Job.state).where(Job.id == job.id)
            ).one()
            seen.append(tuple(row))

    job = services.start_job("test.watched", actor=organiser, now=utcnow())
    db.session.commit()
    run_jobs()
    assert seen == [(1, 2, "Step 1", JobState.RUNNING), (2, 2, "Step 2", JobState.RUNNING)]
    db.session.refresh(job)
    assert job.state is JobState.SUCCEEDED


def test_stalled_jobs_are_queued_again(db, organiser, run_jobs):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow() - STALLED_AFTER * 2)
    db.session.commit()
    huey.flush()  # the worker that took it died, and the task with it
    job.state = JobState.RUNNING
    db.session.commit()
    assert requeue_stalled(now=utcnow()) == 1
    assert run_jobs() == 1
    db.session.refresh(job)
    assert job.state is JobState.SUCCEEDED
    assert requeue_stalled(now=utcnow()) == 0


def test_the_job_page_shows_progress_and_refreshes_itself_until_done(
    client, login_as, organiser, run_jobs, db
):
    client.run_jobs = False
    job = services.start_job("test.flaky", actor=organiser, now=utcnow())
    db.session.commit()
    login_as(organiser)
    response = client.get(f"/jobs/{job.id}")
    page = check_page(response, title="Count to three")
    assert response.headers["Refresh"] == "3"
    assert "Waiting to start" in page.select_one("#job-progress-text").get_text()
    still = client.get(f"/jobs/{job.id}?refresh=off")
    assert "Refresh" not in still.headers
    assert check_page(still).select_one(f"#job-refresh a[href='/jobs/{job.id}']") is not None
    job.done, job.total, job.state = 2, 5, JobState.RUNNING
    db.session.commit()
    page = check_page(client.get(f"/jobs/{job.id}"))
    assert page.select_one("#job-progress-text").get_text(strip=True) == "2 of 5 done"
    assert page.select_one("progress")["value"] == "40"
    job.done, job.total, job.state = 0, 0, JobState.QUEUED
    db.session.commit()
    run_jobs()
    response = client.get(f"/jobs/{job.id}")
    page = check_page(response)
    assert "Refresh" not in response.headers
    assert page.select_one(".govuk-panel__title").get_text(strip=True) == "Done"
    assert "Counted to three" in page.select_one(".govuk-panel").get_text()


def test_a_failed_job_says_why_and_can_be_tried_again(client, login_as, organiser, db):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow(), params={"failures": 1})
    job.state, job.attempts, job.error = JobState.FAILED, 5, "The other server did not answer"
    db.session.commit()
    login_as(organiser)
    page = check_page(client.get(f"/jobs/{job.id}"))
    assert page.select_one("#job-error").get_text(strip=True) == "The other server did not answer"
    form = page.select_one("form[action$='/retry']")
    assert form.select_one("button").get_text(strip=True) == "Try again"
    response = client.post(form["action"], data={})
    assert response.status_code == 302
    page = check_page(client.get(response.headers["Location"]))  # the worker ran it meanwhile
    db.session.refresh(job)
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 6)
    assert page.select_one(".govuk-panel__title").get_text(strip=True) == "Done"


def test_only_a_failed_job_can_be_tried_again(client, login_as, organiser, db):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow())
    db.session.commit()
    login_as(organiser)
    client.post(f"/jobs/{job.id}/retry", data={})
    db.session.refresh(job)
    with pytest.raises(services.JobError):
        services.retry_job(job, actor=organiser, now=utcnow())


def test_a_job_is_seen_by_whoever_started_it_and_administrators_only(
    client, login_as, organiser, administrator, create_user, member, db
):
    job = services.start_job("test.flaky", actor=organiser, now=utcnow())
    db.session.commit()
    other = create_user(role=Role.ORGANISER)
    login_as(other)
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert client.post(f"/jobs/{job.id}/retry").status_code == 403
    assert "Count to three" not in check_page(client.get("/jobs/")).get_text()
    login_as(member)
    assert client.get(f"/jobs/{job.id}").status_code == 403
    login_as(administrator)
    assert client.get(f"/jobs/{job.id}").status_code == 200
    login_as(organiser)
    listing = check_page(client.get("/jobs/"), title="Recent jobs")
    assert listing.select_one(f"a[href='/jobs/{job.id}']") is not None
    assert client.get("/jobs/999999").status_code == 404


def test_publishing_from_the_browser_is_a_job_that_runs_once(
    client, login_as, organiser, create_user, db, run_jobs
):
    from skillsreg.register.services import set_consents

    person = create_user(name="Ada Lovelace")
    set_consents(person, fields=["name"], source="test", now=utcnow())
    db.session.commit()
    client.run_jobs = False
    login_as(organiser)
    response = client.post("/register/publish", data={"population": "framework"})
    job = db.session.scalar(sa.select(Job).order_by(Job.id.desc()))
    assert response.headers["Location"] == f"/jobs/{job.id}"
    assert db.session.scalar(sa.select(sa.func.count(RegisterSnapshot.id))) == 0
    run_jobs()
    huey.enqueue(run_job.s(job.id))
    run_jobs()
    db.session.refresh(job)
    assert (job.state, job.subject_id, job.done, job.total) == (JobState.SUCCEEDED, "1", 7, 7)
    assert db.session.scalar(sa.select(sa.func.count(RegisterSnapshot.id))) == 1


def test_email_is_delivered_by_the_queue_and_retried_until_the_server_answers(
    app, db, mailbox, run_jobs, smtp_server
):
    from tests.conftest import free_port

    message = queue_mail(
        to="ada@example.gov.uk", subject="Hello", template="register_consent", user=None,
        change=None, agreed=[], privacy_url="", withdraw_url="",
    )  # fmt: skip
    db.session.commit()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # the mail server is away
    try:
        run_jobs()
        db.session.refresh(message)
        assert (message.status, message.attempts) == (MailStatus.PENDING, 1)
        assert message.last_error
        assert scheduled_delays() == [10]
    finally:
        app.config["MAIL_PORT"] = port
    run_jobs(include_retries=True)
    db.session.refresh(message)
    assert (message.status, message.attempts) == (MailStatus.SENT, 2)
    assert [m["To"] for m in mailbox.messages] == ["ada@example.gov.uk"]
    huey.enqueue(deliver_mail.s(message.id))
    run_jobs()
    assert len(mailbox.messages) == 1  # delivering it again sends nothing


def test_email_that_never_goes_is_recorded_as_failed(app, db, mailbox, run_jobs):
    from tests.conftest import free_port

    message = queue_mail(
        to="ada@example.gov.uk", subject="Hello", template="register_consent", user=None,
        change=None, agreed=[], privacy_url="", withdraw_url="",
    )  # fmt: skip
    db.session.commit()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    try:
        run_jobs(include_retries=True)
    finally:
        app.config["MAIL_PORT"] = port
    db.session.refresh(message)
    assert (message.status, message.attempts) == (MailStatus.FAILED, 5)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) >= 1
    assert mailbox.messages == []


def test_production_on_a_sqlite_queue_warns_that_other_hosts_cannot_see_it(app, tmp_path, caplog):
    from skillsreg.core.jobs.queue import init_queue

    previous = (app.config["JOBS_URL"], app.config["ENV_NAME"], app.extensions["huey_storage"])
    app.config.update(JOBS_URL=f"sqlite:///{tmp_path / 'jobs.db'}", ENV_NAME="production")
    try:
        with caplog.at_level("WARNING"):
            init_queue(app)
    finally:
        app.config.update(JOBS_URL=previous[0], ENV_NAME=previous[1])
        app.extensions["huey_storage"] = previous[2]
        huey.storage = previous[2]
    assert "only consumers on this host see it" in caplog.text
    assert "Set JOBS_URL (or REDIS_URL) to Redis" in caplog.text
