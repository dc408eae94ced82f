"""Confirming email addresses: links sent at sign-up and on a change of address, and the purge.

A link carries 256 random bits; only their SHA-256 is stored, it works once and expires.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError

from skillsreg.accounts.models import EmailConfirmationToken, User
from skillsreg.accounts.rules import Role, normalise_email
from skillsreg.accounts.services import _token_hash, find_user_by_email, hasher
from skillsreg.core.audit import record
from skillsreg.core.errors import DomainError
from skillsreg.core.mail import OutboxMessage, queue_mail
from skillsreg.extensions import db
from skillsreg.register.rules import ConsentField
from skillsreg.register.services import ConsentChange, set_consents

CONFIRMATION_MAX_AGE = timedelta(hours=24)
LINK_GONE = "This link has expired or has already been used. Ask for a new one."

Link = Callable[[str], str]


@dataclass
class Confirmed:
    """What opening a confirmation link did."""

    user: User
    changed_from: str | None = None  # the old address, when the link confirmed a new one
    consent: ConsentChange | None = None  # what was ticked at sign-up, granted now


def _new_token(user: User, *, email: str, is_change: bool, now: datetime) -> str:
    token = secrets.token_urlsafe(32)  # 256 bits
    db.session.add(
        EmailConfirmationToken(
            user=user,
            token_hash=_token_hash(token),
            email=email,
            is_change=is_change,
            created_at=now,
            expires_at=now + CONFIRMATION_MAX_AGE,
        )
    )
    db.session.flush()
    return token


def hold_sign_up_consent(user: User, fields: Iterable[str]) -> None:
    """Keep what was ticked at sign-up, to be granted only once the address is confirmed."""
    try:
        held = sorted({ConsentField(f).value for f in fields})
    except ValueError:
        raise DomainError("Select details from the list", field="consent_fields") from None
    user.pending_consent_fields = held or None
    db.session.flush()


def send_confirmation(user: User, *, now: datetime, link: Link, per_hour: int) -> bool:
    """Email a new confirmation link unless the account is confirmed or asked too often.

    Returns whether an email was queued; callers answer the person the same way either way.
    """
    if user.is_confirmed or user.is_erased:
        return False
    recent = db.session.scalar(
        sa.select(sa.func.count(EmailConfirmationToken.id)).where(
            EmailConfirmationToken.user_id == user.id,
            EmailConfirmationToken.is_change.is_(False),
            EmailConfirmationToken.created_at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= per_hour:
        return False
    token = _new_token(user, email=user.email, is_change=False, now=now)
    queue_mail(
        to=user.email,
        subject="Confirm your email address",
        template="confirm_email",
        user=user,
        link=link(token),
        hours=int(CONFIRMATION_MAX_AGE.total_seconds() // 3600),
    )
    record("account.confirmation_sent", actor=user, subject_type="user", subject_id=user.id)
    return True


def has_open_link(user: User, *, now: datetime) -> bool:
    """Whether a confirmation link sent to the account's address can still be used."""
    found = db.session.scalar(
        sa.select(EmailConfirmationToken.id)
        .where(
            EmailConfirmationToken.user_id == user.id,
            EmailConfirmationToken.is_change.is_(False),
            EmailConfirmationToken.email == user.email,
            EmailConfirmationToken.used_at.is_(None),
            EmailConfirmationToken.expires_at > now,
        )
        .limit(1)
    )
    return found is not None


def find_confirmation(token: str, *, now: datetime) -> EmailConfirmationToken | None:
    """The unused, unexpired confirmation token matching this text, if any."""
    found = db.session.scalar(
        sa.select(EmailConfirmationToken).where(
            EmailConfirmationToken.token_hash == _token_hash(token)
        )
    )
    return found if found is not None and found.is_usable(now) else None


def confirm_email(*, token: str, now: datetime) -> Confirmed:
    """Use a confirmation link: confirm the account's address, or switch to the new one."""
    found = find_confirmation(token, now=now)
    if found is None or found.user.is_erased:
        raise DomainError(LINK_GONE)
    found.used_at = now
    user = found.user
    if found.is_change:
        return _change_address(found, now=now)
    if found.email != user.email:
        raise DomainError(LINK_GONE)  # the address changed since this link was sent
    result = Confirmed(user=user)
    if not user.is_confirmed:
        user.email_confirmed_at = now
        record("account.confirm_email", actor=user, subject_type="user", subject_id=user.id)
        result.consent = _grant_held_consent(user, now=now)
    db.session.flush()
    return result


