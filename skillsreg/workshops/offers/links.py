"""Absolute links for emails, built in a request or, from the command line, from BASE_URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of an endpoint, for an email that may be queued outside a request."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(current_app.config.get("BASE_URL") or "http://127.0.0.1:5000")
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
