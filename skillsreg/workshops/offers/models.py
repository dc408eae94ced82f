"""Offers of workshop places: who was offered which place, until when, and what they said."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.models import User
from skillsreg.core.db import enum_column
from skillsreg.extensions import db
from skillsreg.workshops.models import Choice


def hash_token(token: str) -> str:
    """What is stored of an offer's emailed token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class OfferStatus(enum.Enum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return OFFER_STATUS_LABELS[self]


OFFER_STATUS_LABELS = {
    OfferStatus.OFFERED: "Waiting for a reply",
    OfferStatus.ACCEPTED: "Accepted",
    OfferStatus.DECLINED: "Declined",
    OfferStatus.EXPIRED: "Expired",
    OfferStatus.WITHDRAWN: "Withdrawn",
}


class Offer(db.Model):  # type: ignore[name-defined]
    """A place offered to one applicant, answered through a single-use emailed link."""

    __tablename__ = "workshop_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    choice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_choices.id", ondelete="CASCADE"), index=True
    )
    # Only a hash is kept, so a copy of the database cannot be used to answer for someone.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[OfferStatus] = mapped_column(
        enum_column(OfferStatus), default=OfferStatus.OFFERED
    )
    offered_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    is_replacement: Mapped[bool] = mapped_column(default=False)
    # The workshop's calendar sequence in the last invitation sent for this place.
    invitation_sequence: Mapped[int | None]
    offered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    choice: Mapped[Choice] = relationship()
    offered_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status is OfferStatus.OFFERED

    def __repr__(self) -> str:
        return f"<Offer {self.id} choice={self.choice_id} {self.status.value}>"
