"""Starting, retrying and finding jobs; the work itself runs on the queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core.errors import DomainError, NotAllowedError
from skillsreg.core.jobs.models import Job, JobState
from skillsreg.core.jobs.queue import KINDS, enqueue_after_commit, run_job
from skillsreg.extensions import db


class JobError(DomainError):
    """A job cannot be started or retried as asked."""


def start_job(
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    params: dict[str, Any] | None = None,
    subject: tuple[str, str] | None = None,
    message: str = "Waiting for a worker to start it",
) -> Job:
    """Record a job and send it to the queue when the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind,
        state=JobState.QUEUED,
        params=params or {},
        message=message,
        started_by=actor,
        created_at=now,
        updated_at=now,
    )
    if subject is not None:
        job.subject_type, job.subject_id = subject
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(run_job.s(job.id))
    return job


def can_see(job: Job, user: User) -> bool:
    """The organiser who started a job sees it, and administrators see every job."""
    if user.is_administrator:
        return True
    return user.is_organiser and job.started_by_id == user.id


def retry_job(job: Job, *, actor: User, now: datetime) -> Job:
    """Send a failed job to the queue again, from where it failed."""
    if not can_see(job, actor):
        raise NotAllowedError("You cannot retry this job")
    if job.state is not JobState.FAILED:
        raise JobError("Only a job that failed can be tried again")
    job.state = JobState.QUEUED
    job.error = None
    job.finished_at = None
    job.message = "Waiting for a worker to try again"
    job.updated_at = now
    db.session.flush()
    enqueue_after_commit(run_job.s(job.id))
    return job


def recent_jobs(user: User, *, limit: int = 50) -> Sequence[Job]:
    """The latest jobs this person may see, newest first."""
    query = sa.select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
    if not user.is_administrator:
        query = query.where(Job.started_by_id == user.id)
    return db.session.scalars(query).all()


def latest_job(kind: str, *, subject: tuple[str, str]) -> Job | None:
    """The newest job of a kind about one thing (a selection run, a snapshot), if any."""
    return db.session.scalar(
        sa.select(Job)
        .where(Job.kind == kind, Job.subject_type == subject[0], Job.subject_id == subject[1])
        .order_by(Job.id.desc())
        .limit(1)
    )
