"""Read models for the credentials pages."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from skillsreg.credentials.models import Credential, CredentialKind
from skillsreg.extensions import db
from skillsreg.reviews.queries import ValidatedLevel, validated_levels
from skillsreg.workshops.models import Choice, ChoiceStatus, Workshop


def credentials_of(user_id: int) -> list[Credential]:
    """A member's credentials, newest first."""
    return list(
        db.session.scalars(
            sa.select(Credential)
            .where(Credential.user_id == user_id)
            .order_by(Credential.issued_at.desc(), Credential.id.desc())
        )
    )


def find_credential(public_id: str) -> Credential | None:
    return db.session.scalars(sa.select(Credential).where(Credential.uuid == public_id)).first()


def recent_credentials(limit: int = 200) -> list[Credential]:
    """Every credential issued, newest first, for organisers."""
    return list(
        db.session.scalars(
            sa.select(Credential)
            .where(Credential.user_id.is_not(None))
            .order_by(Credential.issued_at.desc(), Credential.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class WorkshopAttendance:
    workshop: Workshop
    attended: int
    issued: int

    @property
    def to_issue(self) -> int:
        return self.attended - self.issued


def attendance_to_credit() -> list[WorkshopAttendance]:
    """Workshops with recorded attendees, and how many of them have a credential already."""
    attended = dict(
        db.session.execute(
            sa.select(Choice.workshop_id, sa.func.count())
            .where(Choice.attended.is_(True), Choice.status == ChoiceStatus.ACCEPTED)
            .group_by(Choice.workshop_id)
        ).all()
    )
    issued = dict(
        db.session.execute(
            sa.select(Credential.workshop_id, sa.func.count())
            .where(Credential.workshop_id.is_not(None), Credential.revoked_at.is_(None))
            .group_by(Credential.workshop_id)
        ).all()
    )
    workshops = db.session.scalars(
        sa.select(Workshop).where(Workshop.id.in_(attended)).order_by(Workshop.starts_at.desc())
    )
    return [WorkshopAttendance(w, attended[w.id], issued.get(w.id, 0)) for w in workshops]


@dataclass(frozen=True)
class LevelOffer:
    """A validated skill level, and the credential already issued for it, if any."""

    level: ValidatedLevel
    credential: Credential | None


def validated_levels_to_offer(user_id: int) -> list[LevelOffer]:
    """The member's validated levels (one per skill and level), each with its credential if any."""
    issued = {
        (c.version_id, c.skill_code, c.level): c
        for c in credentials_of(user_id)
        if c.kind is CredentialKind.SKILL_LEVEL and not c.is_revoked
    }
    offers: dict[tuple[int, str, int], LevelOffer] = {}
    for level in validated_levels(user_id):
        key = (level.version_id, level.skill_code, level.level)
        offers.setdefault(key, LevelOffer(level, issued.get(key)))
    return list(offers.values())


def find_validated_level(user_id: int, rating_id: int) -> ValidatedLevel | None:
    return next((v for v in validated_levels(user_id) if v.rating_id == rating_id), None)
