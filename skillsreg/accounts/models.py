"""Accounts: people who use the service, their password-reset and email-confirmation tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillsreg.accounts.rules import UK_REGIONS, WEB_GROUPS, Role, Sector
from skillsreg.core.db import enum_column, utcnow
from skillsreg.extensions import db


def new_login_id() -> str:
    """A fresh identifier for the session cookie; changing it signs the person out everywhere."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """A person with an account: member, organiser or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    sector: Mapped[Sector] = mapped_column(enum_column(Sector))
    job_title: Mapped[str] = mapped_column(sa.String(200))
    web_groups: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    region: Mapped[str | None] = mapped_column(sa.String(32))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MEMBER)
    login_id: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_login_id)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The person asked to be left out of the community's skills statistics.
    is_statistics_opt_out: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Set when the person deleted their account: the row stays so counts and audit keep meaning.
    erased_at: Mapped[datetime | None]
    # Set when the person opened a confirmation link sent to `email`; until then they may not
    # act where others see them (workshops, consultations, the register, offers).
    email_confirmed_at: Mapped[datetime | None]
    # Accounts made before addresses were confirmed: asked to confirm, never purged for it.
    predates_confirmation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # What the person ticked at sign-up; granted only once the address is confirmed.
    pending_consent_fields: Mapped[list[str] | None] = mapped_column(sa.JSON)

    reset_tokens: Mapped[list[PasswordResetToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    confirmation_tokens: Mapped[list[EmailConfirmationToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return self.login_id

    @property
    def is_organiser(self) -> bool:
        return self.role in (Role.ORGANISER, Role.ADMINISTRATOR)

    @property
    def is_administrator(self) -> bool:
        return self.role is Role.ADMINISTRATOR

    @property
    def web_group_labels(self) -> list[str]:
        return [WEB_GROUPS[code] for code in self.web_groups if code in WEB_GROUPS]

    @property
    def region_label(self) -> str:
        return UK_REGIONS.get(self.region or "", "")

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_confirmed(self) -> bool:
        """Whether the person has proved they own the account's email address."""
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class PasswordResetToken(db.Model):  # type: ignore[name-defined]
    """A single-use, expiring token sent by email; only its hash is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="reset_tokens")

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


class EmailConfirmationToken(db.Model):  # type: ignore[name-defined]
    """A single-use, expiring link proving an address; only its hash is stored.

    `email` is the address the link was sent to: the account's own at sign-up, or the new
    address the person asked to change to (which takes effect only when confirmed).
    """

    __tablename__ = "email_confirmation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    is_change: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="confirmation_tokens")

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
