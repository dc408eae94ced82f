"""The register's work on the task queue: publishing, republishing and pushing snapshots."""

from __future__ import annotations

from skillsreg.accounts.models import User
from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.queue import TemporaryError, job_kind, report_progress
from skillsreg.core.templating import pluralise
from skillsreg.extensions import db
from skillsreg.register import queries, services
from skillsreg.register.models import RegisterSnapshot
from skillsreg.register.rules import PopulationSpec


def _progress(job: Job) -> services.Progress:
    def report(done: int, total: int, message: str) -> None:
        report_progress(job, done=done, total=total, message=message)

    return report


def _published(job: Job, snapshot: RegisterSnapshot) -> None:
    job.subject_type, job.subject_id = "register", str(snapshot.number)
    count = snapshot.people_count
    job.message = (
        f"Register {snapshot.number} is published: {count} {pluralise(count, 'person', 'people')}"
    )


def _organiser(job: Job) -> User:
    actor = job.started_by
    if actor is None or not actor.is_organiser:
        raise DomainError("The organiser who started this can no longer publish the register")
    return actor


@job_kind(services.PUBLISH, title="Publish the register")
def run_publish(job: Job) -> None:
    """Build and store every format of a new register (all written in one commit)."""
    spec = PopulationSpec.from_dict(job.params["population"])
    snapshot = services.publish_register(
        spec, actor=_organiser(job), now=utcnow(), progress=_progress(job)
    )
    _published(job, snapshot)


@job_kind(services.REPUBLISH, title="Republish the register")
def run_republish(job: Job) -> None:
    """Publish a register replacing the withdrawn one; nothing to do once that has happened."""
    stale = queries.stale_snapshot()
    if stale is None:
        job.message = "The register is already up to date: nothing needed republishing"
        return
    actor = job.started_by or stale.published_by
    if actor is None or not actor.is_organiser:
        raise DomainError(
            f"Register {stale.number} was withdrawn, but the organiser who published it can no "
            "longer publish: an organiser needs to republish it"
        )
    try:
        snapshot = services.republish_register(actor=actor, now=utcnow(), progress=_progress(job))
    except services.RegisterError:
        if job.started_by is not None:
            raise
        job.message = "Nobody is left to list: the register stays withdrawn"
        return
    _published(job, snapshot)


@job_kind(services.PUSH, title="Push a register to a publishing target")
def run_push(job: Job) -> None:
    """Send a snapshot's files to a target; the same files again change nothing there."""
    number = int(job.params["number"])
    snapshot = queries.snapshot_by_number(number)
    if snapshot is None:
        raise DomainError(f"Register {number} no longer exists")
    actor = job.started_by
    if actor is None:
        raise DomainError("The organiser who started this push no longer has an account")
    report_progress(job, done=0, total=1, message=f"Sending register {number}")
    from skillsreg.library.publishing import PublishingError
    from skillsreg.library.targets import TargetError

    try:
        push = services.push_snapshot(
            snapshot, target_id=int(job.params["target_id"]), actor=actor, now=utcnow()
        )
    except PublishingError as error:
        if isinstance(error.__cause__, TargetError):
            db.session.commit()  # keep the failed push in the record; the queue tries again
            raise TemporaryError(error.message) from error
        raise
    job.message = f"Register {number} was pushed ({push.status.value})"
