"""Models of the selection domain: rounds, the organiser's locks, and every optimiser run."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db
from skillsreg.workshops.models import Workshop


class RoundStatus(enum.Enum):
    OPEN = "open"
    CONFIRMED = "confirmed"


class LockKind(enum.Enum):
    IN = "in"
    OUT = "out"


round_workshops = sa.Table(
    "selection_round_workshops",
    db.metadata,
    sa.Column(
        "round_id",
        sa.ForeignKey("selection_rounds.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
)


class SelectionRound(db.Model):  # type: ignore[name-defined]
    """A selection over one or more workshops whose closing dates have passed."""

    __tablename__ = "selection_rounds"
    __table_args__ = (
        sa.CheckConstraint("max_places_per_person >= 1", name="person_limit_positive"),
        sa.CheckConstraint("time_limit > 0", name="time_limit_positive"),
        sa.CheckConstraint("min_per_target_role >= 0", name="role_minimum_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus), default=RoundStatus.OPEN)
    max_places_per_person: Mapped[int] = mapped_column(default=1)
    min_per_target_role: Mapped[int] = mapped_column(default=0)
    time_limit: Mapped[float] = mapped_column(default=10.0)
    # Score weights by name (see allocation/scoring.py); missing names take their defaults.
    weights: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    workshops: Mapped[list[Workshop]] = relationship(
        secondary=round_workshops, order_by="Workshop.starts_at, Workshop.id"
    )
    locks: Mapped[list[SelectionLock]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="SelectionLock.id"
    )
    runs: Mapped[list[SelectionRun]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="SelectionRun.number"
    )

    @property
    def is_open(self) -> bool:
        return self.status is RoundStatus.OPEN

    @property
    def latest_run(self) -> SelectionRun | None:
        return self.runs[-1] if self.runs else None

    @property
    def confirmed_run(self) -> SelectionRun | None:
        return next((run for run in self.runs if run.confirmed_at is not None), None)

    def __repr__(self) -> str:
        return f"<SelectionRound {self.id} {self.status.value}>"


class SelectionLock(db.Model):  # type: ignore[name-defined]
    """An organiser's decision the optimiser must keep: a person in or out of a workshop.

    A lock out with no workshop keeps the person out of the whole round.
    """

    __tablename__ = "selection_locks"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("selection_rounds.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    workshop_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshops.id", ondelete="CASCADE")
    )
    kind: Mapped[LockKind] = mapped_column(enum_column(LockKind))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[SelectionRound] = relationship(back_populates="locks")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    workshop: Mapped[Workshop | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def is_in(self) -> bool:
        return self.kind is LockKind.IN

    def __repr__(self) -> str:
        return f"<SelectionLock {self.id} {self.kind.value} user={self.user_id}>"


class SelectionRun(db.Model):  # type: ignore[name-defined]
    """One solve of a round: its exact input, seed, solver and outcome, kept for audit."""

    __tablename__ = "selection_runs"
    __table_args__ = (sa.UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        sa.ForeignKey("selection_rounds.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    input_document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    input_hash: Mapped[str] = mapped_column(sa.String(64))
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    solver: Mapped[str] = mapped_column(sa.String(40))
    solver_version: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20))
    objective: Mapped[float]
    mip_gap: Mapped[float]
    solve_seconds: Mapped[float] = mapped_column(default=0.0)
    # AllocationResult.to_dict(): assignments, shortfalls and per-applicant explanations.
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    round: Mapped[SelectionRound] = relationship(back_populates="runs")
    created_by: Mapped[User | None] = relationship()

    @property
    def is_optimal(self) -> bool:
        return self.status == "optimal"

    @property
    def assignments(self) -> dict[str, list[str]]:
        return dict(self.result.get("assignments", {}))

    def __repr__(self) -> str:
        return f"<SelectionRun {self.id} round={self.round_id} #{self.number}>"
