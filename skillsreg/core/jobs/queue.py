"""The task queue (Huey): its storage from JOBS_URL, enqueueing after commit, and running jobs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.api import Task
from huey.exceptions import RetryTask
from huey.storage import BaseStorage, MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event, orm

from skillsreg.core.db import utcnow, writing
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job, JobState
from skillsreg.extensions import db

log = logging.getLogger(__name__)


class AppHuey(Huey):
    """Huey whose storage is the current app's, so each app (tests make several) has its own."""

    @property  # type: ignore[override]
    def storage(self) -> BaseStorage:
        if has_app_context() and "huey_storage" in current_app.extensions:
            return current_app.extensions["huey_storage"]  # type: ignore[no-any-return]
        return self._default_storage

    @storage.setter
    def storage(self, value: BaseStorage) -> None:
        self._default_storage = value


# Every task is declared on this one instance; init_queue gives each app its configured storage.
huey = AppHuey("skillsreg", storage_class=MemoryStorage, utc=True)
_app: dict[str, Flask] = {}
AFTER_COMMIT = "skillsreg_enqueue_after_commit"
MAX_RETRY_DELAY = 60 * 60  # back-off stops doubling at an hour
STALLED_AFTER = timedelta(minutes=15)


class QueueConfigError(RuntimeError):
    """JOBS_URL names a queue storage this service cannot use."""


class TemporaryError(Exception):
    """A failure worth trying again later (a server away, a network error); said for a person."""


def storage_for(url: str, name: str) -> BaseStorage:
    """The Huey storage a JOBS_URL names: sqlite:///path, redis://host:port/db or memory://."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return SqliteStorage(name, filename=url.removeprefix("sqlite:///"))
    if scheme in ("redis", "rediss", "unix"):
        return RedisStorage(name, url=url)
    if scheme == "memory":
        return MemoryStorage(name)
    raise QueueConfigError(f"JOBS_URL must start with sqlite:///, redis:// or memory://: {url!r}")


def init_queue(app: Flask) -> None:
    """Point the queue at the configured storage; jobs run inside this app."""
    url = app.config["JOBS_URL"]
    if url.startswith("sqlite:///"):
        from skillsreg.core.db import ensure_sqlite_folder

        ensure_sqlite_folder(url)
        if app.config.get("ENV_NAME") == "production":
            app.logger.warning(
                "The task queue is the SQLite file %s: only consumers on this host see it. "
                "Set JOBS_URL (or REDIS_URL) to Redis to run workers on more than one host.",
                url.removeprefix("sqlite:///"),
            )
    storage = storage_for(url, app.config["JOBS_QUEUE_NAME"])
    app.extensions["huey_storage"] = storage
    # A consumer's worker threads run outside any app context: they use the latest app.
    huey.storage = storage
    _app["app"] = app


def worker_context() -> AbstractContextManager[Any]:
    """An app context for a job; with a request built from BASE_URL when url_for needs one."""
    app = current_app._get_current_object() if has_app_context() else _app["app"]  # type: ignore[attr-defined]
    if app.config.get("SERVER_NAME"):
        return app.app_context()
    return app.test_request_context(base_url=app.config["BASE_URL"])


def enqueue_after_commit(task: Task) -> None:
    """Send a task to the queue once the current transaction commits (never if it rolls back)."""
    db.session.info.setdefault(AFTER_COMMIT, []).append(task)


@event.listens_for(orm.Session, "after_commit")
def _enqueue_committed(session: orm.Session) -> None:
    for task in session.info.pop(AFTER_COMMIT, []):
        huey.enqueue(task)


@event.listens_for(orm.Session, "after_rollback")
def _forget_rolled_back(session: orm.Session) -> None:
    session.info.pop(AFTER_COMMIT, None)


def retry_delay(attempts: int) -> int:
    """Seconds to wait before the next attempt: JOBS_RETRY_DELAY, doubled after each failure."""
    base = int(current_app.config["JOBS_RETRY_DELAY"])
    return int(min(MAX_RETRY_DELAY, base * 2 ** max(0, attempts - 1)))


def max_attempts() -> int:
    return int(current_app.config["JOBS_MAX_ATTEMPTS"])


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its plain-English title and the function that does the work."""

    name: str
    title: str
    run: Callable[[Job], None]


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, title: str) -> Callable[[Callable[[Job], None]], Callable[[Job], None]]:
    """Register the function that runs jobs of this kind; it must be safe to run again."""

    def register(run: Callable[[Job], None]) -> Callable[[Job], None]:
        KINDS[name] = JobKind(name=name, title=title, run=run)
        return run

    return register


