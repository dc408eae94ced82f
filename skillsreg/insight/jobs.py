"""Insight work on the task queue: counting the skills picture again as soon as what it counts
changes, so that organisers find it in the cache instead of waiting for it.

A change is a submitted assessment, a new account, or a member confirming their email, being
erased, opting out of (or back into) the statistics or changing their sector or region. The
session notes such changes as they are flushed; when the transaction commits, one warming job
is queued, unless one is already waiting for a worker, which will count the latest data anyway:
a burst of changes costs one count while the worker is busy, and at most one more afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event, orm

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus
from skillsreg.core.db import utcnow
from skillsreg.core.jobs.models import Job, JobState
from skillsreg.core.jobs.queue import job_kind
from skillsreg.extensions import db

WARM_PICTURE = "insight.warm_picture"
CHANGED = "skillsreg_insight_counted_changed"
# The columns the picture depends on (see queries._counted).
USER_COLUMNS = ("email_confirmed_at", "erased_at", "is_statistics_opt_out", "sector", "region")
ASSESSMENT_COLUMNS = ("status", "submitted_at", "role_code", "role_level_code", "version_id")


@job_kind(WARM_PICTURE, title="Prepare the community skills picture")
def run_warm_picture(job: Job) -> None:
    """Count the latest published version's picture and keep it in the cache."""
    from skillsreg.insight import pages, queries
    from skillsreg.insight.settings import min_cell

    version = queries.latest_published_version()
    if version is None:
        job.message = "There is no published framework version to describe"
        return
    overview = pages.overview(version, min_cell())
    job.message = f"The picture of {overview.people} people is ready"


def start_warming(*, now: datetime) -> Job | None:
    """Queue the picture's warming once this transaction commits, unless a warming job is
    already waiting for a worker; return the job queued, if any."""
    from skillsreg.core.jobs.services import start_job

    waiting = db.session.scalar(
        sa.select(Job.id)
        .where(
            Job.kind == WARM_PICTURE,
            Job.state == JobState.QUEUED,
            Job.started_at.is_(None),
        )
        .limit(1)
    )
    if waiting is not None:
        return None
    return start_job(
        WARM_PICTURE,
        actor=None,
        now=now,
        message="Waiting for a worker to count the picture again",
    )


def _changed(obj: Any, columns: tuple[str, ...]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in columns)


def changes_picture(obj: Any, *, is_new: bool, is_deleted: bool) -> bool:
    """Whether writing this row can change the counted skills picture."""
    if isinstance(obj, Assessment):
        if is_new or is_deleted:
            return obj.status is AssessmentStatus.SUBMITTED
        return _changed(obj, ASSESSMENT_COLUMNS)
    if isinstance(obj, User):
        # Any new account changes the picture's cache key (pages.fingerprint), so that too.
        return is_new or is_deleted or _changed(obj, USER_COLUMNS)
    return False


@event.listens_for(orm.Session, "after_flush")
def _note_changes(session: orm.Session, _context: Any) -> None:
    if session.info.get(CHANGED):
        return
    rows = [
        *((obj, True, False) for obj in session.new),
        *((obj, False, False) for obj in session.dirty),
        *((obj, False, True) for obj in session.deleted),
    ]
    if any(changes_picture(o, is_new=new, is_deleted=gone) for o, new, gone in rows):
        session.info[CHANGED] = True


@event.listens_for(orm.Session, "before_commit")
def _queue_warming(session: orm.Session) -> None:
    if not has_app_context() or not current_app.config.get("INSIGHT_WARM_PICTURE"):
        session.info.pop(CHANGED, None)
        return
    session.flush()  # what is still pending is noted now, before the commit's own flush
    if session.info.pop(CHANGED, False) and session is db.session():
        start_warming(now=utcnow())


@event.listens_for(orm.Session, "after_rollback")
def _forget_changes(session: orm.Session) -> None:
    session.info.pop(CHANGED, None)
