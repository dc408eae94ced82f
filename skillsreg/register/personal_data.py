"""A member's personal data: everything held about them, erasure, and purging access needs."""

from __future__ import annotations

import base64
import enum
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError

from skillsreg.accounts.models import PasswordResetToken, User, new_login_id
from skillsreg.accounts.services import hash_password, hasher
from skillsreg.assessments.models import Assessment
from skillsreg.core.audit import AuditEvent, record
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db
from skillsreg.frameworks.models import Comment
from skillsreg.register.models import Consent, ConsentEvent
from skillsreg.register.services import withdraw_all_consent
from skillsreg.workshops.models import Choice, ExpressionOfInterest, Workshop

ERASED_NAME = "Erased user"
ERASED_TEXT = "[Removed when the author deleted their account]"
# Tables exported section by section above; any other table pointing at users is exported as is.
_COVERED = {
    "users",
    "consents",
    "consent_events",
    "assessments",
    "expressions_of_interest",
    "framework_comments",
    "audit_events",
    "password_reset_tokens",
    "register_snapshot_members",
    "outbox_messages",
}
_SECRET_COLUMNS = {"password_hash", "login_id", "token_hash", "share_token_hash", "pdf"}


class ErasureError(DomainError):
    """The account cannot be deleted as asked."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _row(obj: Any, *, skip: set[str] = _SECRET_COLUMNS) -> dict[str, Any]:
    table = obj.__table__
    return {c.key: _plain(getattr(obj, c.key)) for c in table.columns if c.key not in skip}


def personal_data(user: User) -> dict[str, Any]:
    """Everything the service holds about a member, as plain JSON values."""
    consents = db.session.scalars(sa.select(Consent).where(Consent.user_id == user.id)).all()
    events = db.session.scalars(
        sa.select(ConsentEvent).where(ConsentEvent.user_id == user.id).order_by(ConsentEvent.id)
    ).all()
    assessments = db.session.scalars(
        sa.select(Assessment).where(Assessment.user_id == user.id).order_by(Assessment.id)
    ).all()
    interests = db.session.scalars(
        sa.select(ExpressionOfInterest)
        .where(ExpressionOfInterest.user_id == user.id)
        .order_by(ExpressionOfInterest.id)
    ).all()
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    ).all()
    audit = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    ).all()
    return {
        "account": _row(user),
        "consents": [
            {**_row(c), "wording_version": c.wording.version, "wording": c.wording.text}
            for c in consents
        ],
        "consent_events": [
            {**_row(e), "wording_version": e.wording.version, "wording": e.wording.text}
            for e in events
        ],
        "assessments": [{**_row(a), "ratings": [_row(r) for r in a.ratings]} for a in assessments],
        "expressions_of_interest": [
            {
                **_row(eoi),
                "choices": [{**_row(c), "workshop": c.workshop.title} for c in eoi.choices],
            }
            for eoi in interests
        ],
        "comments": [_row(c) for c in comments],
        "audit_events": [_row(e) for e in audit],
        **_other_tables(user),
    }


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything held about a member, for them to download; the export itself is audited."""
    data = personal_data(user)
    record("personal_data.export", actor=user, subject_type="user", subject_id=user.id)
    db.session.flush()
    return data


def _other_tables(user: User) -> dict[str, list[dict[str, Any]]]:
    """Rows of any other table that points at this person (offers, attendance and so on)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in db.metadata.sorted_tables:
        if table.name in _COVERED:
            continue
        links = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "users"]
        if not links:
            continue
        query = sa.select(table).where(sa.or_(*(column == user.id for column in links)))
        rows = db.session.execute(query).mappings().all()
        if rows:
            found[table.name] = [
                {k: _plain(v) for k, v in row.items() if k not in _SECRET_COLUMNS} for row in rows
            ]
    return found


def erase_account(
    user: User, *, password: str, now: datetime, auto_republish: bool = False
) -> None:
    """Delete a member's account: blank their details, leave every register, keep the counts."""
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise ErasureError("Your password is not correct", field="password") from None
    if user.is_administrator:
        raise ErasureError(
            "Administrators cannot delete their own account: ask another administrator to "
            "remove your administrator role first",
            field="password",
        )
    user.erased_at = now  # before withdrawal, so a republished register leaves them out
    withdraw_all_consent(user, source="erasure", now=now, auto_republish=auto_republish)
    user.name = ERASED_NAME
    user.email = f"erased-{user.id}-{secrets.token_hex(8)}@erased.invalid"
    user.organisation = ""
    user.job_title = ""
    user.web_groups = []
    user.region = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.login_id = new_login_id()  # signs every session out
    db.session.execute(sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    for assessment in db.session.scalars(
        sa.select(Assessment).where(Assessment.user_id == user.id)
    ):
        db.session.delete(assessment)
    # Expressions of interest stay, blanked, so applicant counts and allocations stay true.
    db.session.execute(
        sa.update(ExpressionOfInterest)
        .where(ExpressionOfInterest.user_id == user.id)
        .values(experience="", access_needs=None, years_managing=None, shared_assessment_id=None)
    )
    db.session.execute(
        sa.update(Comment).where(Comment.author_id == user.id).values(body=ERASED_TEXT)
    )
    record("account.erase", actor=user, subject_type="user", subject_id=user.id)
    db.session.flush()


def purge_access_needs(*, now: datetime) -> tuple[int, int]:
    """Clear access needs of expressions of interest whose workshops have all ended.

    Returns how many were cleared and how many are kept because a workshop is still to come.
    """
    upcoming = sa.select(Choice.eoi_id).join(Workshop).where(Workshop.ends_at > now)
    candidates = sa.select(ExpressionOfInterest.id).where(
        ExpressionOfInterest.access_needs.is_not(None),
        ExpressionOfInterest.submitted_at.is_not(None),
    )
    waiting = candidates.where(ExpressionOfInterest.id.in_(upcoming)).subquery()
    kept = db.session.scalar(sa.select(sa.func.count()).select_from(waiting))
    ended = db.session.scalars(candidates.where(ExpressionOfInterest.id.not_in(upcoming))).all()
    if ended:
        db.session.execute(
            sa.update(ExpressionOfInterest)
            .where(ExpressionOfInterest.id.in_(ended))
            .values(access_needs=None)
            .execution_options(synchronize_session="fetch")
        )
    cleared = len(ended)
    record("data.purge", actor=None, subject_type="expressions_of_interest", cleared=cleared)
    db.session.flush()
    return cleared, kept or 0
