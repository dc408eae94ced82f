"""The record of every long-running job: what it is, where it has got to, what went wrong."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {
            JobState.QUEUED: "Waiting to start",
            JobState.RUNNING: "In progress",
            JobState.SUCCEEDED: "Done",
            JobState.FAILED: "Failed",
        }[self]


class Job(db.Model):  # type: ignore[name-defined]
    """A piece of work run by the task queue, and what became of it."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_started_by_id_created_at", "started_by_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    state: Mapped[JobState] = mapped_column(enum_column(JobState), default=JobState.QUEUED)
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.String(300), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # What the job is about (a register number, a selection run...), for the link on its page.
    subject_type: Mapped[str | None] = mapped_column(sa.String(40))
    subject_id: Mapped[str | None] = mapped_column(sa.String(120))
    started_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    started_by: Mapped[User | None] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)

    @property
    def percent(self) -> int:
        if self.state is JobState.SUCCEEDED:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
