"""Account services: sign-up, sign-in, passwords, roles."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from skillsreg.accounts.models import PasswordResetToken, User, new_login_id
from skillsreg.accounts.rules import (
    UK_REGIONS,
    WEB_GROUPS,
    Role,
    Sector,
    normalise_email,
    password_problem,
)
from skillsreg.core.errors import DomainError, NotAllowedError
from skillsreg.core.mail import queue_mail
from skillsreg.extensions import db

# argon2id as the OWASP Password Storage Cheat Sheet recommends: 19 MiB, 2 passes, 1 lane
# (its configurations are equal in strength; this one costs the least CPU per sign-in). Pinned
# rather than the library's default so an upgrade cannot change them; older hashes are
# rehashed at the next sign-in. New hashes follow the app's PASSWORD_HASH_* settings, which are
# these everywhere but the test suite (see skillsreg/config.py); any hasher verifies any hash.
hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _hasher_with(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def _configured_hasher() -> PasswordHasher:
    """The hasher new hashes are made with: the app's settings, else the pinned ones above."""
    if not has_app_context():
        return hasher
    config = current_app.config
    return _hasher_with(
        config.get("PASSWORD_HASH_TIME_COST", hasher.time_cost),
        config.get("PASSWORD_HASH_MEMORY_KIB", hasher.memory_cost),
    )


@cache
def _dummy_hash() -> str:
    """Verifying against this when no account matches keeps sign-in timing the same either way."""
    # Made on first use: hashing at import slowed every command, `flask --help` included.
    return hasher.hash(secrets.token_urlsafe(16))


SIGN_IN_FAILED = "Enter a correct email address and password"


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _configured_hasher().hash(password)


def _check_new_password(password: str, *, email: str) -> None:
    problem = password_problem(password, email=email)
    if problem:
        raise DomainError(problem, field="password")


def find_user_by_email(email: str) -> User | None:
    """The account with this address, compared case-insensitively."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def register_user(
    *,
    name: str,
    email: str,
    password: str,
    organisation: str,
    sector: Sector | str,
    job_title: str,
    web_groups: Iterable[str],
    now: datetime,
    role: Role = Role.MEMBER,
    is_demo: bool = False,
    region: str | None = None,
    confirmed: bool = False,
) -> User:
    """Create an account after checking the address is free and the password acceptable.

    `confirmed` is for accounts whose address is vouched for (demo data, an operator's
    command); everyone else confirms theirs by the emailed link.
    """
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError("An account already uses this email address: sign in", field="email")
    _check_new_password(password, email=email)
    groups = [code for code in web_groups if code in WEB_GROUPS]
    user = User(
        email=email,
        name=name.strip(),
        organisation=organisation.strip(),
        sector=Sector(sector),
        job_title=job_title.strip(),
        web_groups=groups,
        region=_checked_region(region),
        password_hash=hash_password(password),
        role=role,
        is_demo=is_demo,
        created_at=now,
        password_changed_at=now,
        email_confirmed_at=now if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _checked_region(region: str | None) -> str | None:
    if region and region not in UK_REGIONS:
        raise DomainError("Select a region from the list", field="region")
    return region or None


def set_region(user: User, *, region: str | None) -> None:
    """Record the region a member works in, or forget it."""
    user.region = _checked_region(region)
    db.session.flush()


def authenticate(*, email: str, password: str, now: datetime) -> User:
    """The account these credentials open; the error never says which part was wrong."""
    user = find_user_by_email(email)
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        raise DomainError(SIGN_IN_FAILED, field="email") from None
    if user is None:
        raise DomainError(SIGN_IN_FAILED, field="email")
    if _configured_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = now
    db.session.flush()
    return user


def _set_password(user: User, password: str, *, now: datetime) -> None:
    _check_new_password(password, email=user.email)
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.login_id = new_login_id()  # signs the account out of every other session


def change_password(user: User, *, current_password: str, new_password: str, now: datetime) -> None:
    """Change a password after checking the current one."""
    try:
        hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise DomainError(
            "Your current password is not correct", field="current_password"
        ) from None
    try:
        _set_password(user, new_password, now=now)
    except DomainError as error:
        raise DomainError(error.message, field="new_password") from None
    db.session.flush()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_password_reset(
    *, email: str, now: datetime, max_age: timedelta, reset_url: Callable[[str], str]
) -> None:
    """Email a single-use reset link if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user=user, token_hash=_token_hash(token), created_at=now, expires_at=now + max_age
        )
    )
    db.session.flush()
    queue_mail(
        to=user.email,
        subject="Reset your password",
        template="password_reset",
        user=user,
        link=reset_url(token),
        hours=int(max_age.total_seconds() // 3600),
    )


def find_reset_token(token: str, *, now: datetime) -> PasswordResetToken | None:
    """The unused, unexpired reset token matching this text, if any."""
    found = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    )
    return found if found is not None and found.is_usable(now) else None


def reset_password(*, token: str, new_password: str, now: datetime) -> User:
    """Set a new password with a reset token, using the token up."""
    found = find_reset_token(token, now=now)
    if found is None:
        raise DomainError("This link has expired or has already been used. Ask for a new one.")
    _set_password(found.user, new_password, now=now)
    found.used_at = now
    db.session.flush()
    return found.user


def set_role(*, actor: User, user: User, role: Role) -> None:
    """Change someone's role; an administrator cannot demote themselves."""
    if not actor.is_administrator:
        raise NotAllowedError("Only administrators can change roles")
    if user.id == actor.id and role is not Role.ADMINISTRATOR:
        raise DomainError("You cannot remove your own administrator role", field="role")
    user.role = role
    db.session.flush()


def create_administrator(*, email: str, password: str, name: str, now: datetime) -> User:
    """Create the first administrator, or promote an existing account."""
    user = find_user_by_email(email)
    if user is None:
        return register_user(
            name=name,
            email=email,
            password=password,
            organisation="",
            sector=Sector.PUBLIC,
            job_title="Administrator",
            web_groups=[],
            now=now,
            role=Role.ADMINISTRATOR,
            confirmed=True,  # made by the operator on the server, who vouches for it
        )
    user.role = Role.ADMINISTRATOR
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session cookie issued so far stops working."""
    user.login_id = new_login_id()
