"""Consent to publish (wording, current state, history) and the register's published snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db
from skillsreg.register.rules import ConsentField


class ConsentWording(db.Model):  # type: ignore[name-defined]
    """The words a person agrees to for one field; a new version when the words change."""

    __tablename__ = "consent_wordings"
    __table_args__ = (sa.UniqueConstraint("field", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field: Mapped[ConsentField] = mapped_column(enum_column(ConsentField))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Consent(db.Model):  # type: ignore[name-defined]
    """A field a person currently agrees to publish, and the wording they agreed to."""

    __tablename__ = "consents"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[ConsentField] = mapped_column(enum_column(ConsentField), primary_key=True)
    wording_id: Mapped[int] = mapped_column(sa.ForeignKey("consent_wordings.id"))
    granted_at: Mapped[datetime]

    wording: Mapped[ConsentWording] = relationship()


class ConsentEvent(db.Model):  # type: ignore[name-defined]
    """One grant or withdrawal, never changed: who, which field, when, which wording, from where."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    field: Mapped[ConsentField] = mapped_column(enum_column(ConsentField))
    is_granted: Mapped[bool]
    wording_id: Mapped[int] = mapped_column(sa.ForeignKey("consent_wordings.id"))
    source: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    wording: Mapped[ConsentWording] = relationship()


class RegisterSnapshot(db.Model):  # type: ignore[name-defined]
    """A numbered, dated publication of the register; never changed, only withdrawn."""

    __tablename__ = "register_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    population: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    population_label: Mapped[str] = mapped_column(sa.String(500))
    columns: Mapped[list[str]] = mapped_column(sa.JSON)
    people_count: Mapped[int]
    published_at: Mapped[datetime]
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    withdrawn_at: Mapped[datetime | None]
    withdrawal_notice: Mapped[str] = mapped_column(sa.Text, default="")
    # Set on the snapshot that replaced a withdrawn one, so the register is no longer stale.
    replaces_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("register_snapshots.id", ondelete="SET NULL")
    )

    published_by: Mapped[User | None] = relationship()
    files: Mapped[list[SnapshotFile]] = relationship(
        back_populates="snapshot", cascade="all, delete-orphan", order_by="SnapshotFile.id"
    )

    @property
    def key(self) -> str:
        """The stable identifier the library and publishing targets know this snapshot by."""
        return f"register-{self.number}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def file_named(self, name: str) -> SnapshotFile | None:
        return next((f for f in self.files if f.name == name), None)


class SnapshotFile(db.Model):  # type: ignore[name-defined]
    """One published format of a snapshot, kept in the database so every server can serve it."""

    __tablename__ = "register_snapshot_files"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("register_snapshots.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # Cleared when the snapshot is withdrawn: a withdrawn register keeps no personal data.
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))

    snapshot: Mapped[RegisterSnapshot] = relationship(back_populates="files")


class SnapshotMember(db.Model):  # type: ignore[name-defined]
    """Who a snapshot lists, so a change of mind finds every snapshot to withdraw."""

    __tablename__ = "register_snapshot_members"

    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("register_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
