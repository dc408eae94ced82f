"""Domain errors and the GOV.UK error pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from sqlalchemy.exc import DataError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from skillsreg.extensions import db, login_manager

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


API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30  # a database restart or fail-over takes seconds, not minutes
UNAVAILABLE_FALLBACK = (
    "<!DOCTYPE html><html lang=en><title>Sorry, the service is unavailable</title>"
    "<h1>Sorry, the service is unavailable</h1><p>Try again in a few minutes.</p></html>"
)  # only if even the GOV.UK page cannot be drawn without the database


class DomainError(Exception):
    """A rule of the service was broken; the message is fit to show the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowedError(DomainError):
    """The person may not do this."""


def render_error(status: int) -> tuple[Any, int]:
    """Render the GOV.UK page for an HTTP status, or a JSON error under the API's prefix."""
    title, template = ERROR_PAGES.get(status, ERROR_PAGES[500])
    if request.path.startswith(API_PREFIX):
        # An address no API rule matched (a newline in a path segment, say) still gets JSON.
        return jsonify(error={"message": title, "status": status}), status
    return render_template(template, title=title, status=status), status


def _forget_transaction() -> None:
    """Roll back the failed transaction; on a dead connection that can fail too, harmlessly."""
    try:
        db.session.rollback()
    except SQLAlchemyError as error:
        log.warning("rollback after a database error failed: %s", error)


def register_error_handlers(app: Flask) -> None:
    """Send HTTP errors, unstorable input and database outages to the GOV.UK pages."""

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
    @app.errorhandler(InterfaceError)  # psycopg's "connection already closed" after a restart
    def handle_database_down(error: OperationalError | InterfaceError):
        log.error("database unavailable: %s", error.orig)
        _forget_transaction()
        # The rollback expired the signed-in user, and reading them again needs the database:
        # the page is shown as to someone signed out.
        g._login_user = login_manager.anonymous_user()
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        try:
            body, status = render_error(503)
        except SQLAlchemyError:
            return UNAVAILABLE_FALLBACK, 503, headers
        return body, status, headers

    @app.teardown_appcontext
    def close_session_after_outage(_error: BaseException | None) -> None:
        # Closing the request's session rolls its transaction back. When PostgreSQL went away
        # after the page was made (a restart), that rollback fails too, and raised here it
        # would turn an answered request into a bare 500: log it and let the next request
        # start a fresh session (the pool's pre-ping replaces the dead connection).
        try:
            db.session.remove()
        except (OperationalError, InterfaceError) as error:
            log.warning("the database went away before the session closed: %s", error.orig)
            db.session.registry.clear()

    @app.errorhandler(DataError)
    def handle_unstorable_input(error: DataError):
        # Input the database refuses (a NUL character on PostgreSQL, say) is the request's fault.
        log.warning("input the database cannot store: %s", error.orig)
        _forget_transaction()
        return render_error(400)

    @app.errorhandler(500)
    def handle_server_error(_error: Exception):
        return render_error(500)