def title_of(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return kind.title if kind else job.kind


@huey.task(name="run_job")
def run_job(job_id: int) -> None:
    """The one queue task behind every recorded job."""
    with worker_context():
        execute_job(job_id)


def execute_job(job_id: int) -> None:
    """Run a job once: record the attempt, do the work, record the result or schedule a retry."""
    now = utcnow()
    # Claim the job in one statement, so a duplicate delivery never runs it twice at once: only
    # a queued job, or one whose worker died (untouched for STALLED_AFTER), is taken.
    with writing():
        claimed = _claim(job_id, now)
    if claimed != 1:
        return  # done already, or another worker has it: nothing to redo
    job = db.session.get(Job, job_id)
    if job is None:
        return
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise DomainError(f"This service no longer knows how to run a {job.kind!r} job")
        kind.run(job)
        # The job's own changes are committed with its success, so a failure to commit them
        # (the database away, or SQLite's writer busy) is a failed attempt like any other.
        job.state = JobState.SUCCEEDED
        job.done = max(job.done, job.total)
        job.finished_at = job.updated_at = utcnow()
        job.error = None
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        with writing():
            _finish(job_id, JobState.FAILED, error=error.message)
    except Exception as error:
        db.session.rollback()
        log.exception("job %s (%s) failed on attempt", job_id, getattr(kind, "name", "?"))
        with writing():
            _failed_attempt(job_id, error)


def _claim(job_id: int, now: datetime) -> int:
    """Mark the job running if it is free to run; the number of jobs claimed (0 or 1)."""
    claimed = db.session.execute(
        sa.update(Job)
        .where(
            Job.id == job_id,
            sa.or_(
                Job.state == JobState.QUEUED,
                sa.and_(Job.state == JobState.RUNNING, Job.updated_at < now - STALLED_AFTER),
            ),
        )
        .values(
            state=JobState.RUNNING,
            attempts=Job.attempts + 1,
            started_at=sa.func.coalesce(Job.started_at, now),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(claimed.rowcount)  # type: ignore[attr-defined]


def _finish(job_id: int, state: JobState, *, error: str | None) -> None:
    job = db.session.get(Job, job_id)
    if job is None:
        return
    job.state = state
    job.error = error
    job.finished_at = job.updated_at = utcnow()
    db.session.commit()


def describe_error(error: BaseException) -> str:
    """A person-readable account of an unexpected error."""
    if isinstance(error, TemporaryError):
        return str(error)
    detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    name = type(error).__name__
    return f"An unexpected error stopped it ({name}{': ' + detail if detail else ''})"


def _failed_attempt(job_id: int, error: Exception) -> None:
    job = db.session.get(Job, job_id)
    if job is None:
        return
    if job.attempts >= max_attempts():
        _finish(
            job_id,
            JobState.FAILED,
            error=f"{describe_error(error)}. It was tried {job.attempts} times.",
        )
        return
    delay = retry_delay(job.attempts)
    job.state = JobState.QUEUED
    job.error = f"{describe_error(error)}. It will be tried again in {delay} seconds."
    job.updated_at = utcnow()
    db.session.commit()
    raise RetryTask(delay=delay) from error


def report_progress(job: Job, *, done: int, total: int, message: str = "") -> None:
    """Record how far a job has got and commit it, so its page shows it while the job runs.

    Call it only before the job's own changes are flushed: it commits the session.
    """
    job.done, job.total = done, total
    job.message = message[:300]
    job.updated_at = utcnow()
    db.session.commit()


@huey.periodic_task(lambda when: when.minute % 5 == 0, name="requeue_stalled_jobs")
def requeue_stalled_jobs() -> None:
    """Every five minutes, send again jobs whose worker died (safe: every job is idempotent)."""
    with worker_context(), writing():
        requeue_stalled(now=utcnow())


def requeue_stalled(*, now: datetime) -> int:
    """Enqueue again queued or running jobs untouched for STALLED_AFTER; return how many."""
    stalled = db.session.scalars(
        sa.select(Job.id).where(
            Job.state.in_((JobState.QUEUED, JobState.RUNNING)),
            Job.updated_at < now - STALLED_AFTER,
        )
    ).all()
    for job_id in stalled:
        db.session.execute(
            sa.update(Job)
            .where(Job.id == job_id)
            .values(state=JobState.QUEUED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        enqueue_after_commit(run_job.s(job_id))
    db.session.commit()
    return len(stalled)


def work_until_empty(*, include_retries: bool = False, limit: int = 10_000) -> int:
    """Run queued tasks with Huey's own worker loop in this thread until none are left.

    For tests, benchmarks and `flask jobs run`; with include_retries the back-off is not waited
    for. Returns how many tasks ran.
    """
    from huey.consumer import Worker

    worker = Worker(huey, threading.Event(), default_delay=0, max_delay=0, backoff=1)
    # With include_retries, the worker's clock is a year ahead: every back-off has passed.
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=365)
    ran = 0
    while ran < limit:
        if include_retries:
            for task in huey.read_schedule(later):
                huey.enqueue(task)
        if not huey.pending_count():
            break
        worker.loop(now=later if include_retries else None)
        ran += 1
    return ran
