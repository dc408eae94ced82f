"""Open Badges credentials the community issued, with their place in the status list."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


class CredentialKind(enum.Enum):
    ATTENDANCE = "attendance"
    SKILL_LEVEL = "skill_level"

    @property
    def label(self) -> str:
        return {"attendance": "Workshop attendance", "skill_level": "Validated skill level"}[
            self.value
        ]


class Credential(db.Model):  # type: ignore[name-defined]
    """One signed OpenBadgeCredential: the compact VC-JWT as issued, and whether it is revoked."""

    __tablename__ = "credentials"
    __table_args__ = (
        sa.UniqueConstraint("status_index"),
        sa.CheckConstraint("status_index >= 0", name="status_index_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The public identifier in URLs and in the credential's urn:uuid id.
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    # SET NULL, so an erased member's credential keeps its revoked bit in the status list.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[CredentialKind] = mapped_column(enum_column(CredentialKind))
    name: Mapped[str] = mapped_column(sa.String(300))
    workshop_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshops.id", ondelete="SET NULL"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("framework_versions.id", ondelete="SET NULL")
    )
    skill_code: Mapped[str | None] = mapped_column(sa.String(40))
    level: Mapped[int | None]
    # The validated assessment a skill-level credential was issued for, when there is one.
    source_ref: Mapped[str | None] = mapped_column(sa.String(120))
    status_index: Mapped[int]
    key_id: Mapped[str] = mapped_column(sa.String(200))
    jwt: Mapped[str] = mapped_column(sa.Text)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime | None]
    is_public: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_expired(self, now: datetime) -> bool:
        return self.valid_until is not None and self.valid_until <= now

    def __repr__(self) -> str:
        return f"<Credential {self.id} {self.kind.value}>"
