"""Access rules for views: every endpoint declares who may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, after_this_request, current_app, flash, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from skillsreg.extensions import csrf

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
MEMBER = "member"
ORGANISER = "organiser"
ADMINISTRATOR = "administrator"

KEPT_FORM_COOKIE = "skillsreg_kept_form"
KEPT_FORM_LIMIT = 3 * 1024  # well inside a browser's 4 KB per cookie
KEPT_FORM_MAX_AGE = 60 * 60


def public(view: F) -> F:
    """Anyone may use this view, signed in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def _requires(
    level: str, allowed: Callable[[Any], bool], *, keep_form: bool = False
) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                response = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
                if keep_form and request.method == "POST":
                    _keep_form(response)
                return response
            if keep_form and current_app.config["WTF_CSRF_ENABLED"]:
                csrf.protect()  # exempted below only so a signed-out post reaches this view
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = level  # type: ignore[attr-defined]
        if keep_form:
            # An expired session has lost its CSRF token too; the check is made above instead.
            csrf.exempt(wrapped)
        return wrapped  # type: ignore[return-value]

    return decorator


signed_in = _requires(MEMBER, lambda user: True)
# For pages whose form is worth keeping when the session has expired mid-way through typing.
signed_in_keeping_form = _requires(MEMBER, lambda user: True, keep_form=True)
organiser_required = _requires(ORGANISER, lambda user: user.is_organiser)
admin_required = _requires(ADMINISTRATOR, lambda user: user.is_administrator)


def is_safe_next(target: str | None) -> bool:
    """Only follow `next` to a path on this site, never to another host."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target


def _kept_forms() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="kept-form")


def _keep_form(response: Response) -> None:
    """Keep a signed-out post's fields in a signed cookie, since signing in clears the session."""
    fields = {name: values for name, values in request.form.lists() if name != "csrf_token"}
    value = _kept_forms().dumps({"path": request.path, "fields": fields})
    if len(value) > KEPT_FORM_LIMIT:
        flash(
            "You were signed out. Your answers were too long to keep, "
            "so you will need to enter them again."
        )
        return
    response.set_cookie(
        KEPT_FORM_COOKIE,
        value,
        max_age=KEPT_FORM_MAX_AGE,
        httponly=True,
        secure=request.is_secure,
        samesite="Lax",
    )


def pop_kept_form() -> MultiDict[str, str] | None:
    """The fields posted to this page while signed out, once; None if there are none."""
    raw = request.cookies.get(KEPT_FORM_COOKIE)
    if raw is None:
        return None
    try:
        kept = _kept_forms().loads(raw, max_age=KEPT_FORM_MAX_AGE)
    except BadSignature:
        return None
    if kept.get("path") != request.path:
        return None

    @after_this_request
    def forget(response: Response) -> Response:
        response.delete_cookie(KEPT_FORM_COOKIE)
        return response

    return MultiDict([(name, value) for name, values in kept["fields"].items() for value in values])
