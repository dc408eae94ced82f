"""Framework work on the task queue: importing a large uploaded framework file."""

from __future__ import annotations

from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.queue import job_kind, report_progress
from skillsreg.frameworks import services
from skillsreg.frameworks.document import DocumentInvalid, parse_document


@job_kind(services.IMPORT, title="Import a framework")
def run_import(job: Job) -> None:
    """Check and store an uploaded framework file; the same file again changes nothing."""
    filename = job.params["filename"]
    report_progress(job, done=0, total=2, message=f"Reading and checking {filename}")
    try:
        doc = parse_document(job.params["text"], filename=filename)
        report_progress(job, done=1, total=2, message=f"Storing {filename}")
        outcome = services.import_document(doc, filename=filename, now=utcnow())
    except DocumentInvalid as invalid:
        raise DomainError("; ".join(str(problem) for problem in invalid.errors)) from invalid
    version = outcome.version
    job.subject_type = "framework_version"
    job.subject_id = f"{version.framework.slug}/{version.number}"
    job.message = outcome.message
    job.params = {"filename": filename}  # the file is stored now: keep no second copy
