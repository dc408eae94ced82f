"""A member's personal data: everything held about them, erasure, and purging access needs."""

from __future__ import annotations

import base64
import enum
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError

from skillsreg.accounts.models import EmailConfirmationToken, PasswordResetToken, User, new_login_id
from skillsreg.accounts.services import hash_password, hasher
from skillsreg.assessments.models import Assessment, Rating
from skillsreg.core.audit import AuditEvent, record
from skillsreg.core.errors import DomainError
from skillsreg.core.mail import OutboxMessage
from skillsreg.extensions import db
from skillsreg.frameworks.models import Comment
from skillsreg.library.models import Document, DocumentKind, DocumentVersion, Push
from skillsreg.library.publishing import withdraw_document, withdraw_pushed
from skillsreg.library.services import push_key
from skillsreg.register.models import ConsentWording, RegisterSnapshot
from skillsreg.register.services import withdraw_all_consent
from skillsreg.reviews.models import ReviewItem
from skillsreg.reviews.services import erase_reviews_of
from skillsreg.workshops.models import Choice, ExpressionOfInterest, Workshop
from skillsreg.workshops.offers.models import Offer
from skillsreg.workshops.selection.models import SelectionRun, round_workshops
from skillsreg.workshops.selection.rules import person_key

ERASED_NAME = "Erased user"
ERASED_TEXT = "[Removed when the author deleted their account]"
_SECRET_COLUMNS = {"password_hash", "login_id", "token_hash", "share_token_hash", "pdf"}
SHARE_ACTIONS = ("assessment.share", "assessment.unshare")


@dataclass(frozen=True)
class Holding:
    """Where the export puts a table's rows about a person, and what erasure does to them."""

    section: str
    erasure: str


# Every table with a foreign key to users. A new one fails tests/register/test_personal_data.py
# until it is added here (so to the export) with what erasure does to it (and erase_account
# does it). Email confirmation tokens belong here too; the confirmed-at column of users is
# exported with the account.
USER_TABLES: dict[str, Holding] = {
    "consents": Holding("consents", "deleted: all consent is withdrawn"),
    "consent_events": Holding("consent_events", "kept: fields and dates, no free text"),
    "assessments": Holding("assessments", "deleted with their ratings and evidence"),
    "expressions_of_interest": Holding(
        "expressions_of_interest", "kept so counts stay true; every answer blanked"
    ),
    "framework_comments": Holding("comments", "kept; what they wrote replaced by a notice"),
    "audit_events": Holding("audit_events", "kept; the actor is the blanked account"),
    "password_reset_tokens": Holding("password_reset_tokens", "deleted"),
    "email_confirmation_tokens": Holding("email_confirmations", "deleted"),
    "register_snapshot_members": Holding(
        "register_snapshots_listing_you", "deleted: every register listing them is withdrawn"
    ),
    "register_snapshots": Holding("registers_published", "kept; the publisher is blanked"),
    "library_documents": Holding(
        "library_documents", "their uploads withdrawn, files emptied, text blanked"
    ),
    "library_document_versions": Holding("library_document_versions", "notes blanked"),
    "library_pushes": Holding("library_pushes", "kept; who pushed is blanked"),
    "framework_versions": Holding("framework_versions_created", "kept; the author is blanked"),
    "workshops": Holding("workshops_created", "kept; the organiser is blanked"),
    "workshop_offers": Holding("offers_made", "kept; the organiser is blanked"),
    "selection_rounds": Holding("selection_rounds", "kept; the organiser is blanked"),
    "selection_runs": Holding("selection_runs", "kept; the organiser is blanked"),
    "selection_locks": Holding("selection_locks", "kept: ids only"),
    "jobs": Holding("jobs_started", "kept; who started it is blanked"),
    "assessment_reviews": Holding(
        "reviews",
        "reviews of your assessments deleted, with the reviewer's details and the emails that "
        "named you; reviews you gave as an organiser kept with your name blanked",
    ),
}


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


def _plain_row(row: Any) -> dict[str, Any]:
    return {key: _plain(value) for key, value in row.items() if key not in _SECRET_COLUMNS}


def referring_rows(table: sa.Table, user_id: int) -> list[dict[str, Any]]:
    """Rows of `table` whose any foreign key to users is this person, in id order."""
    links = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "users"]
    query = sa.select(table).where(sa.or_(*(column == user_id for column in links)))
    if "id" in table.c:
        query = query.order_by(table.c.id)
    return [_plain_row(row) for row in db.session.execute(query).mappings()]


def personal_data(user: User) -> dict[str, Any]:
    """Everything the service holds about a member, as plain JSON values."""
    data: dict[str, Any] = {"account": _row(user)}
    for name, holding in USER_TABLES.items():
        data[holding.section] = referring_rows(db.metadata.tables[name], user.id)
    _add_wordings(data["consents"])
    _add_wordings(data["consent_events"])
    _add_ratings(data["assessments"])
    _add_review_items(data["reviews"])
    _add_choices(data["expressions_of_interest"])
    _add_snapshots(data["register_snapshots_listing_you"])
    data["offers"] = _offers(user)
    data["emails"] = [_row(m) for m in _emails_to(user)]
    data["share_link_events"] = [e for e in data["audit_events"] if e["action"] in SHARE_ACTIONS]
    return data


def _add_wordings(rows: list[dict[str, Any]]) -> None:
    wordings = {w.id: w for w in db.session.scalars(sa.select(ConsentWording))}
    for row in rows:
        wording = wordings[row["wording_id"]]
        row.update(wording_version=wording.version, wording=wording.text)


