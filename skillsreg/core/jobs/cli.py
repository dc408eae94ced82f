"""`flask jobs ...`: run the queue's workers, or run what is queued now and stop."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from skillsreg.core.db import utcnow

jobs_cli = AppGroup("jobs", help="The task queue and its workers.")


@jobs_cli.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (default JOBS_WORKERS).")
@click.option("--processes", is_flag=True, help="Run the workers as processes rather than threads.")
def worker(workers: int | None, processes: bool) -> None:
    """Run the queue's consumer until stopped (Ctrl-C or SIGTERM finishes the running jobs)."""
    from skillsreg.core.jobs.queue import huey
    from skillsreg.extensions import db

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    @huey.on_startup()
    def fresh_connections() -> None:
        # A forked worker must not share the parent's pooled database connections.
        with app.app_context():
            db.engine.dispose(close=False)

    count = workers or current_app.config["JOBS_WORKERS"]
    click.echo(f"Queue {current_app.config['JOBS_URL'].split('@')[-1]}: {count} workers")
    consumer = huey.create_consumer(
        workers=count,
        worker_type="process" if processes else "thread",
        periodic=True,
        initial_delay=0.1,
        backoff=1.15,
        max_delay=1.0,
    )
    consumer.run()


@jobs_cli.command("run")
def run_queued() -> None:
    """Run every task queued now in this process, then stop (for cron or a one-off)."""
    from skillsreg.core.jobs.queue import work_until_empty

    ran = work_until_empty()
    click.echo(f"Ran {ran} task{'s' if ran != 1 else ''}.")


@jobs_cli.command("requeue")
def requeue() -> None:
    """Queue again every job that has stalled (its worker died); safe, as jobs are idempotent."""
    from skillsreg.core.jobs.queue import requeue_stalled

    count = requeue_stalled(now=utcnow())
    click.echo(f"Queued {count} stalled job{'s' if count != 1 else ''} again.")


@jobs_cli.command("purge")
def purge() -> None:
    """Empty the queue (the jobs' records stay; `flask jobs requeue` sends them again)."""
    from skillsreg.core.jobs.queue import huey

    huey.flush()
    click.echo("The queue is empty.")
