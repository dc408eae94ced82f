"""The library's work on the task queue: pushes to publishing targets and withdrawals there."""

from __future__ import annotations

from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.queue import TemporaryError, job_kind, report_progress
from skillsreg.extensions import db
from skillsreg.library import services
from skillsreg.library.models import Document, PushStatus
from skillsreg.library.publishing import PublishingError, withdraw_pushed
from skillsreg.library.targets import TargetError


@job_kind(services.PUSH, title="Push a document to a publishing target")
def run_push(job: Job) -> None:
    """Send a document's latest version to a target; the same files again change nothing."""
    document = db.session.get(Document, int(job.params["document_id"]))
    if document is None:
        raise DomainError("The document no longer exists")
    actor = job.started_by
    if actor is None:
        raise DomainError("The organiser who started this push no longer has an account")
    report_progress(job, done=0, total=1, message=f"Sending {document.title}")
    try:
        push = services.push_document(
            document, int(job.params["target_id"]), actor=actor, now=utcnow()
        )
    except PublishingError as error:
        if isinstance(error.__cause__, TargetError):
            db.session.commit()  # keep the failed push in the record; the queue tries again
            raise TemporaryError(error.message) from error
        raise
    job.message = (
        f"Already on {push.target.name}: nothing changed"
        if push.status is PushStatus.UNCHANGED
        else f"Pushed to {push.target.name}"
    )


@job_kind(services.WITHDRAW_PUSHED, title="Remove a withdrawn publication from publishing targets")
def run_withdraw_pushed(job: Job) -> None:
    """Remove a withdrawn publication's files from every target still holding them."""
    key = job.params["key"]
    results = withdraw_pushed(key=key, replacement=None, actor=job.started_by, now=utcnow())
    failed = [push for push in results if push.status is PushStatus.FAILED]
    if failed:
        db.session.commit()  # the targets that worked are recorded; only the others are retried
        names = ", ".join(push.target.name for push in failed)
        raise TemporaryError(f"Could not remove {key} from {names}: it will be tried again")
    job.message = f"{key} is removed from every publishing target"
