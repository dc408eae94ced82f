"""Selection runs on the task queue: the optimiser can take its whole time limit."""

from __future__ import annotations

from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.core.jobs.models import Job
from skillsreg.core.jobs.queue import job_kind, report_progress
from skillsreg.workshops.selection import queries, services


@job_kind(services.RUN, title="Run a selection round")
def run_selection(job: Job) -> None:
    """Solve the round with the seed drawn when the run was asked for, and record the run."""
    round_ = queries.find_round(int(job.params["round_id"]))
    if round_ is None:
        raise DomainError("The selection round no longer exists")
    report_progress(
        job,
        done=1,
        total=2,
        message=(
            f"Reading the applications and solving for {len(round_.workshops)} workshops "
            f"(the solver stops after {round_.time_limit:g} seconds at most)"
        ),
    )
    run = services.run_round(
        round_, seed=int(job.params["seed"]), actor=job.started_by, now=utcnow()
    )
    job.message = f"Run {run.number} finished: {run.status}"
