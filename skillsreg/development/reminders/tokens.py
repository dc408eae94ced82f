"""The signed token of a reminder's one-click unsubscribe link (RFC 8058)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "reminders-unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    """A token naming the member, signed with the app's secret key; it does not expire.

    An unsubscribe link in an old email must still work, and it can do nothing but stop
    reminders, so it carries no expiry.
    """
    return _serializer().dumps({"unsubscribe": user_id})


def user_of(token: str) -> int | None:
    """The member a token was made for, or None if it was not signed by this service."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    user_id = payload.get("unsubscribe") if isinstance(payload, dict) else None
    return user_id if isinstance(user_id, int) else None
