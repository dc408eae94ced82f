"""The one rule about unconfirmed accounts: they may look and self-assess, not act for others.

Services call `require_confirmed` and views use `confirmed_required`, so every place that
refuses says the same thing and offers the same way to get a new link.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import render_template
from flask_login import current_user

from skillsreg.accounts.models import User
from skillsreg.core.errors import NotAllowedError

F = TypeVar("F", bound=Callable[..., Any])

CONFIRM_FIRST_TITLE = "Confirm your email address first"


class UnconfirmedError(NotAllowedError):
    """The account's email address has not been confirmed, so this is not allowed yet."""


def confirm_first_message(action: str) -> str:
    """Why an unconfirmed account is refused, in plain English."""
    return (
        f"You need to confirm your email address before you can {action}. "
        "Open the link we emailed you, or ask for a new one."
    )


def require_confirmed(user: User, *, action: str) -> None:
    """Refuse an act that other people would see until the person has proved their address."""
    if not user.is_confirmed:
        raise UnconfirmedError(confirm_first_message(action))


def confirmed_required(action: str) -> Callable[[F], F]:
    """Show the 'confirm your email address first' page instead of the view, for such people.

    Put it below the access decorator (`@signed_in`), which has already sent anyone signed out
    to sign in.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.is_authenticated and not current_user.is_confirmed:
                page = render_template(
                    "accounts/confirm_first.html", action=action, title=CONFIRM_FIRST_TITLE
                )
                return page, 403
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
