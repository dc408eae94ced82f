"""Read models of public commitments: the public page, the register column, answers due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from skillsreg.development.models import (
    Commitment,
    CommitmentOutcome,
    Goal,
)
from skillsreg.development.rules import (
    commitment_statement,
    is_due_for_answer,
)
from skillsreg.extensions import db
from skillsreg.register.models import Consent
from skillsreg.register.rules import ConsentField


@dataclass(frozen=True)
class PublicCommitment:
    """A commitment as published: its words and, once answered, what became of it."""

    statement: str
    outcome: CommitmentOutcome
    due_on: date

    @property
    def text(self) -> str:
        if self.outcome is CommitmentOutcome.OPEN:
            return self.statement
        return f"{self.statement} ({self.outcome.label.lower()})"


def _published_commitments(user_ids: list[int]) -> dict[int, list[PublicCommitment]]:
    """Public commitments of people who agreed to publish them, latest made first per goal."""
    if not user_ids:
        return {}
    consented = sa.select(Consent.user_id).where(
        Consent.user_id.in_(user_ids), Consent.field == ConsentField.COMMITMENTS
    )
    rows = db.session.scalars(
        sa.select(Commitment)
        .join(Goal, Goal.id == Commitment.goal_id)
        .where(Goal.is_public.is_(True), Commitment.user_id.in_(consented))
        .order_by(Commitment.user_id, Commitment.due_on, Commitment.id)
    )
    result: dict[int, list[PublicCommitment]] = {}
    for row in rows:
        statement = commitment_statement(row.due_on, row.level_name, row.skill_name)
        result.setdefault(row.user_id, []).append(
            PublicCommitment(statement, row.outcome, row.due_on)
        )
    return result


def public_commitments(user_id: int) -> list[PublicCommitment]:
    """What the member's public page of commitments shows (nothing without their consent)."""
    return _published_commitments([user_id]).get(user_id, [])


def public_name(user_id: int) -> str:
    """The member's name if they agreed to publish it, else nothing."""
    from skillsreg.accounts.models import User

    return (
        db.session.scalar(
            sa.select(User.name)
            .join(Consent, Consent.user_id == User.id)
            .where(User.id == user_id, Consent.field == ConsentField.NAME)
        )
        or ""
    )


def commitment_texts(user_ids: list[int]) -> dict[int, str]:
    """The register's cell of commitments for each person who agreed to publish them."""
    return {
        user_id: "; ".join(item.text for item in items)
        for user_id, items in _published_commitments(user_ids).items()
    }


def commitments_to_answer(user: Any, *, now: datetime) -> list[Commitment]:
    """The member's open public commitments whose date has come."""
    rows = db.session.scalars(
        sa.select(Commitment)
        .join(Goal, Goal.id == Commitment.goal_id)
        .where(
            Commitment.user_id == user.id,
            Commitment.outcome == CommitmentOutcome.OPEN,
            Goal.is_public.is_(True),
        )
        .order_by(Commitment.due_on)
    )
    today = now.date()
    return [c for c in rows if is_due_for_answer(c.due_on, today, is_open=True)]


def find_commitment(user: Any, commitment_id: int) -> Commitment | None:
    return db.session.scalar(
        sa.select(Commitment).where(Commitment.id == commitment_id, Commitment.user_id == user.id)
    )