def _add_ratings(rows: list[dict[str, Any]]) -> None:
    ratings = db.session.scalars(
        sa.select(Rating)
        .where(Rating.assessment_id.in_([row["id"] for row in rows]))
        .order_by(Rating.id)
    )
    by_assessment: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    for rating in ratings:
        by_assessment[rating.assessment_id].append(_row(rating))
    for row in rows:
        row["ratings"] = by_assessment[row["id"]]


def _add_review_items(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        items = db.session.scalars(
            sa.select(ReviewItem).where(ReviewItem.review_id == row["id"]).order_by(ReviewItem.id)
        )
        row["items"] = [_row(item) for item in items]


def _add_choices(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        choices = db.session.scalars(
            sa.select(Choice).where(Choice.eoi_id == row["id"]).order_by(Choice.rank, Choice.id)
        )
        row["choices"] = [{**_row(c), "workshop": c.workshop.title} for c in choices]


def _add_snapshots(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        snapshot = db.session.get(RegisterSnapshot, row["snapshot_id"])
        if snapshot is not None:
            row.update(
                number=snapshot.number,
                title=snapshot.title,
                published_at=_plain(snapshot.published_at),
                columns=snapshot.columns,
            )


def _offers(user: User) -> list[dict[str, Any]]:
    """Places offered to the person, with their state, whoever made the offer."""
    offers = db.session.scalars(
        sa.select(Offer)
        .join(Choice, Choice.id == Offer.choice_id)
        .join(ExpressionOfInterest, ExpressionOfInterest.id == Choice.eoi_id)
        .where(ExpressionOfInterest.user_id == user.id)
        .order_by(Offer.id)
    )
    return [{**_row(o), "workshop": o.choice.workshop.title} for o in offers]


def _addresses_of(user: User) -> set[str]:
    """Every address the person has given: their own, and any they asked to confirm or change to."""
    asked = db.session.scalars(
        sa.select(EmailConfirmationToken.email).where(EmailConfirmationToken.user_id == user.id)
    )
    return {address.lower() for address in [user.email, *asked]}


def _emails_to(user: User) -> list[OutboxMessage]:
    """Emails sent or waiting to be sent to any address the person has given."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(sa.func.lower(OutboxMessage.recipient).in_(_addresses_of(user)))
            .order_by(OutboxMessage.id)
        )
    )


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything held about a member, for them to download; the export itself is audited."""
    data = personal_data(user)
    record("personal_data.export", actor=user, subject_type="user", subject_id=user.id)
    db.session.flush()
    return data


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
    for message in _emails_to(user):  # what they were sent names them, sent or not
        db.session.delete(message)
    _erase_library_uploads(user, now=now)
    _erase_from_round_documents(user)
    user.name = ERASED_NAME
    user.email = f"erased-{user.id}-{secrets.token_hex(8)}@erased.invalid"
    user.organisation = ""
    user.job_title = ""
    user.web_groups = []
    user.region = None
    user.pending_consent_fields = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.login_id = new_login_id()  # signs every session out
    db.session.execute(sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    db.session.execute(
        sa.delete(EmailConfirmationToken).where(EmailConfirmationToken.user_id == user.id)
    )
    erase_reviews_of(user)
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
    db.session.execute(
        sa.update(Comment).where(Comment.replied_by_id == user.id).values(reply=ERASED_TEXT)
    )
    record("account.erase", actor=user, subject_type="user", subject_id=user.id)
    db.session.flush()


def _erase_library_uploads(user: User, *, now: datetime) -> None:
    """Withdraw the documents they uploaded and blank every word they wrote in the library."""
    versions = db.session.scalars(
        sa.select(DocumentVersion).where(DocumentVersion.created_by_id == user.id)
    )
    for version in versions:
        version.note = ""
    documents = db.session.scalars(
        sa.select(Document).where(
            Document.owner_id == user.id, Document.kind != DocumentKind.REGISTER_SNAPSHOT
        )
    )
    for document in documents:
        key = push_key(document)
        if not document.is_withdrawn:
            withdraw_document(document, notice=ERASED_TEXT, actor=None, now=now)
        withdraw_pushed(key=key, replacement=None, actor=None, now=now)
        document.title = f"Document {document.id}"
        document.summary = ""
        document.tag_rows = []
        for version in document.versions:
            version.note = ""
            for file in version.files:
                file.name = f"file-{file.id}"
        # The names they gave their files are also in the records of uploads and pushes.
        for push in db.session.scalars(sa.select(Push).where(Push.key == key)):
            push.file_names = []
        events = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.subject_type == "library_document",
                AuditEvent.subject_id == str(document.id),
            )
        )
        for event in events:
            if "files" in event.details:
                event.details = {**event.details, "files": []}


def _erase_from_round_documents(user: User) -> None:
    """Blank the organisation the person typed in the stored inputs of selection runs.

    The runs stay (they explain past decisions); their applicant entry is an id, not a name.
    """
    key = person_key(user.id)
    rounds = (
        sa.select(round_workshops.c.round_id)
        .join(Choice, Choice.workshop_id == round_workshops.c.workshop_id)
        .join(ExpressionOfInterest, ExpressionOfInterest.id == Choice.eoi_id)
        .where(ExpressionOfInterest.user_id == user.id)
    )
    for run in db.session.scalars(sa.select(SelectionRun).where(SelectionRun.round_id.in_(rounds))):
        applicants = run.input_document.get("applicants", [])
        if any(applicant.get("id") == key for applicant in applicants):
            run.input_document = {
                **run.input_document,
                "applicants": [
                    {**a, "organisation": f"erased-{user.id}"} if a.get("id") == key else a
                    for a in applicants
                ],
            }


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
