"""Signed links that let a person withdraw consent from an email without signing in."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from skillsreg.accounts.models import User
from skillsreg.extensions import db

SALT = "register-withdrawal"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=SALT)


def withdrawal_token(user: User) -> str:
    """A token naming this person; it does nothing until they press the button it leads to."""
    return _serializer().dumps({"user": user.id})


def user_for_token(token: str) -> User | None:
    """The person a withdrawal token names, or None if it is forged or the account is gone."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    if not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and not user.is_erased else None
