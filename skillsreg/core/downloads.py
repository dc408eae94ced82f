"""One way to send a body as a file download: attachment, safe name, extra headers."""

from __future__ import annotations

from flask import Response
from werkzeug.utils import get_content_type

from skillsreg.core.filenames import content_disposition


def content_type(mimetype: str) -> str:
    """The Content-Type header for a media type: its own parameters if it has any, else the
    default charset where one applies (so "text/csv; charset=utf-8" never gets a second one).
    """
    if ";" in mimetype:
        return mimetype
    return get_content_type(mimetype, "utf-8")


def attachment(
    body: str | bytes, *, mimetype: str, filename: str, headers: dict[str, str] | None = None
) -> Response:
    """A response the browser saves as `filename` (nosniff is added to every response).

    The Content-Type is `content_type(mimetype)`.
    """
    response = Response(body, content_type=content_type(mimetype))
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers.update(headers or {})
    return response
