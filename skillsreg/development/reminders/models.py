"""Each member's reminder rhythm, and every reminder sent (one per member per period)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


class Rhythm(enum.Enum):
    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def label(self) -> str:
        return RHYTHM_LABELS[self]


RHYTHM_LABELS = {
    Rhythm.NONE: "No reminders",
    Rhythm.MONTHLY: "Once a month",
    Rhythm.QUARTERLY: "Once a quarter",
}


class ReminderPreference(db.Model):  # type: ignore[name-defined]
    """How often a member wants a reminder email; no row means no reminders."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    rhythm: Mapped[Rhythm] = mapped_column(enum_column(Rhythm), default=Rhythm.NONE)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSend(db.Model):  # type: ignore[name-defined]
    """A reminder sent for one period; the unique key stops a second send in the same period."""

    __tablename__ = "reminder_sends"
    __table_args__ = (sa.UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(16))  # 2026-12 or 2026-Q4
    rhythm: Mapped[Rhythm] = mapped_column(enum_column(Rhythm))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
