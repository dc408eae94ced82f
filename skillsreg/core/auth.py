"""Access rules for views: every endpoint declares who may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
MEMBER = "member"
ORGANISER = "organiser"
ADMINISTRATOR = "administrator"


def public(view: F) -> F:
    """Anyone may use this view, signed in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def _requires(level: str, allowed: Callable[[Any], bool]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = level  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


signed_in = _requires(MEMBER, lambda user: True)
organiser_required = _requires(ORGANISER, lambda user: user.is_organiser)
admin_required = _requires(ADMINISTRATOR, lambda user: user.is_administrator)


def is_safe_next(target: str | None) -> bool:
    """Only follow `next` to a path on this site, never to another host."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target
