"""Assessment work on the task queue: rendering a submitted profile's PDF before it is asked for."""

from __future__ import annotations

from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.queue import job_kind
from skillsreg.extensions import db

WARM_PDF = "assessments.warm_pdf"


@job_kind(WARM_PDF, title="Prepare a skills profile PDF")
def run_warm_pdf(job: Job) -> None:
    """Render and keep the PDF of a submitted assessment; a PDF already kept is left alone."""
    from skillsreg.assessments.models import Assessment
    from skillsreg.assessments.pdf import profile_pdf

    assessment = db.session.get(Assessment, int(job.params["assessment_id"]))
    if assessment is None or not assessment.is_submitted:
        job.message = "The assessment is no longer there: nothing to prepare"
        return
    size = len(profile_pdf(assessment))
    job.message = f"The PDF is ready ({size // 1024} KB)"
