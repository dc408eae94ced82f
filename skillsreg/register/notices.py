"""View helpers of the register: its emails (each with a one-step withdrawal link), its settings."""

from __future__ import annotations

from flask import current_app, url_for

from skillsreg.accounts.models import User
from skillsreg.core.mail import queue_mail
from skillsreg.register.queries import consents_of
from skillsreg.register.rules import FIELD_ORDER
from skillsreg.register.services import ConsentChange
from skillsreg.register.tokens import withdrawal_token


def auto_republish() -> bool:
    """Whether a withdrawal republishes the register at once rather than waiting for a click."""
    return bool(current_app.config.get("REGISTER_AUTO_REPUBLISH", False))


def withdrawal_url(user: User) -> str:
    return url_for("register.withdraw_by_link", token=withdrawal_token(user), _external=True)


def send_consent_receipt(user: User, change: ConsentChange) -> None:
    """Tell the person what they now agree to publish, with the link to withdraw it all."""
    if not change.changed:
        return
    agreed = consents_of(user)
    queue_mail(
        to=user.email,
        subject="Your choices about the register",
        template="register_consent",
        user=user,
        change=change,
        agreed=[f.label for f in FIELD_ORDER if f in agreed],
        privacy_url=url_for("accounts.show_privacy", _external=True),
        withdraw_url=withdrawal_url(user),
    )
