"""An append-only audit log of consent changes, publications, pushes and other sensitive acts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import utcnow
from skillsreg.extensions import db


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """One recorded act: who did what to which thing, and when.

    The actor is kept as a foreign key (blanked when an account is erased) and as a label
    written at the time, so the log stays meaningful after erasure.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(200), default="")
    subject_type: Mapped[str] = mapped_column(sa.String(80), default="")
    subject_id: Mapped[str] = mapped_column(sa.String(80), default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"


def record(
    action: str,
    *,
    actor: User | None,
    subject_type: str = "",
    subject_id: str | int = "",
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=f"user {actor.id}" if actor is not None else "system",
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details,
    )
    db.session.add(event)
    return event
