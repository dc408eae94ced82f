"""Domain errors and the GOV.UK error pages."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from skillsreg.extensions import db

log = logging.getLogger(__name__)

ERROR_PAGES = {
    400: ("Sorry, there is a problem with your request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with your request", "errors/400.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
    503: ("Sorry, the service is unavailable", "errors/503.html"),
}


class DomainError(Exception):
    """A rule of the service was broken; the message is fit to show the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowedError(DomainError):
    """The person may not do this."""


def render_error(status: int) -> tuple[str, int]:
    """Render the GOV.UK page for an HTTP status."""
    title, template = ERROR_PAGES.get(status, ERROR_PAGES[500])
    return render_template(template, title=title, status=status), status


def register_error_handlers(app: Flask) -> None:
    """Send HTTP errors and database outages to the GOV.UK pages."""

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        if error.code in ERROR_PAGES:
            body, status = render_error(error.code)
            kept: dict[str, str] = {}
            if error.code in (405, 429):
                headers = error.get_response().headers
                kept = {k: v for k, v in headers.items() if k in ("Allow", "Retry-After")}
            return body, status, kept
        return error

    @app.errorhandler(OperationalError)
    def handle_database_down(error: OperationalError):
        log.error("database unavailable: %s", error.orig)
        db.session.rollback()
        return render_error(503)

    @app.errorhandler(500)
    def handle_server_error(_error: Exception):
        return render_error(500)