def _grant_held_consent(user: User, *, now: datetime) -> ConsentChange | None:
    """Grant what was ticked at sign-up, now that the address is proved."""
    held, user.pending_consent_fields = user.pending_consent_fields, None
    if not held:
        return None
    return set_consents(user, fields=held, source="sign-up", now=now)


def _change_address(found: EmailConfirmationToken, *, now: datetime) -> Confirmed:
    user = found.user
    owner = find_user_by_email(found.email)
    if owner is not None and owner.id != user.id:
        raise DomainError("Another account now uses this email address: choose a different one")
    old = user.email
    user.email = found.email
    was_confirmed = user.is_confirmed
    user.email_confirmed_at = now
    _drop_unused(user, now=now)
    record("account.email_change", actor=user, subject_type="user", subject_id=user.id)
    consent = None if was_confirmed else _grant_held_consent(user, now=now)
    db.session.flush()
    return Confirmed(user=user, changed_from=old, consent=consent)


def _drop_unused(user: User, *, now: datetime) -> None:
    """Links sent to an address no longer wanted stop working."""
    db.session.execute(
        sa.update(EmailConfirmationToken)
        .where(
            EmailConfirmationToken.user_id == user.id,
            EmailConfirmationToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def request_email_change(
    user: User, *, new_email: str, password: str, now: datetime, link: Link
) -> None:
    """Send a link to a new address; the old one stays in force until it is opened, and is told."""
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise DomainError("Your password is not correct", field="password") from None
    email = normalise_email(new_email)
    if email == user.email:
        raise DomainError("This is already your email address", field="email")
    if find_user_by_email(email) is not None:
        raise DomainError("Another account already uses this email address", field="email")
    _drop_unused_changes(user, now=now)
    token = _new_token(user, email=email, is_change=True, now=now)
    hours = int(CONFIRMATION_MAX_AGE.total_seconds() // 3600)
    queue_mail(
        to=email,
        subject="Confirm your new email address",
        template="confirm_new_email",
        user=user,
        link=link(token),
        hours=hours,
    )
    queue_mail(
        to=user.email,
        subject="Someone asked to change your email address",
        template="email_change_requested",
        user=user,
        new_email=email,
        hours=hours,
    )
    record("account.email_change_requested", actor=user, subject_type="user", subject_id=user.id)
    db.session.flush()


def _drop_unused_changes(user: User, *, now: datetime) -> None:
    db.session.execute(
        sa.update(EmailConfirmationToken)
        .where(
            EmailConfirmationToken.user_id == user.id,
            EmailConfirmationToken.is_change.is_(True),
            EmailConfirmationToken.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def pending_email(user: User, *, now: datetime) -> str | None:
    """The new address this person asked to change to and has not confirmed yet, if any."""
    return db.session.scalar(
        sa.select(EmailConfirmationToken.email)
        .where(
            EmailConfirmationToken.user_id == user.id,
            EmailConfirmationToken.is_change.is_(True),
            EmailConfirmationToken.used_at.is_(None),
            EmailConfirmationToken.expires_at > now,
        )
        .order_by(EmailConfirmationToken.id.desc())
        .limit(1)
    )


def purge_unconfirmed_accounts(*, now: datetime, days: int) -> int:
    """Delete accounts that signed up and never confirmed within `days`; return how many.

    Accounts made before confirmation existed are kept: they are asked to confirm instead.
    Their emails go from the outbox too, so nothing of them is left.
    """
    stale = db.session.scalars(
        sa.select(User).where(
            User.email_confirmed_at.is_(None),
            User.erased_at.is_(None),
            User.predates_confirmation.is_(False),
            User.role == Role.MEMBER,
            User.created_at < now - timedelta(days=days),
        )
    ).all()
    for user in stale:
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.recipient == user.email))
        db.session.delete(user)
    record("data.purge_unconfirmed", actor=None, subject_type="users", removed=len(stale))
    db.session.flush()
    return len(stale)
